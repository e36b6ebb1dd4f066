//! The ICE suite: the target's ICE agent in a live call (RFC 8445), checked with Binding
//! requests the harness crafts and sends from the call's own 5-tuple. One file per section.

pub mod kit;
pub mod rfc7675_5_1;
pub mod rfc8445_16_1;
pub mod rfc8445_6_1_1;
pub mod rfc8445_7_1;
pub mod rfc8445_7_2;
pub mod rfc8445_7_2_5_1;
pub mod rfc8445_7_3;
pub mod rfc8489_5;
pub mod rfc8489_6_3;
pub mod rfc8489_9;
pub mod rfc8489_9_1_3;
pub mod rfc8489_9_1_4;
pub mod rfc8838;

use rtcspec_harness::Case;

/// The case files in a stable order, each with its cases: one file per RFC section, which
/// its name gives (`rfc8489_9_1` holds RFC 8489 §9.1 and its subsections); a test holds every
/// case to it.
pub const FILES: &[(&str, &[Case])] = &[
    ("rfc7675_5_1", rfc7675_5_1::CASES),
    ("rfc8445_7_2", rfc8445_7_2::CASES),
    ("rfc8445_6_1_1", rfc8445_6_1_1::CASES),
    ("rfc8445_7_1", rfc8445_7_1::CASES),
    ("rfc8445_7_2_5_1", rfc8445_7_2_5_1::CASES),
    ("rfc8445_7_3", rfc8445_7_3::CASES),
    ("rfc8489_5", rfc8489_5::CASES),
    ("rfc8489_6_3", rfc8489_6_3::CASES),
    ("rfc8489_9", rfc8489_9::CASES),
    ("rfc8489_9_1_3", rfc8489_9_1_3::CASES),
    ("rfc8489_9_1_4", rfc8489_9_1_4::CASES),
    ("rfc8445_16_1", rfc8445_16_1::CASES),
    ("rfc8838", rfc8838::CASES),
];

/// Every case of the suite, file by file.
pub fn cases() -> Vec<&'static Case> {
    FILES.iter().flat_map(|(_, cases)| cases.iter()).collect()
}
