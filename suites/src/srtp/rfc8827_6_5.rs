//! RFC 8827 §6.5: what every WebRTC endpoint must support for DTLS-SRTP. The harness offers
//! audio and supports only the mandatory SRTP protection profile: the target must offer it
//! (as DTLS client) or select it (as server).

use rtcspec_harness::peer::view::Side;
use rtcspec_harness::peer::PeerOptions;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::srtp::AES128_CM_HMAC_SHA1_80 as SRTP_AES128_CM_HMAC_SHA1_80;

use crate::live::*;

const PROFILE: &str = "The DTLS-SRTP protection profile SRTP_AES128_CM_HMAC_SHA1_80 MUST be \
    supported for SRTP.";

pub const CASES: &[Case] = &[Case::new(
    "srtp.8827.6.5.aes128-cm-sha1-80-supported",
    "The target offers (as DTLS client) or selects (as server) \
        SRTP_AES128_CM_HMAC_SHA1_80",
    Spec::must("RFC 8827", "6.5", PROFILE),
    PEER,
    sha1_80_supported,
)];

fn sha1_80_supported(ctx: &mut Ctx) -> Verdict {
    let options = PeerOptions { audio: true, srtp_profiles: &[SRTP_AES128_CM_HMAC_SHA1_80], ..PeerOptions::default() };
    let setup = Setup { options, until_connected: true, ..Setup::new(Offerer::Harness) };
    let call = call_and_read_setup(ctx, setup)?;
    // The target answers, so it picks the DTLS role: as client it must offer the profile, as
    // server select it (the harness offers nothing else).
    let (expected, outcome) = match call.view.dtls_client {
        Some(Side::Target) => {
            let expected = "SRTP_AES128_CM_HMAC_SHA1_80 (0x0001) among the profiles of the \
                target's ClientHello";
            (
                expected,
                match &call.view.srtp_offered {
                    Some((_, p)) if p.contains(&SRTP_AES128_CM_HMAC_SHA1_80) => Ok(()),
                    Some((_, p)) => Err(format!("use_srtp offering {p:04x?}")),
                    None => Err("a ClientHello without use_srtp".to_string()),
                },
            )
        }
        Some(Side::Harness) => {
            let expected = "a ServerHello whose use_srtp selects SRTP_AES128_CM_HMAC_SHA1_80 \
                (0x0001)";
            (
                expected,
                match &call.view.srtp_selected {
                    Some((Side::Target, p)) if p == &[SRTP_AES128_CM_HMAC_SHA1_80] => Ok(()),
                    Some((_, p)) => Err(format!("use_srtp selecting {p:04x?}")),
                    None if call.view.server_hellos_from(Side::Target) > 0 => {
                        Err("a ServerHello without use_srtp".into())
                    }
                    None => Err("no ServerHello".into()),
                },
            )
        }
        None => return Err(Outcome::Error { why: format!("no DTLS handshake started; {}", call.summary) }),
    };
    Ok(match outcome {
        Ok(()) => Outcome::Pass,
        Err(actual) => Outcome::fail(expected, format!("{actual}; {}", call.summary)),
    })
}
