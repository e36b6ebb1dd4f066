//! RFC 8122 §5 (with RFC 9429 §5.8): certificate fingerprints, as a parser must read them.

use rtcspec_harness::{Case, Ctx, Level::*, Verdict};

use super::common::*;

const FINGERPRINT: &str = "a=fingerprint:sha-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2\r\n";

pub const CASES: &[Case] = &[
    Case { covers: &["rfc9429-5.8.2-6"], ..case("sdp.8122.5.hash-name-case-insensitive", "A fingerprint with hash name \"SHA-256\" is parsed and kept", "RFC 8122", "5", Must,
        "hash-func              =  \"sha-1\" / \"sha-224\" / \"sha-256\" / \"sha-384\" / \"sha-512\" / \"md5\" / \"md2\" / token", upper_case_hash_kept) },
    Case { covers: &["rfc9429-5.8.2-6"], ..case("sdp.8122.5.1.several-fingerprints-kept", "Two fingerprints (sha-256 and sha-1) in one section are both kept", "RFC 9429", "5.8.2", Must,
        "Any \"a=fingerprint\" lines are parsed as specified in [RFC8122], Section 5, and the set of fingerprint and algorithm values is stored.", several_kept) },
];

fn upper_case_hash_kept(ctx: &mut Ctx) -> Verdict {
    // ABNF quoted strings are case-insensitive (RFC 5234 §2.3): "SHA-256" is "sha-256".
    expect_kept(ctx, &variant("a=fingerprint:sha-256 ", "a=fingerprint:SHA-256 "), "fingerprint")
}

fn several_kept(ctx: &mut Ctx) -> Verdict {
    let offer =
        inserted(FINGERPRINT, "a=fingerprint:sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB");
    expect_kept(ctx, &offer, "fingerprint")
}
