//! The SCTP suite: the association under WebRTC data channels (RFC 8841 over DTLS, RFC
//! 9260), judged on live calls with the harness's reference peer. One file per RFC section.

pub mod kit;
pub mod rfc8831_5;
pub mod rfc8831_6;
pub mod rfc8831_6_1;
pub mod rfc8832_5_1;
pub mod rfc8832_6;
pub mod rfc8832_6_refused;
pub mod rfc8841_10;
pub mod rfc8841_6_1;
pub mod rfc8841_9_3;
pub mod rfc9260_3_2;
pub mod rfc9260_6_5;
pub mod rfc9260_6_8;
pub mod rfc9260_8_5;

use rtcspec_harness::Case;

/// The case files in a stable order, each with its cases: one file per RFC section, which
/// its name gives (`rfc8489_9_1` holds RFC 8489 §9.1 and its subsections); a test holds every
/// case to it.
pub const FILES: &[(&str, &[Case])] = &[
    ("rfc8831_5", rfc8831_5::CASES),
    ("rfc8831_6", rfc8831_6::CASES),
    ("rfc8831_6_1", rfc8831_6_1::CASES),
    ("rfc8832_6", rfc8832_6::CASES),
    ("rfc8832_5_1", rfc8832_5_1::CASES),
    ("rfc8832_6_refused", rfc8832_6_refused::CASES),
    ("rfc8841_6_1", rfc8841_6_1::CASES),
    ("rfc8841_9_3", rfc8841_9_3::CASES),
    ("rfc8841_10", rfc8841_10::CASES),
    ("rfc9260_3_2", rfc9260_3_2::CASES),
    ("rfc9260_6_5", rfc9260_6_5::CASES),
    ("rfc9260_6_8", rfc9260_6_8::CASES),
    ("rfc9260_8_5", rfc9260_8_5::CASES),
];

/// Every case of the suite, file by file.
pub fn cases() -> Vec<&'static Case> {
    FILES.iter().flat_map(|(_, cases)| cases.iter()).collect()
}
