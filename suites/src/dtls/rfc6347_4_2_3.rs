//! RFC 6347 §4.2.3: a handshake message may come in fragments, each in its own record, as a
//! sender on a path with a small MTU sends it; the receiver buffers them until it has the
//! whole message, and copes with fragment ranges that overlap (a sender that shrinks its
//! fragments when it retransmits sends such ranges).
//!
//! The harness is the DTLS server. Every handshake message of its epoch-0 flights
//! (HelloVerifyRequest, ServerHello, Certificate, ServerKeyExchange, CertificateRequest,
//! ServerHelloDone) goes out in fragments of 64 bytes, one record per datagram; in the
//! second case each fragment starts 40 bytes after the one before, so 24 bytes of every
//! fragment come again in the next. The target, DTLS client, must complete the handshake.

use rtcspec_harness::peer::fragment::Fragmenting;
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::dtls::handshake::handshake_fragments;

use crate::live::*;

const BUFFER: &str = "When a DTLS implementation receives a handshake message fragment, it \
    MUST buffer it until it has the entire handshake message.";
const OVERLAP: &str = "DTLS implementations MUST be able to handle overlapping fragment \
    ranges.  This allows senders to retransmit handshake messages with \
    smaller fragment sizes if the PMTU estimate changes.";

pub const CASES: &[Case] = &[
    Case::new(
        "dtls.6347.4.2.3.fragmented-flight-reassembled",
        "The harness's handshake messages come in 64-byte fragments, a record \
            each: the target puts them together and the handshake completes",
        Spec::must("RFC 6347", "4.2.3", BUFFER),
        PEER,
        fragmented_flight_reassembled,
    ),
    Case::new(
        "dtls.6347.4.2.3.overlapping-fragments-reassembled",
        "The harness's handshake messages come in 64-byte fragments that \
            overlap by 24 bytes: the target puts them together and the handshake \
            completes",
        Spec::must("RFC 6347", "4.2.3", OVERLAP),
        PEER,
        overlapping_fragments_reassembled,
    ),
];

const CONTIGUOUS: Fragmenting = Fragmenting { size: 64, step: 64 };
const OVERLAPPING: Fragmenting = Fragmenting { size: 64, step: 40 };

fn fragmented_flight_reassembled(ctx: &mut Ctx) -> Verdict {
    handshake_completes(ctx, CONTIGUOUS)
}

fn overlapping_fragments_reassembled(ctx: &mut Ctx) -> Verdict {
    handshake_completes(ctx, OVERLAPPING)
}

/// A call in which the harness, DTLS server, fragments its handshake messages as `how` says;
/// Pass when DTLS completes.
fn handshake_completes(ctx: &mut Ctx, how: Fragmenting) -> Verdict {
    let options = PeerOptions { answer_as_dtls_server: true, handshake_fragments: Some(how), ..PeerOptions::default() };
    let setup = Setup { options, until_connected: true, ..Setup::new(Offerer::Target) };
    let call = call_and_read_setup(ctx, setup)?;
    // The harness's own wire must show the fragments the case is about, or it says nothing.
    let fragments: Vec<_> = call
        .to_target
        .iter()
        .filter(|d| classify(&d.bytes) == Protocol::Dtls)
        .flat_map(|d| handshake_fragments(&d.bytes))
        .collect();
    let partial = fragments.iter().filter(|f| f.is_partial()).count();
    let overlapping =
        fragments.windows(2).filter(|w| w[0].message_seq == w[1].message_seq && w[1].offset < w[0].end()).count();
    if partial == 0 || (how.step < how.size && overlapping == 0) {
        return Err(Outcome::Error {
            why: format!(
                "the harness's handshake did not go out as meant ({} fragments, \
                    {partial} partial, {overlapping} overlapping the one before); {}",
                fragments.len(),
                call.summary
            ),
        });
    }
    if call.established && call.view.dtls_complete() {
        return Ok(Outcome::Pass);
    }
    Ok(Outcome::fail(
        format!(
            "DTLS completes with the harness's handshake messages in {} fragments \
                of at most {} bytes{}",
            fragments.len(),
            how.size,
            if overlapping > 0 { format!(", {overlapping} overlapping the one before") } else { String::new() }
        ),
        format!(
            "DTLS complete: {}; the target sent {} ClientHello(s) and never its \
                Finished; {}",
            call.view.dtls_complete(),
            call.view.client_hellos_from(Side::Target),
            call.summary
        ),
    ))
}
