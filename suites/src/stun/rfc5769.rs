//! RFC 5769 test vectors (§2.1-§2.4).
//!
//! The byte strings are the RFCs' own, transcribed from the published text.

use rtcspec_harness::driver::Verification;
use rtcspec_harness::stun::*;
use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;

pub const SAMPLE_REQUEST: &str = "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e20746573742063\
    6c69656e74002400046e0001ff80290008932ff9b151263b36000600096576746a3a68\
    367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e5\
    7a3bcf";
pub const SAMPLE_IPV4_RESPONSE: &str = "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f72\
    20002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06b\
    e7d780280004c07d4c96";
pub const SAMPLE_IPV6_RESPONSE: &str = "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f72\
    20002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014a382954e4be6\
    7bf11784c97c8292c275bfe3ed4180280004c8fb0b4c";
pub const SAMPLE_LONG_TERM_REQUEST: &str = "000100602112a44278ad3433c6ad72c029da412e00060012e3839ee38388e383aae383\
    83e382afe382b900000015001c662f2f3439396b39353464364f4c33346f4c39465354\
    7679363473410014000b6578616d706c652e6f72670000080014f67024656dd64a3e02\
    b8e0712e85c9a28ca89666";

pub const SHORT_TERM_PASSWORD: &str = "VOkJxbRl1RmTxUk/WvJxBt";

pub const CASES: &[Case] = &[
    Case::new(
        "stun.5769.2.1.sample-request",
        "RFC 5769 sample request: decodes, integrity and fingerprint \
        verify",
        Spec::must("RFC 5769", "2.1", RFC5769_VECTORS),
        VECTOR,
        sample_request,
    )
    .covers(&["rfc8489-9.1.4-2"]),
    Case::new(
        "stun.5769.2.2.sample-ipv4-response",
        "RFC 5769 IPv4 response: mapped address \
        192.0.2.1:32853",
        Spec::must("RFC 5769", "2.2", RFC5769_VECTORS),
        VECTOR,
        sample_ipv4,
    )
    .covers(&["rfc8489-9.1.4-2"]),
    Case::new(
        "stun.5769.2.3.sample-ipv6-response",
        "RFC 5769 IPv6 response: mapped address \
            [2001:db8:1234:5678:11:2233:4455:6677]:32853",
        Spec::must("RFC 5769", "2.3", RFC5769_VECTORS),
        VECTOR,
        sample_ipv6,
    )
    .covers(&["rfc8489-9.1.4-2"]),
    Case::new(
        "stun.5769.2.4.sample-long-term-request",
        "RFC 5769 long-term request: MD5 key over SASLprep'd \
        password",
        Spec::must("RFC 5769", "2.4", RFC5769_VECTORS),
        VECTOR,
        sample_long_term,
    )
    .covers(&["rfc8489-9.1.4-2"]),
];

/// The vector with one byte of `attr_type`'s value flipped and FINGERPRINT recomputed:
/// MESSAGE-INTEGRITY must now fail, and a verifier that passes it checks nothing.
fn tampered(bytes: &[u8], attr_type: u16) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if let Ok(m) = Message::parse(bytes) {
        if let Some(a) = m.attribute(attr_type) {
            out[a.offset + 4] ^= 0x01;
        }
        if let Some(fp) = m.attribute(FINGERPRINT) {
            let crc = rtcspec_harness::stun::fingerprint_over(&out, fp.offset);
            out[fp.offset + 4..fp.offset + 8].copy_from_slice(&crc.to_be_bytes());
        }
    }
    out
}

/// Integrity verifies on the vector and fails once a covered byte changes.
fn integrity_holds(ctx: &mut Ctx, bytes: &[u8], key: &[u8], covered: u16) -> Result<(), Outcome> {
    if !ctx.check(bytes, Verification::MessageIntegrity, key)? {
        return Err(Outcome::fail("MESSAGE-INTEGRITY of the vector verifies", "it did not verify"));
    }
    if ctx.check(&tampered(bytes, covered), Verification::MessageIntegrity, key)? {
        return Err(Outcome::fail("MESSAGE-INTEGRITY fails once a covered byte changes", "it still verified"));
    }
    Ok(())
}

fn fingerprint_holds(ctx: &mut Ctx, bytes: &[u8]) -> Result<(), Outcome> {
    if !ctx.check(bytes, Verification::Fingerprint, &[])? {
        return Err(Outcome::fail("FINGERPRINT of the vector verifies", "it did not verify"));
    }
    Ok(())
}

