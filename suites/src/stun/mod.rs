//! The STUN suite: RFC 8489 (which obsoletes RFC 5389), the RFC 5769 vectors, and the
//! RFC 7983 first-byte rule. One file per RFC section; each case quotes its requirement.

pub mod kit;
pub mod rfc5769;
pub mod rfc7983_7;
pub mod rfc8489_12;
pub mod rfc8489_14;
pub mod rfc8489_5;
pub mod rfc8489_6_3;
pub mod rfc8489_9;
pub mod rfc8489_9_1;
pub mod rfc8489_9_2;
pub mod rfc8489_b_1;

use rtcspec_harness::Case;

/// The case files in a stable order, each with its cases: one file per RFC section, which
/// its name gives (`rfc8489_9_1` holds RFC 8489 §9.1 and its subsections); a test holds every
/// case to it.
pub const FILES: &[(&str, &[Case])] = &[
    ("rfc5769", rfc5769::CASES),
    ("rfc7983_7", rfc7983_7::CASES),
    ("rfc8489_5", rfc8489_5::CASES),
    ("rfc8489_6_3", rfc8489_6_3::CASES),
    ("rfc8489_9", rfc8489_9::CASES),
    ("rfc8489_9_1", rfc8489_9_1::CASES),
    ("rfc8489_9_2", rfc8489_9_2::CASES),
    ("rfc8489_12", rfc8489_12::CASES),
    ("rfc8489_14", rfc8489_14::CASES),
    ("rfc8489_b_1", rfc8489_b_1::CASES),
];

/// Every case of the suite, file by file.
pub fn cases() -> Vec<&'static Case> {
    FILES.iter().flat_map(|(_, cases)| cases.iter()).collect()
}
