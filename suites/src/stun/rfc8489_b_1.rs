//! RFC 8489 Appendix B.1: the MESSAGE-INTEGRITY-SHA256 and USERHASH test vector.
//!
//! RFC 8489 Appendix B.1 as printed is broken in two ways, which rtcspec corrects and
//! says so: (1) its length field is 0x009c, which counts the 20-byte header (the body
//! is 0x88 bytes); (2) its MESSAGE-INTEGRITY-SHA256 was computed over that wrong length
//! with SHA-256(username ":" realm ":" password) as the key, although the message carries
//! no PASSWORD-ALGORITHM, so §9.2.4 says the MD5 key applies. (Recomputing the printed value
//! with header length 0x9c and the SHA-256 key reproduces it exactly, which is how the
//! defects were identified.) The corrected vector has length 0x0088 and the HMAC computed
//! with the MD5 key; USERHASH is printed correctly (SHA-256 of "username:realm").

use super::kit::*;
use rtcspec_harness::driver::Verification;
use rtcspec_harness::stun::*;
use rtcspec_harness::{check, Case, Ctx, Outcome, Spec, Verdict};

pub const CASES: &[Case] = &[Case::new(
    "stun.8489.b.1.sha256-userhash-vector",
    "RFC 8489 B.1 (corrected): decodes and MESSAGE-INTEGRITY-SHA256 \
                verifies; the misprinted length is rejected",
    Spec::must(
        RFC8489,
        "B.1",
        "Sample Request with Long-Term Authentication with \
                MESSAGE-INTEGRITY-SHA256 and USERHASH (corrected: length 0x0088; HMAC \
                with the MD5 key, as §9.2.4 requires without PASSWORD-ALGORITHM).",
    ),
    &[rtcspec_harness::Capability::StunCodec, rtcspec_harness::Capability::StunCheck],
    b1_vector,
)
.covers(&["rfc8489-14.6-1", "rfc8489-5-7"])];

fn b1_vector(ctx: &mut Ctx) -> Verdict {
    let printed = bytes_of(B1_AS_PRINTED)?;
    let corrected = b1_corrected()?;
    if ctx.decode(&printed)?.is_ok() {
        return Ok(Outcome::fail(
            "the B.1 bytes as printed (length 0x009c, 20 bytes more than the body) \
                rejected",
            "accepted: the decoder does not check the length field against the \
                datagram",
        ));
    }
    ctx.decode_accepted(&corrected, "the corrected B.1 request")?;
    let key = long_term_key(LT_USERNAME, LT_REALM, LT_PASSWORD);
    Ok(check(
        ctx.check(&corrected, Verification::MessageIntegritySha256, &key)?,
        "MESSAGE-INTEGRITY-SHA256 verifies with MD5(username:realm:password)",
        || "it did not verify".into(),
    ))
}
