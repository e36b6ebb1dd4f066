//! The SCTP suite: the association under WebRTC data channels (RFC 8841 over DTLS, RFC
//! 9260), judged on live calls with the harness's reference peer. One file per RFC section.

pub mod dcep;
pub mod rfc8831_5;
pub mod rfc8831_6;
pub mod rfc8831_6_1;
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

/// Every SCTP case, in a stable order (by RFC section).
pub fn cases() -> Vec<&'static Case> {
    [
        rfc8831_5::CASES,
        rfc8831_6::CASES,
        rfc8831_6_1::CASES,
        rfc8832_6::CASES,
        rfc8832_6_refused::CASES,
        rfc8841_6_1::CASES,
        rfc8841_9_3::CASES,
        rfc8841_10::CASES,
        rfc9260_3_2::CASES,
        rfc9260_6_5::CASES,
        rfc9260_6_8::CASES,
        rfc9260_8_5::CASES,
    ]
    .into_iter()
    .flatten()
    .collect()
}
