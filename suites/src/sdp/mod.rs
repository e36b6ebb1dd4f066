//! The SDP/JSEP suite: parser and serializer conformance (RFC 8866, RFC 8839, RFC 8122,
//! RFC 9429 §5.8) on codec targets, and JSEP answers (RFC 9429 §5.3, §5.8.3) on peer
//! targets; one file per section.

pub mod answer;
pub mod common;
pub mod rfc8122_5;
pub mod rfc8839_5_1;
pub mod rfc8866_5;
pub mod rfc9429_5_3;
pub mod rfc9429_5_8;
pub mod rfc9429_5_8_stored;

use rtcspec_harness::Case;

pub fn cases() -> Vec<&'static Case> {
    [
        rfc8866_5::CASES,
        rfc9429_5_8::CASES,
        rfc9429_5_8_stored::CASES,
        rfc8839_5_1::CASES,
        rfc8122_5::CASES,
        rfc9429_5_3::CASES,
    ]
    .into_iter()
    .flatten()
    .collect()
}
