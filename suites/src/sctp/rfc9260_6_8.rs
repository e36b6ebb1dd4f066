//! RFC 9260 §6.8: a packet whose CRC32c does not match is an invalid SCTP packet, silently
//! discarded. DTLS protects the packet already, so a stack could be tempted to skip the
//! check. The harness sends a DATA chunk in a validly protected record whose SCTP checksum is
//! wrong, then the same chunk with the right one as the control.

use rtcspec_harness::peer::forge::RecordForge;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec};
use rtcspec_harness::{Case, Ctx, Spec, Verdict};
use rtcspec_wire::dtls::APPLICATION_DATA;

use super::kit::{heartbeat, judge_answered_control, spoiled_then_control, Spoil};
use crate::forged::{forged_then_control, judge_forged, on_target_channel};
use crate::live::*;
use rtcspec_wire::sctp::{HEARTBEAT, HEARTBEAT_ACK};

const CHECKSUM: &str = "When an SCTP packet is received, the receiver MUST first check the \
    CRC32c checksum ... Verify that the calculated CRC32c checksum is the \
    same as the received CRC32c checksum. If it is not, the receiver MUST \
    treat the packet as an invalid SCTP packet. The default procedure for \
    handling invalid SCTP packets is to silently discard them.";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.9260.6.8.bad-crc32c-discarded",
        "A DATA chunk in a packet whose CRC32c does not match is not delivered",
        Spec::must("RFC 9260", "6.8", CHECKSUM),
        PEER,
        bad_crc32c_discarded,
    ),
    Case::new(
        "sctp.9260.6.8.bad-crc32c-heartbeat-unanswered",
        "A HEARTBEAT in a packet whose CRC32c does not match gets no HEARTBEAT \
            ACK (the same HEARTBEAT intact does)",
        Spec::must("RFC 9260", "6.8", CHECKSUM),
        PEER,
        bad_crc32c_heartbeat_unanswered,
    ),
];

fn bad_checksum_heartbeat_then(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    spoiled_then_control(call, &heartbeat(), Spoil::BadChecksum)
}

fn bad_crc32c_heartbeat_unanswered(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(bad_checksum_heartbeat_then))?;
    judge_answered_control(&call, HEARTBEAT, HEARTBEAT_ACK, "a HEARTBEAT in a packet with a wrong CRC32c")
}

fn bad_checksum_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forged_then_control(call, channel, |forge: &mut RecordForge, sctp: &[u8]| {
        let mut packet = sctp.to_vec();
        if let Some(b) = packet.get_mut(8) {
            *b ^= 0x01;
        }
        forge.sealed(APPLICATION_DATA, 1, &packet)
    })
}

fn bad_crc32c_discarded(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(bad_checksum_then))?;
    judge_forged(&call, "an SCTP packet with a wrong CRC32c (in a valid DTLS record)")
}