fn sample_request(ctx: &mut Ctx) -> Verdict {
    let bytes = bytes_of(SAMPLE_REQUEST)?;
    let d = ctx.decode_accepted(&bytes, "the RFC 5769 §2.1 request")?;
    if let Some(u) = &d.fields.username {
        if u != "evtj:h6vY" {
            return Ok(Outcome::fail("USERNAME \"evtj:h6vY\" (padding 0x20 0x20 0x20 ignored)", format!("{u:?}")));
        }
    }
    if d.class != Class::Request || d.method != METHOD_BINDING {
        return Ok(Outcome::fail("a Binding request", format!("{:?} method {}", d.class, d.method)));
    }
    integrity_holds(ctx, &bytes, SHORT_TERM_PASSWORD.as_bytes(), PRIORITY)?;
    fingerprint_holds(ctx, &bytes)?;
    Ok(Outcome::Pass)
}

fn sample_response(ctx: &mut Ctx, vector: &str, expected: &str) -> Verdict {
    let bytes = bytes_of(vector)?;
    let addr: std::net::SocketAddr = expected.parse().map_err(|_| Outcome::Error { why: "bad address".into() })?;
    let d = ctx.decode_accepted(&bytes, "the RFC 5769 response")?;
    if d.fields.xor_mapped_address != Some(addr) {
        return Ok(Outcome::fail(format!("XOR-MAPPED-ADDRESS {addr}"), format!("{:?}", d.fields.xor_mapped_address)));
    }
    integrity_holds(ctx, &bytes, SHORT_TERM_PASSWORD.as_bytes(), XOR_MAPPED_ADDRESS)?;
    fingerprint_holds(ctx, &bytes)?;
    Ok(Outcome::Pass)
}

fn sample_ipv4(ctx: &mut Ctx) -> Verdict {
    sample_response(ctx, SAMPLE_IPV4_RESPONSE, "192.0.2.1:32853")
}

fn sample_ipv6(ctx: &mut Ctx) -> Verdict {
    sample_response(ctx, SAMPLE_IPV6_RESPONSE, "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
}

fn sample_long_term(ctx: &mut Ctx) -> Verdict {
    let bytes = bytes_of(SAMPLE_LONG_TERM_REQUEST)?;
    let d = ctx.decode_accepted(&bytes, "the RFC 5769 §2.4 request")?;
    for (got, want) in [(&d.fields.username, LT_USERNAME), (&d.fields.realm, LT_REALM)] {
        if got.as_deref().is_some_and(|g| g != want) {
            return Ok(Outcome::fail(format!("{want:?}"), format!("{got:?}")));
        }
    }
    let key = long_term_key(LT_USERNAME, LT_REALM, LT_PASSWORD);
    integrity_holds(ctx, &bytes, &key, USERNAME)?;
    Ok(Outcome::Pass)
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    /// The errata analysis in the module comment, as a test: the printed B.1 HMAC is what
    /// you get over the printed bytes (length field 0x9c) with the SHA-256 key, and the
    /// printed USERHASH is right.
    #[test]
    fn b1_as_printed_is_explained() {
        let printed = unhex(B1_AS_PRINTED).unwrap();
        assert_eq!(printed.len(), 20 + 0x88, "the body is 0x88 bytes; the header says 0x9c");
        let userhash = Sha256::digest(format!("{LT_USERNAME}:{LT_REALM}").as_bytes());
        assert_eq!(&printed[24..56], userhash.as_slice());
        let sha_key = Sha256::digest(format!("{LT_USERNAME}:{LT_REALM}:{LT_PASSWORD}").as_bytes());
        // MESSAGE-INTEGRITY-SHA256 is the last 36 bytes; the bytes before it, header length
        // still 0x9c as printed, are what the vector's authors fed to HMAC.
        let mi_at = printed.len() - 36;
        assert_eq!(&printed[2..4], &0x9cu16.to_be_bytes());
        assert_eq!(hmac_check::hmac_sha256(&sha_key, &printed[..mi_at]), printed[mi_at + 4..]);
        // And with the MD5 key §9.2.4 prescribes, over the same bytes, it does not match.
        let md5_key = long_term_key(LT_USERNAME, LT_REALM, LT_PASSWORD);
        assert_ne!(hmac_check::hmac_sha256(&md5_key, &printed[..mi_at]), printed[mi_at + 4..]);
    }

    mod hmac_check {
        use sha2::{Digest, Sha256};

        /// HMAC-SHA256 written out (RFC 2104), so the test does not depend on the code under test.
        pub fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
            let mut k = [0u8; 64];
            k[..key.len()].copy_from_slice(key);
            let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(data.iter().copied()).collect();
            let ih = Sha256::digest(&inner);
            let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(ih.iter().copied()).collect();
            Sha256::digest(&outer).to_vec()
        }
    }

    #[test]
    fn b1_corrected_verifies_with_the_md5_key() {
        let corrected = b1_corrected().unwrap();
        let m = Message::parse(&corrected).unwrap();
        assert_eq!(m.length, 0x88);
        let key = long_term_key(LT_USERNAME, LT_REALM, LT_PASSWORD);
        assert_eq!(m.verify_integrity(MESSAGE_INTEGRITY_SHA256, &key), Some(true));
    }
}
