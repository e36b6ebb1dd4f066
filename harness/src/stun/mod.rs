//! rtcspec's own STUN toolkit: wire constants, a strict reader, a writer that can also
//! write broken messages, and the neutral model codec targets report through.

pub mod generate;
pub mod message;
pub mod model;
pub mod wire;

pub use message::{long_term_key, Builder, Message, ParseError, RawAttribute};
pub use model::{AttributeSpec, Decoded, DecodedAttribute, EncodeModel, ErrorCodeField, Fields};
pub use wire::*;
