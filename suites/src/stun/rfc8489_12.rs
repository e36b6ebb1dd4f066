//! RFC 8489 §12: backwards compatibility with RFC 3489: a server answers a client without the
//! magic cookie, and does not require FINGERPRINT.

use super::kit::*;
use rtcspec_harness::stun::*;
use rtcspec_harness::{check, Case, Ctx, Outcome, Spec, Verdict};

pub const CASES: &[Case] = &[
    Case::new(
        "stun.8489.12.fingerprint-not-required",
        "A STUN server answers a Binding request without FINGERPRINT",
        Spec::must(
            RFC8489,
            "12",
            "\
        It MAY utilize the FINGERPRINT mechanism but MUST NOT require it.",
        ),
        OPEN_BINDING,
        fingerprint_not_required,
    )
    .covers(&["rfc8489-12-5", "rfc8489-12-3"]),
    Case::new(
        "stun.8489.12.rfc3489-client-answered",
        "A STUN server answers an RFC 3489 Binding request (no magic cookie)",
        Spec::should(
            RFC8489,
            "12",
            "Stand-alone STUN servers SHOULD support backwards compatibility with \
                clients using [RFC3489], as described in Section 11.",
        ),
        OPEN_BINDING,
        rfc3489_client_answered,
    )
    .covers(&["rfc8489-12-6"]),
];

fn fingerprint_not_required(ctx: &mut Ctx) -> Verdict {
    let txid = ctx.txid();
    let req = Builder::new(Class::Request, METHOD_BINDING, txid).build();
    let m = one_answer(ctx, &req, &txid, "a Binding success response")?;
    Ok(check(m.class == Class::Success, "a Binding success response", || describe(&m)))
}

fn rfc3489_client_answered(ctx: &mut Ctx) -> Verdict {
    // RFC 3489 header: type, length, then a 128-bit transaction id where the cookie would be.
    let mut id = ctx.rng.bytes::<16>();
    if id[..4] == MAGIC_COOKIE.to_be_bytes() {
        id[0] ^= 0xFF;
    }
    let mut req = vec![0x00, 0x01, 0x00, 0x00];
    req.extend_from_slice(&id);
    let replies = ctx.exchange(&req)?;
    let answered = replies.iter().any(|r| r.len() >= 20 && r[..2] == [0x01, 0x01] && r[4..20] == id);
    Ok(if answered {
        Outcome::Pass
    } else {
        Outcome::NonStrict {
            why: format!(
                "no Binding success response echoing the 128-bit transaction id ({} \
                    datagram(s) back)",
                replies.len()
            ),
        }
    })
}
