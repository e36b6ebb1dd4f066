//! RFC 8827 §6.5: every WebRTC endpoint supports DTLS 1.2 with
//! TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256. The harness, as DTLS client, offers only that
//! suite; the target must complete the handshake with it.

use rtcspec_harness::peer::wire::Side;
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

use crate::live::*;

const SUITE: &str = "All implementations MUST support DTLS 1.2 with the TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 cipher suite and the P-256 curve [FIPS186].";
const ECDHE_ECDSA_AES_128_GCM_SHA256: u16 = 0xc02b;

pub const CASES: &[Case] = &[case(
    ("dtls.8827.6.5.ecdhe-ecdsa-aes128-gcm-supported", "dtls"),
    "Offered only TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, the target completes the DTLS handshake with it",
    ("RFC 8827", "6.5"),
    SUITE,
    &[],
    aes128_gcm_supported,
)];

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
