//! Live calls: the harness peer (webrtc-rs sans-IO on a loopback socket it
//! owns, recorded and key-logged) against a target peer driven through the shim protocol's
//! peer operations (shims/PROTOCOL.md).

pub mod call;
pub mod event;
pub mod faults;
pub mod forge;
pub mod fragment;
pub mod harness_peer;
pub mod harness_stages;
pub mod keylog;
pub mod remote;
pub mod serve;
pub mod stage;
pub mod str0m;
pub mod view;

pub use crate::net::impair::{FirstLost, Impairment};
pub use call::{Call, CallError, CallRecord};
pub use event::{ChannelInfo, Payload, PeerEvent};
pub use faults::dtls::Fragility;
pub use faults::stun::{StunFault, StunFaults};
pub use harness_peer::{sdp_attribute, ChannelSpec, HarnessPeer, PeerOptions};
pub use remote::{InProcessPeer, RemotePeer};
