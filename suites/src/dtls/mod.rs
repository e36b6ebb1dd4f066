//! The DTLS suite: the target's DTLS association in a live call (RFC 8842, RFC 6347),
//! judged on the wire. One file per RFC section.

pub mod forged;
pub mod impaired;
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

use rtcspec_harness::Case;

/// Every DTLS case, in a stable order (by RFC section).
pub fn cases() -> Vec<&'static Case> {
    [
        rfc5246_7_2_1::CASES,
        rfc6347_4_1_1_1::CASES,
        rfc6347_4_1_2_6::CASES,
        rfc6347_4_1_2_7::CASES,
        rfc6347_4_2_2::CASES,
        rfc6347_4_2_3::CASES,
        rfc6347_4_2_4::CASES,
        rfc8122_5::CASES,
        rfc8446_4_1_3::CASES,
        rfc8842_5_1::CASES,
        rfc8842_5_2::CASES,
        rfc8827_6_5::CASES,
    ]
    .into_iter()
    .flatten()
    .collect()
}
