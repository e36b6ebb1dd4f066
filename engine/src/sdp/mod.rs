//! SDP: rtcspec's own total reader and the linter built on it.

pub mod generate;
pub mod lint;
pub mod parse;

pub use lint::{lint, Finding, Rule, RULES};
pub use parse::Sdp;
