//! The SDP/JSEP suite (work in progress, issue 4): parser and serializer conformance on
//! RFC 8866 §5 and RFC 9429 §5.8, one file per section.

pub mod common;
pub mod rfc8866_5;
pub mod rfc9429_5_8;

use rtcspec_harness::Case;

pub fn cases() -> Vec<&'static Case> {
    [rfc8866_5::CASES, rfc9429_5_8::CASES].into_iter().flatten().collect()
}
