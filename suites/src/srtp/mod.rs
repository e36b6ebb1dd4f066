//! The SRTP suite: the target's SRTP and SRTCP in a live call with audio (RFC 5764 keying,
//! RFC 3711 packets), judged on the wire with the keys the DTLS exporter gives. The
//! harness sends Opus and reads the target's RTCP reports. One file per RFC section.

pub mod kit;
pub mod rfc3711_3_3;
pub mod rfc3711_3_3_1;
pub mod rfc3711_3_3_2;
pub mod rfc3711_3_4;
pub mod rfc5764_4_2;
pub mod rfc7714_5_3;
pub mod rfc8827_6_5;
pub mod rfc9143_9_1;

use rtcspec_harness::Case;

/// The case files in a stable order, each with its cases: one file per RFC section, which
/// its name gives (`rfc8489_9_1` holds RFC 8489 §9.1 and its subsections); a test holds every
/// case to it.
pub const FILES: &[(&str, &[Case])] = &[
    ("rfc3711_3_3", rfc3711_3_3::CASES),
    ("rfc3711_3_3_1", rfc3711_3_3_1::CASES),
    ("rfc3711_3_3_2", rfc3711_3_3_2::CASES),
    ("rfc3711_3_4", rfc3711_3_4::CASES),
    ("rfc5764_4_2", rfc5764_4_2::CASES),
    ("rfc7714_5_3", rfc7714_5_3::CASES),
    ("rfc8827_6_5", rfc8827_6_5::CASES),
    ("rfc9143_9_1", rfc9143_9_1::CASES),
];

/// Every case of the suite, file by file.
pub fn cases() -> Vec<&'static Case> {
    FILES.iter().flat_map(|(_, cases)| cases.iter()).collect()
}
