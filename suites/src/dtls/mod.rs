//! The DTLS suite: the target's DTLS association in a live call (RFC 8842, RFC 6347),
//! judged on the wire. One file per RFC section.

pub mod kit;
pub mod rfc5246_7_2_1;
pub mod rfc6347_4_1_1_1;
pub mod rfc6347_4_1_2_6;
pub mod rfc6347_4_1_2_7;
pub mod rfc6347_4_2_2;
pub mod rfc6347_4_2_3;
pub mod rfc6347_4_2_4;
pub mod rfc8122_5;
pub mod rfc8446_4_1_3;
pub mod rfc8827_6_5;
pub mod rfc8842_5_1;
pub mod rfc8842_5_2;
pub mod rfc8842_5_3;
pub mod rfc8842_5_4;
pub mod rfc9429_5_3_1;

use rtcspec_harness::Case;

/// The case files in a stable order, each with its cases: one file per RFC section, which
/// its name gives (`rfc8489_9_1` holds RFC 8489 §9.1 and its subsections); a test holds every
/// case to it.
pub const FILES: &[(&str, &[Case])] = &[
    ("rfc5246_7_2_1", rfc5246_7_2_1::CASES),
    ("rfc6347_4_1_1_1", rfc6347_4_1_1_1::CASES),
    ("rfc6347_4_1_2_6", rfc6347_4_1_2_6::CASES),
    ("rfc6347_4_1_2_7", rfc6347_4_1_2_7::CASES),
    ("rfc6347_4_2_2", rfc6347_4_2_2::CASES),
    ("rfc6347_4_2_3", rfc6347_4_2_3::CASES),
    ("rfc6347_4_2_4", rfc6347_4_2_4::CASES),
    ("rfc8122_5", rfc8122_5::CASES),
    ("rfc8446_4_1_3", rfc8446_4_1_3::CASES),
    ("rfc8842_5_1", rfc8842_5_1::CASES),
    ("rfc8842_5_2", rfc8842_5_2::CASES),
    ("rfc8842_5_3", rfc8842_5_3::CASES),
    ("rfc8842_5_4", rfc8842_5_4::CASES),
    ("rfc9429_5_3_1", rfc9429_5_3_1::CASES),
    ("rfc8827_6_5", rfc8827_6_5::CASES),
];

/// Every case of the suite, file by file.
pub fn cases() -> Vec<&'static Case> {
    FILES.iter().flat_map(|(_, cases)| cases.iter()).collect()
}
