//! The STUN suite: RFC 8489 (which obsoletes RFC 5389), the RFC 5769 vectors, and the
//! RFC 7983 first-byte rule. One file per RFC section; each case quotes its requirement.

pub mod common;
pub mod rfc5769;
pub mod rfc7983_7;
pub mod rfc8489_14;
pub mod rfc8489_5;
pub mod rfc8489_6_3;
pub mod rfc8489_9_1;
pub mod rfc8489_9_2;

use rtcspec_harness::Case;

/// Every STUN case, in a stable order (by RFC section).
pub fn cases() -> Vec<&'static Case> {
    [
        rfc8489_5::CASES,
        rfc8489_6_3::CASES,
        rfc8489_9_1::CASES,
        rfc8489_9_2::CASES,
        rfc8489_14::CASES,
        rfc5769::CASES,
        rfc7983_7::CASES,
    ]
    .into_iter()
    .flatten()
    .collect()
}
