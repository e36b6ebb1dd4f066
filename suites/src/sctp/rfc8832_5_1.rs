//! RFC 8832 §5.1: the DATA_CHANNEL_OPEN message the target sends describes the channel it opens:
//! channel type and reliability parameter as the channel was asked for, and the label's length
//! in bytes of UTF-8.

use super::kit::*;
use crate::live::*;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::ChannelSpec;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

const LABEL: &str = "Label Length: 2 bytes (unsigned integer) The length of the label \
    field in bytes. ... Label: Variable Length (sequence of characters) \
    The name of the data channel as a UTF-8-encoded string, as specified \
    in [RFC3629].";

const OPEN_FORMAT: &str = "Channel Type: 1 byte (unsigned integer). This field specifies the \
    type of data channel to be opened. ... \
    DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED (0x81): The data \
    channel provides a partially reliable in-order bidirectional \
    communication. User messages might not be delivered in order. User \
    messages will not be retransmitted more times than specified in the \
    Reliability Parameter.";

const OPEN_RELIABLE: &str = "DATA_CHANNEL_RELIABLE_UNORDERED (0x80): The data channel provides a \
    reliable unordered bidirectional communication. ... Reliability \
    Parameter: 4 bytes (unsigned integer) For reliable data channels, \
    this field MUST be set to 0 on the sending side and MUST be ignored \
    on the receiving side.";

const OPEN_REXMIT: &str = "DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT (0x01): The data channel \
    provides a partially reliable in-order bidirectional communication. \
    User messages will not be retransmitted more times than specified in \
    the Reliability Parameter. ... If a partially reliable data channel \
    with a limited number of retransmissions is used, this field \
    specifies the number of retransmissions.";

const OPEN_TIMED: &str = "DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED (0x82): The data \
    channel provides a partially reliable unordered bidirectional \
    communication. User messages might not be transmitted or \
    retransmitted after a specified lifetime given in milliseconds in the \
    Reliability Parameter. ... If a partially reliable data channel with \
    a limited lifetime is used, this field specifies the maximum lifetime \
    in milliseconds.";

/// A label whose UTF-8 encoding is longer than its count of characters (and of UTF-16 units).
const NON_ASCII_LABEL: &str = "rtcspec-\u{fc}\u{2713}";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.8832.5.1.open-describes-channel",
        "DATA_CHANNEL_OPEN for an unordered channel with 0 retransmits says \
            type 0x81, reliability 0, and the label and protocol",
        Spec::must("RFC 8832", "5.1", OPEN_FORMAT),
        PEER,
        open_describes_channel,
    ),
    Case::new(
        "sctp.8832.5.1.open-describes-rexmit-channel",
        "DATA_CHANNEL_OPEN for an ordered channel with 3 retransmits says type \
            0x01, reliability 3",
        Spec::must("RFC 8832", "5.1", OPEN_REXMIT),
        PEER,
        open_describes_rexmit,
    ),
    Case::new(
        "sctp.8832.5.1.open-describes-timed-channel",
        "DATA_CHANNEL_OPEN for an unordered channel with a 1500 ms lifetime \
            says type 0x82, reliability 1500",
        Spec::must("RFC 8832", "5.1", OPEN_TIMED),
        PEER,
        open_describes_timed,
    ),
    Case::new(
        "sctp.8832.5.1.open-describes-reliable-unordered",
        "DATA_CHANNEL_OPEN for a reliable unordered channel says type 0x80 and \
            reliability 0",
        Spec::must("RFC 8832", "5.1", OPEN_RELIABLE),
        PEER,
        open_describes_reliable_unordered,
    ),
    Case::new(
        "sctp.8832.5.1.label-length-in-bytes",
        "DATA_CHANNEL_OPEN gives the length of a non-ASCII label in bytes of \
            UTF-8, and the label reads back",
        Spec::must("RFC 8832", "5.1", LABEL),
        PEER,
        label_length_in_bytes,
    ),
];

