//! The faults the mutant target wraps around the harness peer, each a [`Stage`]: a broken
//! stack's behaviour played on the wire or in the signaling of a conforming one, so every
//! live case can be shown to fail. The table that names them is `driver::mutant::peer`.
//!
//! [`Stage`]: crate::peer::stage::Stage

pub mod dtls;
pub mod media;
pub mod record;
pub mod sctp_rewrite;
pub mod signaling;
pub mod stun;
