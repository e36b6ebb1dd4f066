//! RFC 9260 §3.2, Table 2: what a receiver does with a chunk type it does not know is in the
//! type's two high bits. 00 and 01: stop processing the packet, so the chunks after it are
//! discarded; 10 and 11: skip the chunk and go on with the rest. (01 and 11 also report the
//! chunk in an ERROR; that part is not judged here.) The harness sends a DATA chunk after an
//! unknown chunk, in one validly protected packet, then the same DATA chunk alone as the
//! control. Whether the first DATA reaches the application says which action the target
//! took. The table states the actions without a BCP 14 keyword; they are the protocol's
//! definition of these bits, so the cases hold them as MUST.

use rtcspec_harness::peer::forge::RecordForge;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::dtls::{RawRecord, APPLICATION_DATA};

use crate::forged::{first_then_control, judge_forged, on_target_channel, CONTROL, FORGED};
use crate::live::*;

const ACTIONS: &str = "Chunk Types are encoded such that the highest-order 2 bits specify \
    the action that is taken if the processing endpoint does not \
    recognize the Chunk Type. 00: Stop processing this SCTP packet and \
    discard the unrecognized chunk and all further chunks. 01: Stop \
    processing this SCTP packet, discard the unrecognized chunk and all \
    further chunks, and report the unrecognized chunk in an ERROR chunk \
    using the 'Unrecognized Chunk Type' error cause. 10: Skip this chunk \
    and continue processing. 11: Skip this chunk and continue processing, \
    but report it in an ERROR chunk using the 'Unrecognized Chunk Type' \
    error cause.";

/// What the DATA after a chunk to be skipped carries: it must be delivered.
const AFTER_SKIPPED: &str = "rtcspec: after a chunk the target must skip";

pub const CASES: &[Case] = &[
    Case::new(
        "sctp.9260.3.2.unknown-00-chunk-stops-packet",
        "After an unknown chunk of type 0x3f (high bits 00), the DATA chunk in \
            the same packet is not delivered",
        Spec::must("RFC 9260", "3.2", ACTIONS),
        PEER,
        unknown_00_stops,
    ),
    Case::new(
        "sctp.9260.3.2.unknown-01-chunk-stops-packet",
        "After an unknown chunk of type 0x7f (high bits 01), the DATA chunk in \
            the same packet is not delivered",
        Spec::must("RFC 9260", "3.2", ACTIONS),
        PEER,
        unknown_01_stops,
    ),
    Case::new(
        "sctp.9260.3.2.unknown-10-chunk-skipped",
        "After an unknown chunk of type 0xbf (high bits 10), the DATA chunk in \
            the same packet is delivered",
        Spec::must("RFC 9260", "3.2", ACTIONS),
        PEER,
        unknown_10_skipped,
    ),
    Case::new(
        "sctp.9260.3.2.unknown-11-chunk-skipped",
        "After an unknown chunk of type 0xff (high bits 11), the DATA chunk in \
            the same packet is delivered",
        Spec::must("RFC 9260", "3.2", ACTIONS),
        PEER,
        unknown_11_skipped,
    ),
];

/// `packet` (an SCTP packet with one DATA chunk) with a chunk of type `kind` and a 4-byte
/// value put before its DATA chunk, sealed in a valid record.
fn after_unknown(forge: &mut RecordForge, packet: &[u8], kind: u8) -> Result<RawRecord, String> {
    let tag = forge.verification_tag().ok_or("no SCTP packet of the harness")?;
    let data = packet.get(12..).ok_or("a short SCTP packet")?;
    let chunks = [&[kind, 0, 0, 8, 0x72, 0x74, 0x63, 0x73][..], data].concat();
    let packet = forge.sctp_packet(tag, &chunks)?;
    forge.sealed(APPLICATION_DATA, 1, &packet)
}

// One then-step per chunk type: a `OnceEstablished` is a plain function.
fn after_3f(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    first_then_control(call, channel, FORGED, |f, p| after_unknown(f, p, 0x3f))
}

fn after_7f(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    first_then_control(call, channel, FORGED, |f, p| after_unknown(f, p, 0x7f))
}

fn after_bf(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    first_then_control(call, channel, AFTER_SKIPPED, |f, p| after_unknown(f, p, 0xbf))
}

fn after_ff(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    first_then_control(call, channel, AFTER_SKIPPED, |f, p| after_unknown(f, p, 0xff))
}

fn unknown_00_stops(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(after_3f))?;
    judge_forged(&call, "a DATA chunk after an unknown chunk of type 0x3f")
}

fn unknown_01_stops(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(after_7f))?;
    judge_forged(&call, "a DATA chunk after an unknown chunk of type 0x7f")
}

/// Pass when the DATA after the skipped chunk was delivered; Fail when only the control
/// (the same chunk alone) was; an Error when neither was.
fn judge_skipped(call: &LiveCall, kind: u8) -> Verdict {
    let expected = format!(
        "the chunk of type {kind:#04x} is skipped and the DATA chunk after it \
            delivered"
    );
    match (call.delivered(AFTER_SKIPPED), call.delivered(CONTROL)) {
        (true, _) => Ok(Outcome::Pass),
        (false, true) => Ok(Outcome::fail(
            expected,
            format!(
                "{AFTER_SKIPPED:?} was not delivered; the same DATA chunk alone was: \
                    the packet was discarded"
            ),
        )),
        (false, false) => Err(Outcome::Error {
            why: format!(
                "the same DATA chunk alone was not delivered either, so nothing can be \
                    judged; {}",
                call.summary
            ),
        }),
    }
}

fn unknown_10_skipped(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(after_bf))?;
    judge_skipped(&call, 0xbf)
}

fn unknown_11_skipped(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(after_ff))?;
    judge_skipped(&call, 0xff)
}
