//! RFC 8832 §6, the receiver's side: a DATA_CHANNEL_OPEN on a stream already in use, or not
//! well formed, is refused. The target closes the channel and MUST NOT answer
//! DATA_CHANNEL_ACK. (An OPEN on a stream of the wrong parity is refused by the same rule,
//! but every stack here acknowledges it, so no case for it can be shown to pass.) The harness sends such an
//! OPEN by hand (in a record protected with the session's keys, as its association would),
//! and a valid OPEN as the control, which must be acknowledged.

use std::time::Duration;

use rtcspec_harness::peer::view::{Side, WireView};
use rtcspec_harness::peer::{Call, CallError, ChannelSpec};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::{target_channel, DATA_CHANNEL_ACK, DATA_CHANNEL_OPEN, PPID_DCEP};
use crate::forged::{harness_forge, inject_sealed};
use crate::live::*;

const REFUSED: &str = "If the DATA_CHANNEL_OPEN message doesn't satisfy the conditions \
    above, the receiver MUST close the corresponding data channel using \
    the procedure described in [RFC8831] and MUST NOT send a \
    DATA_CHANNEL_ACK message in response to the received message. This \
    might occur if, for example, a DATA_CHANNEL_OPEN message is received \
    on an already used stream, there are problems with parameters within \
    the DATA_CHANNEL_OPEN message, the odd/even rule is violated, or the \
    DATA_CHANNEL_OPEN message itself is not well formed.";

/// How long the target has to answer an OPEN (on loopback it takes milliseconds).
const ANSWER: Duration = Duration::from_millis(400);
/// The streams the harness's hand-made OPENs use (unused by the call's own channel, which
/// the target opened on 0 or 1).
const FIRST: u16 = 20;
const SECOND: u16 = 22;

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.8832.6.open-on-used-stream-refused",
        "A second DATA_CHANNEL_OPEN on a stream already in use gets no \
            DATA_CHANNEL_ACK",
        Spec::must("RFC 8832", "6", REFUSED),
        PEER,
        used_stream_refused,
    )
    .tags(SECURITY),
    Case::new(
        "sctp.8832.6.malformed-open-refused",
        "A DATA_CHANNEL_OPEN whose Label Length runs past the message gets no \
            DATA_CHANNEL_ACK",
        Spec::must("RFC 8832", "6", REFUSED),
        PEER,
        malformed_refused,
    )
    .tags(SECURITY),
];

/// A DATA_CHANNEL_OPEN (RFC 8832 §5.1): reliable, ordered, no protocol; `label_len` as
/// written in the message (the label's length, unless the case lies about it).
fn open_message(label: &str, label_len: u16) -> Vec<u8> {
    let mut m = vec![DATA_CHANNEL_OPEN, 0x00, 0, 0, 0, 0, 0, 0];
    m.extend_from_slice(&label_len.to_be_bytes());
    m.extend_from_slice(&0u16.to_be_bytes());
    m.extend_from_slice(label.as_bytes());
    m
}

fn well_formed(label: &str) -> Vec<u8> {
    open_message(label, label.len() as u16)
}

/// The harness's stream parity (RFC 8832 §6: even as DTLS client, odd as server).
fn harness_parity(view: &WireView) -> Option<u16> {
    view.dtls_client.map(|client| u16::from(client != Side::Harness))
}

/// One hand-made OPEN: the stream, its SSN, the message.
type Open = (u16, u16, Vec<u8>);

/// Sends the OPENs `opens` makes of the harness's parity as the harness's association would,
/// one per (stream, SSN, message), each in its own record, and waits [`ANSWER`] after each.
fn send_opens(call: &mut Call<'_>, opens: fn(u16) -> Vec<Open>) -> Result<(), CallError> {
    let (forge, view, _) = harness_forge(call)?;
    let own = harness_parity(&view).ok_or_else(|| CallError::Harness("no DTLS client on the wire".into()))?;
    let mut tsn = forge.next_tsn().ok_or_else(|| CallError::Harness("no DATA chunk of the harness was read".into()))?;
    for (stream, ssn, message) in opens(own) {
        let packet = forge.sctp_data(tsn, stream, Some(ssn), PPID_DCEP, &message).map_err(CallError::Harness)?;
        inject_sealed(call, &packet)?;
        tsn = tsn.wrapping_add(1);
        call.run_for(ANSWER)?;
    }
    Ok(())
}

fn used_stream(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    send_opens(call, |own| {
        vec![(FIRST + own, 0, well_formed("rtcspec-control")), (FIRST + own, 1, well_formed("rtcspec-again"))]
    })
}

fn malformed(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    send_opens(call, |own| {
        vec![(FIRST + own, 0, open_message("rtcspec-short", 200)), (SECOND + own, 0, well_formed("rtcspec-control"))]
    })
}

/// The DATA_CHANNEL_ACKs the target sent on `stream` (each TSN once: retransmissions of
/// one ACK are one ACK).
fn acks_on(call: &LiveCall, stream: u16) -> usize {
    let tsns: std::collections::BTreeSet<u32> = call
        .view
        .data_from(Side::Target)
        .iter()
        .filter(|d| d.stream == stream && d.ppid == PPID_DCEP && d.payload == [DATA_CHANNEL_ACK])
        .map(|d| d.tsn)
        .collect();
    tsns.len()
}

/// Pass when the control stream got exactly `control_acks` ACKs and the bad OPEN none of
/// its own; an Error when the control was not acknowledged (nothing to judge).
fn judge(call: &LiveCall, bad_stream: u16, control_stream: u16, what: &str) -> Verdict {
    let same = bad_stream == control_stream;
    let control = acks_on(call, control_stream);
    if control == 0 {
        return Err(Outcome::Error {
            why: format!(
                "the harness's valid DATA_CHANNEL_OPEN on stream {control_stream} was \
                    not acknowledged either; {}",
                call.summary
            ),
        });
    }
    let bad = if same { control - 1 } else { acks_on(call, bad_stream) };
    Ok(if bad == 0 {
        Outcome::Pass
    } else {
        Outcome::fail(
            format!("no DATA_CHANNEL_ACK for {what}"),
            format!("{bad} DATA_CHANNEL_ACK(s) for it on stream {bad_stream}"),
        )
    })
}

fn view_parity(call: &LiveCall) -> u16 {
    // Without a DTLS client the call never came up: no control ACK, and judge() says so.
    harness_parity(&call.view).unwrap_or(1)
}

fn used_stream_refused(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(used_stream))?;
    let stream = FIRST + view_parity(&call);
    judge(&call, stream, stream, "a second OPEN on a stream in use")
}

fn malformed_refused(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, target_channel(malformed))?;
    let own = view_parity(&call);
    judge(&call, FIRST + own, SECOND + own, "an OPEN whose Label Length (200) runs past the message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_is_laid_out_as_rfc_8832_says() {
        assert_eq!(well_formed("ab"), [3, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, b'a', b'b']);
        assert_eq!(open_message("ab", 200)[8..10], [0, 200]);
    }
}
