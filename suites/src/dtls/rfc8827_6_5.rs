//! RFC 8827 §6.5: every WebRTC endpoint supports DTLS 1.2 with
//! TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256. The harness, as DTLS client, offers only that
//! suite; the target must complete the handshake with it. Data channels are secured by DTLS:
//! a message in a record DTLS did not protect (plaintext, or a broken tag) must not reach the
//! application.

use rtcspec_harness::peer::forge::{with_broken_tag, RecordForge};
use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, PeerOptions};
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::dtls::handshake::{whole_message, CLIENT_HELLO, HELLO_REQUEST};
use rtcspec_wire::dtls::{
    RawRecord, APPLICATION_DATA, HANDSHAKE, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 as ECDHE_ECDSA_AES_128_GCM_SHA256,
};

use rtcspec_harness::net::Datagram;

use crate::forged::{
    forged_then_control, harness_forge, judge_forged, on_target_channel, protected_records, starts_epoch_1_record,
};
use crate::live::*;

const SUITE: &str = "All implementations MUST support DTLS 1.2 with the \
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 cipher suite and the P-256 \
    curve [FIPS186].";

const SECURED: &str = "All data channels MUST be secured via DTLS.";

const NO_RENEGOTIATION: &str = "Implementations MUST NOT implement DTLS renegotiation and MUST reject \
    it with a \"no_renegotiation\" alert if offered.";
/// How long the target has to answer the HelloRequest, if it does.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_millis(1500);

pub const CASES: &[Case] = &[
    Case::new(
        "dtls.8827.6.5.ecdhe-ecdsa-aes128-gcm-supported",
        "Offered only TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, the target \
            completes the DTLS handshake with it",
        Spec::must("RFC 8827", "6.5", SUITE),
        PEER,
        aes128_gcm_supported,
    ),
    Case::new(
        "dtls.8827.6.5.plaintext-record-dropped",
        "After the handshake, a data channel message in an unprotected epoch-0 \
            application data record is not delivered",
        Spec::must("RFC 8827", "6.5", SECURED),
        PEER,
        plaintext_record_dropped,
    )
    .tags(SECURITY),
    Case::new(
        "dtls.8827.6.5.bad-tag-record-dropped",
        "A data channel message in a record whose AES-GCM tag does not verify \
            is not delivered",
        Spec::must("RFC 8827", "6.5", SECURED),
        PEER,
        bad_tag_record_dropped,
    )
    .tags(SECURITY),
    Case::new(
        "dtls.8827.6.5.reflected-record-dropped",
        "A data channel message in a record protected with the target's own \
            write key (a reflected record) is not delivered",
        Spec::must("RFC 8827", "6.5", SECURED),
        PEER,
        reflected_record_dropped,
    )
    .tags(SECURITY),
    Case::new(
        "dtls.8827.6.5.renegotiation-not-carried-out",
        "After the handshake the harness, DTLS server, sends a HelloRequest: \
            the target starts no new handshake (no ClientHello)",
        Spec::must("RFC 8827", "6.5", NO_RENEGOTIATION),
        PEER,
        renegotiation_not_carried_out,
    )
    .tags(SECURITY),
];

/// The harness asks for a new handshake: a HelloRequest (message_seq 0, as the first message
/// of a rehandshake, RFC 6347 §4.2.2) in an epoch-1 handshake record.
fn hello_request_then(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    let (mut forge, _, to) = harness_forge(call)?;
    let record = forge.sealed(HANDSHAKE, 1, &whole_message(HELLO_REQUEST, 0, &[])).map_err(CallError::Harness)?;
    call.harness.inject(to, &record.to_bytes()).map_err(CallError::Harness)?;
    call.run_for(ANSWER_WITHIN)
}

fn renegotiation_not_carried_out(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(hello_request_then))?;
    // The HelloRequest: the harness's last epoch-1 handshake record.
    let asked = call.to_target.iter().rev().find(|d| starts_epoch_1_record(d, HANDSHAKE));
    let (true, Some(asked)) = (call.established, asked) else {
        return Err(Outcome::Error { why: format!("the call did not come up to the HelloRequest; {}", call.summary) });
    };
    let after: Vec<&Datagram> = call.from_target.iter().filter(|d| d.at_us > asked.at_us).collect();
    let answers: Vec<u8> =
        protected_records(&call, &after, Side::Target, HANDSHAKE)?.iter().filter_map(|m| m.first().copied()).collect();
    if !answers.contains(&CLIENT_HELLO) {
        return Ok(Outcome::Pass);
    }
    Ok(Outcome::fail(
        "no new handshake: the HelloRequest ignored, or refused with a \
            no_renegotiation alert",
        format!(
            "the target answered with handshake messages of types {answers:?} in \
                epoch 1, a ClientHello among them: it renegotiates"
        ),
    ))
}

fn reflected_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forged_then_control(call, channel, |forge: &mut RecordForge, sctp: &[u8]| {
        forge.sealed_by(Side::Target, APPLICATION_DATA, 1, sctp)
    })
}

fn reflected_record_dropped(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(reflected_then))?;
    judge_forged(&call, "an epoch-1 record protected with the target's own write key")
}

fn plaintext_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forged_then_control(call, channel, |forge: &mut RecordForge, sctp: &[u8]| Ok(forge.plain(APPLICATION_DATA, sctp)))
}

fn bad_tag_then(call: &mut Call<'_>, channel: &ChannelSpec) -> Result<(), CallError> {
    forged_then_control(call, channel, |forge: &mut RecordForge, sctp: &[u8]| -> Result<RawRecord, String> {
        forge.sealed(APPLICATION_DATA, 1, sctp).map(with_broken_tag)
    })
}

fn plaintext_record_dropped(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(plaintext_then))?;
    judge_forged(&call, "an epoch-0 (unprotected) application data record")
}

fn bad_tag_record_dropped(ctx: &mut Ctx) -> Verdict {
    let call = call_and_read_setup(ctx, on_target_channel(bad_tag_then))?;
    judge_forged(&call, "an epoch-1 record whose AES-GCM tag does not verify")
}

fn aes128_gcm_supported(ctx: &mut Ctx) -> Verdict {
    // The target offers; the reference answers a=setup:active, so it is the DTLS client.
    let options = PeerOptions { dtls_cipher_suites: &[ECDHE_ECDSA_AES_128_GCM_SHA256], ..PeerOptions::default() };
    let call = call_and_read_as(ctx, Offerer::Target, None, options)?;
    if call.view.dtls_client != Some(Side::Harness) {
        return Err(Outcome::Error { why: format!("the harness was not the DTLS client; {}", call.summary) });
    }
    let expected = "a ServerHello selecting 0xc02b and a completed handshake";
    Ok(match call.view.cipher_suite {
        Some(ECDHE_ECDSA_AES_128_GCM_SHA256) if call.view.dtls_complete() => Outcome::Pass,
        Some(ECDHE_ECDSA_AES_128_GCM_SHA256) => {
            Outcome::fail(expected, format!("0xc02b selected, the handshake not completed; {}", call.summary))
        }
        Some(other) => Outcome::fail(expected, format!("cipher suite {other:#06x} selected")),
        None => Outcome::fail(expected, format!("no ServerHello; {}", call.summary)),
    })
}
