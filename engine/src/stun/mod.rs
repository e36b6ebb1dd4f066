//! STUN in the engine: the decode model targets answer in, and message generators. The codec
//! itself is `rtcspec_wire::stun`, re-exported here so STUN cases read it in one place.

pub mod generate;
pub mod model;

pub use model::{AttributeSpec, Decoded, DecodedAttribute, EncodeModel, ErrorCodeField, Fields};
pub use rtcspec_wire::stun::*;