fn label_length_in_bytes(ctx: &mut Ctx) -> Verdict {
    let channel = ChannelSpec { protocol: "p".into(), ..ChannelSpec::reliable(NON_ASCII_LABEL) };
    let call = call_and_read_setup(ctx, Setup { channel, ..target_channel(wait_for_late_chunks) })?;
    let expected = format!(
        "label length {} (bytes of UTF-8), the label {NON_ASCII_LABEL:?}, then \
            protocol \"p\"",
        NON_ASCII_LABEL.len()
    );
    // Read the OPEN by its fields, not by its label: a wrong length garbles the label.
    let opens: Vec<_> = call
        .view
        .data_from(Side::Target)
        .into_iter()
        .filter(|d| d.payload.first() == Some(&DATA_CHANNEL_OPEN))
        .collect();
    let Some(open) = opens.first() else {
        return Ok(missing(&call, &expected, "DATA_CHANNEL_OPEN"));
    };
    let p = &open.payload;
    let declared = p.get(8..10).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
    let right = p.get(12..).is_some_and(|rest| rest == [NON_ASCII_LABEL.as_bytes(), b"p"].concat());
    Ok(match declared {
        Some(n) if n == NON_ASCII_LABEL.len() && right => Outcome::Pass,
        Some(n) => Outcome::fail(
            expected,
            format!("label length {n}; label and protocol bytes {:?}", String::from_utf8_lossy(&p[12..])),
        ),
        None => Outcome::fail(expected, format!("a DATA_CHANNEL_OPEN of {} bytes", p.len())),
    })
}

fn open_describes_channel(ctx: &mut Ctx) -> Verdict {
    let channel = ChannelSpec { ordered: false, max_retransmits: Some(0), ..ChannelSpec::reliable("rtcspec") };
    open_describes(ctx, channel, 0x81, 0)
}

fn open_describes_reliable_unordered(ctx: &mut Ctx) -> Verdict {
    open_describes(ctx, ChannelSpec { ordered: false, ..ChannelSpec::reliable("rtcspec") }, 0x80, 0)
}

fn open_describes_rexmit(ctx: &mut Ctx) -> Verdict {
    open_describes(ctx, ChannelSpec { max_retransmits: Some(3), ..ChannelSpec::reliable("rtcspec") }, 0x01, 3)
}

fn open_describes_timed(ctx: &mut Ctx) -> Verdict {
    let channel = ChannelSpec { ordered: false, max_packet_life_time: Some(1500), ..ChannelSpec::reliable("rtcspec") };
    open_describes(ctx, channel, 0x82, 1500)
}

/// The target opens `channel` (with the protocol "rtcspec-test"); its DATA_CHANNEL_OPEN must
/// say `channel_type` and `reliability`, the label and the protocol.
fn open_describes(ctx: &mut Ctx, channel: ChannelSpec, channel_type: u8, reliability: u32) -> Verdict {
    let channel = ChannelSpec { protocol: "rtcspec-test".into(), ..channel };
    let call = call_and_read_setup(ctx, Setup { channel, ..target_channel(wait_for_late_chunks) })?;
    let expected = format!(
        "channel type {channel_type:#04x}, reliability {reliability}, label \
            \"rtcspec\", protocol \"rtcspec-test\""
    );
    Ok(match open_from(&call.view, Side::Target, "rtcspec") {
        Some(o) if o.channel_type == channel_type && o.reliability == reliability && o.protocol == "rtcspec-test" => {
            Outcome::Pass
        }
        Some(o) => Outcome::fail(
            expected,
            format!(
                "channel type {:#04x}, reliability {}, label {:?}, protocol {:?}",
                o.channel_type, o.reliability, o.label, o.protocol
            ),
        ),
        None => missing(&call, &expected, "DATA_CHANNEL_OPEN"),
    })
}
