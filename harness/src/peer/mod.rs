//! Live calls: the harness's reference peer (webrtc-rs sans-IO on a loopback socket it
//! owns, recorded and key-logged) against a target peer driven through the shim protocol's
//! peer operations (shims/PROTOCOL.md).

pub mod call;
pub mod event;
pub mod forge;
pub mod fragment;
pub mod harness_peer;
pub mod keylog;
pub mod record_faults;
pub mod remote;
pub mod sctp_rewrite;
pub mod serve;
pub mod str0m;
pub mod stun_faults;
pub mod view;

pub use crate::net::impair::{FirstLost, Impairment};
pub use call::{Call, CallError, CallRecord};
pub use event::{ChannelInfo, Payload, PeerEvent};
pub use harness_peer::{sdp_attribute, ChannelSpec, Fragility, HarnessPeer, PeerOptions};
pub use remote::{InProcessPeer, RemotePeer, ShimPeer};
pub use stun_faults::{StunFault, StunFaults};
