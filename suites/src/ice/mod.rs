//! The ICE suite: the target's ICE agent in a live call (RFC 8445), checked with Binding
//! requests the harness crafts and sends from the call's own 5-tuple. One file per section.

pub mod common;
pub mod rfc7675_5_1;
pub mod rfc8445_16_1;
pub mod rfc8445_7_2;
pub mod rfc8445_7_2_5_1;
pub mod rfc8445_7_3;
pub mod rfc8489_9_1_3;
pub mod rfc8489_9_1_4;
pub mod rfc8838;

use rtcspec_harness::Case;

/// Every ICE case, in a stable order (by RFC section).
pub fn cases() -> Vec<&'static Case> {
    [
        rfc7675_5_1::CASES,
        rfc8445_7_2::CASES,
        rfc8445_7_2_5_1::CASES,
        rfc8445_7_3::CASES,
        rfc8489_9_1_3::CASES,
        rfc8489_9_1_4::CASES,
        rfc8445_16_1::CASES,
        rfc8838::CASES,
    ]
    .into_iter()
    .flatten()
    .collect()
}
