//! The SDP/JSEP suite: parser and serializer conformance (RFC 8866, RFC 8839, RFC 8122,
//! RFC 9429 §5.8) on codec targets, and JSEP answers (RFC 9429 §5.3, §5.8.3) on peer
//! targets; one file per section.

pub mod kit;
pub mod rfc4585_4_2;
pub mod rfc5576_4_1;
pub mod rfc8122_5;
pub mod rfc8285_8;
pub mod rfc8839_5_1;
pub mod rfc8839_5_4;
pub mod rfc8842_4;
pub mod rfc8866_5;
pub mod rfc8866_6;
pub mod rfc9143_7_3_3;
pub mod rfc9429_5_1_2;
pub mod rfc9429_5_2_1;
pub mod rfc9429_5_3;
pub mod rfc9429_5_8;
pub mod rfc9429_5_8_3;
pub mod rfc9429_5_8_stored;

use rtcspec_harness::Case;

/// The case files in a stable order, each with its cases: one file per RFC section, which
/// its name gives (`rfc8489_9_1` holds RFC 8489 §9.1 and its subsections); a test holds every
/// case to it.
pub const FILES: &[(&str, &[Case])] = &[
    ("rfc4585_4_2", rfc4585_4_2::CASES),
    ("rfc5576_4_1", rfc5576_4_1::CASES),
    ("rfc8122_5", rfc8122_5::CASES),
    ("rfc8285_8", rfc8285_8::CASES),
    ("rfc8839_5_1", rfc8839_5_1::CASES),
    ("rfc8839_5_4", rfc8839_5_4::CASES),
    ("rfc8842_4", rfc8842_4::CASES),
    ("rfc8866_5", rfc8866_5::CASES),
    ("rfc8866_6", rfc8866_6::CASES),
    ("rfc9143_7_3_3", rfc9143_7_3_3::CASES),
    ("rfc9429_5_1_2", rfc9429_5_1_2::CASES),
    ("rfc9429_5_2_1", rfc9429_5_2_1::CASES),
    ("rfc9429_5_3", rfc9429_5_3::CASES),
    ("rfc9429_5_8", rfc9429_5_8::CASES),
    ("rfc9429_5_8_3", rfc9429_5_8_3::CASES),
    ("rfc9429_5_8_stored", rfc9429_5_8_stored::CASES),
];

/// Every case of the suite, file by file.
pub fn cases() -> Vec<&'static Case> {
    FILES.iter().flat_map(|(_, cases)| cases.iter()).collect()
}
