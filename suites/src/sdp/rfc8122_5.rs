//! RFC 8122 §5: certificate fingerprints, as a parser must read them.

use rtcspec_harness::{Case, Ctx, Spec, Verdict};

use super::kit::*;

pub const CASES: &[Case] = &[Case::new(
    "sdp.8122.5.hash-name-case-insensitive",
    "A fingerprint with hash name \
        \"SHA-256\" is parsed and kept",
    Spec::must(
        "RFC 8122",
        "5",
        "hash-func              =  \"sha-1\" / \"sha-224\" / \"sha-256\" / \
                \"sha-384\" / \"sha-512\" / \"md5\" / \"md2\" / token",
    ),
    SDP,
    upper_case_hash_kept,
)
.covers(&["rfc9429-5.8.2-6"])];

fn upper_case_hash_kept(ctx: &mut Ctx) -> Verdict {
    // ABNF quoted strings are case-insensitive (RFC 5234 §2.3): "SHA-256" is "sha-256".
    expect_kept(ctx, &variant("a=fingerprint:sha-256 ", "a=fingerprint:SHA-256 "), "fingerprint")
}
