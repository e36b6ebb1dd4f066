//! RFC 6347 §4.2.4: DTLS recovers from loss by retransmitting flights. The interposer loses
//! the target's first handshake datagram; the call must still come up. The target is the
//! DTLS client (the harness answers `a=setup:passive`), so its ClientHello is the flight it
//! must retransmit on its own timer.
//!
//! The same section: application data of an epoch whose Finished has not been received is
//! discarded or buffered. A record naming epoch 2, which never began, is never delivered.

use std::time::Duration;

use rtcspec_harness::peer::forge::{RecordForge, APPLICATION_DATA};
use rtcspec_harness::peer::wire::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Impairment, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use super::forged::{forged_then_control, judge_forged, on_target_channel};
use crate::live::*;

const RETRANSMIT: &str = "There are three ways to exit the WAITING state: 1. The retransmit timer expires: the implementation transitions to the SENDING state, where it retransmits the flight, resets the retransmit timer, and returns to the WAITING state. 2. The implementation reads a retransmitted flight from the peer: the implementation transitions to the SENDING state, where it retransmits the flight, resets the retransmit timer, and returns to the WAITING state.";

const NEW_EPOCH: &str = "Implementations MUST either discard or buffer all application data packets for the new epoch until they have received the Finished message for that epoch.";

pub const CASES: &[Case] = &[
    case(
        ("dtls.6347.4.2.4.first-flight-lost", "dtls"),
        "The target's first DTLS handshake datagram is lost: it retransmits, and the call comes up",
        ("RFC 6347", "4.2.4"),
        RETRANSMIT,
        &[],
        first_flight_lost,
    ),
    case(
        ("dtls.6347.4.2.4.unstarted-epoch-record-dropped", "dtls"),
        "A data channel message in a record of epoch 2, which no Finished began, is not delivered",
        ("RFC 6347", "4.2.4"),
        NEW_EPOCH,
        SECURITY,
        unstarted_epoch_record_dropped,
    ),
];

fn epoch_2_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forged_then_control(call, channel, |forge: &mut RecordForge, sctp: &[u8]| forge.sealed(APPLICATION_DATA, 2, sctp))
}

fn unstarted_epoch_record_dropped(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(epoch_2_then))?;
    judge_forged(&call, "a record naming epoch 2 (sealed with the epoch-1 keys)")
}

/// How long an impaired call has to come up: retransmission timers start at 1 s and double
/// (RFC 6347 §4.2.4.1), so three losses of one flight cost 7 s; the case's own time bound
/// leaves room for 6.
const IMPAIRED_CONNECT: Duration = Duration::from_secs(6);

fn comes_up(ctx: &mut Ctx, impairment: Impairment, what: &str) -> Verdict {
    let options = PeerOptions { impairment, answer_as_dtls_server: true, ..PeerOptions::default() };
    let setup = Setup { options, connect: IMPAIRED_CONNECT, ..Setup::new(Offerer::Target) };
    let call = call_and_read_setup(ctx, setup)?;
    Ok(if call.view.dtls_complete() && call.summary.starts_with("the data channel opened") {
        Outcome::Pass
    } else {
        Outcome::fail(
            format!("the call comes up although {what}"),
            format!(
                "DTLS complete: {}, the target sent {} ClientHello(s) and {} ServerHello(s); {}",
                call.view.dtls_complete(),
                call.view.client_hellos_from(Side::Target),
                call.view.server_hellos_from(Side::Target),
                call.summary
            ),
        )
    })
}

fn first_flight_lost(ctx: &mut Ctx) -> Verdict {
    comes_up(ctx, Impairment { lose_first_dtls: true }, "its first handshake datagram was lost")
}
