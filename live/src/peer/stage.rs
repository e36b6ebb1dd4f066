//! The live path as a pipeline: between the harness peer's webrtc-rs stack and its socket, a
//! list of stages, each seeing every datagram the stack sends (outbound) and every datagram
//! that reaches the stack (inbound), and the descriptions and candidates of the signaling.
//! A case chooses stages in its setup (handshake fragmenting, dropping its own RTCP, the
//! STUN misbehaviour of a hostile peer, withholding consent); the mutant target wraps its
//! faults around the peer the same way, one stage per fault (`driver::mutant::peer`).
//!
//! Order: the list runs from the stack to the wire. Outbound, a datagram goes through the
//! stages first to last, then out through the path (the seeded impairment, `net::impair`)
//! and is recorded as it leaves; inbound, it comes in through the path, is recorded as what
//! the harness took in, then goes through the stages last to first to the stack.
//!
//! The path is not a stage: it holds datagrams and lets them out later, on its own clock,
//! where a stage decides at once. It stays the one timed element between the stages and the
//! socket.

use std::net::SocketAddr;
use std::time::Instant;

use super::event::PeerEvent;
use super::keylog::KeyLog;
use crate::net::Datagram;

/// What a stage sees of the call while it handles a datagram, and what it can ask for
/// besides passing the datagram on.
pub struct Wire<'a> {
    pub now: Instant,
    /// The harness peer's socket address.
    pub local: SocketAddr,
    /// The far end of this datagram: where it goes (outbound) or came from (inbound).
    pub remote: SocketAddr,
    /// Every datagram recorded so far; inbound, the one being handled is the last.
    pub datagrams: &'a [Datagram],
    pub keylog: &'a KeyLog,
    /// The current local and remote descriptions (empty before there is one), made only
    /// when a stage asks: most datagrams, and every tick, need neither.
    descriptions: &'a dyn Fn() -> (String, String),
    /// Whether the connection has reached `connected`.
    pub connected: bool,
    effects: Vec<Effect>,
}

/// Something a stage asks the peer to do.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Send these bytes to `to` through the rest of the path (a reply the stack never made).
    Send { to: SocketAddr, bytes: Vec<u8> },
    /// Record a datagram the stage sent itself (from a socket of its own).
    Record { from: SocketAddr, to: SocketAddr, bytes: Vec<u8> },
    /// Report an event as if the stack had.
    Event(PeerEvent),
    /// Close the connection, as a stack does on a fatal error.
    Close,
}

impl<'a> Wire<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        now: Instant,
        local: SocketAddr,
        remote: SocketAddr,
        datagrams: &'a [Datagram],
        keylog: &'a KeyLog,
        descriptions: &'a dyn Fn() -> (String, String),
        connected: bool,
    ) -> Wire<'a> {
        Wire { now, local, remote, datagrams, keylog, descriptions, connected, effects: Vec::new() }
    }

    /// The local and remote descriptions as they are now.
    pub fn descriptions(&self) -> (String, String) {
        (self.descriptions)()
    }

    pub fn effect(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    pub(crate) fn into_effects(self) -> Vec<Effect> {
        self.effects
    }
}

/// One element of the live path. Every method has a default that changes nothing, so a
/// stage says only what it does.
pub trait Stage: Send {
    /// A datagram the stack sends: what goes on toward the wire (none: dropped; several:
    /// copies or pieces).
    fn outbound(&mut self, _wire: &mut Wire<'_>, datagram: Vec<u8>) -> Vec<Vec<u8>> {
        vec![datagram]
    }

    /// A datagram from the target on its way to the stack: what the stack gets (`None`:
    /// dropped).
    fn inbound(&mut self, _wire: &mut Wire<'_>, datagram: Vec<u8>) -> Option<Vec<u8>> {
        Some(datagram)
    }

    /// Called whenever the peer runs, so a stage can act on time alone.
    fn tick(&mut self, _wire: &mut Wire<'_>) {}

    /// The local description as the stage lets it go to the other side.
    fn local_description(&self, sdp: String) -> String {
        sdp
    }

    /// The remote description (an `answer` or an offer) as the stack is given it.
    fn remote_description(&self, sdp: String, _is_answer: bool) -> String {
        sdp
    }

    /// Whether a trickled remote candidate reaches the stack.
    fn takes_trickled_candidate(&self) -> bool {
        true
    }
}

/// Makes the stages of one connection (a target's faults: each call gets fresh ones).
pub type StageMaker = std::sync::Arc<dyn Fn() -> Vec<Box<dyn Stage>> + Send + Sync>;

/// The stages in order, stack first.
#[derive(Default)]
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
}

impl Pipeline {
    pub fn new(stages: Vec<Box<dyn Stage>>) -> Pipeline {
        Pipeline { stages }
    }

    /// Adds a stage next to the stack (a fault wraps what is already there).
    pub fn wrap(&mut self, stage: Box<dyn Stage>) {
        self.stages.insert(0, stage);
    }

    /// Adds a stage next to the wire.
    pub fn push(&mut self, stage: Box<dyn Stage>) {
        self.stages.push(stage);
    }

    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// A datagram from the stack through every stage, first to last.
    pub fn outbound(&mut self, wire: &mut Wire<'_>, datagram: Vec<u8>) -> Vec<Vec<u8>> {
        let mut out = vec![datagram];
        for stage in &mut self.stages {
            out = out.into_iter().flat_map(|d| stage.outbound(wire, d)).collect();
            if out.is_empty() {
                break;
            }
        }
        out
    }

    /// A datagram from the wire through every stage, last to first.
    pub fn inbound(&mut self, wire: &mut Wire<'_>, datagram: Vec<u8>) -> Option<Vec<u8>> {
        self.stages.iter_mut().rev().try_fold(datagram, |d, stage| stage.inbound(wire, d))
    }

    pub fn tick(&mut self, wire: &mut Wire<'_>) {
        for stage in &mut self.stages {
            stage.tick(wire);
        }
    }

    /// The local description through every stage, stack to wire.
    pub fn local_description(&self, sdp: String) -> String {
        self.stages.iter().fold(sdp, |sdp, s| s.local_description(sdp))
    }

    /// The remote description through every stage, wire to stack.
    pub fn remote_description(&self, sdp: String, is_answer: bool) -> String {
        self.stages.iter().rev().fold(sdp, |sdp, s| s.remote_description(sdp, is_answer))
    }

    pub fn takes_trickled_candidate(&self) -> bool {
        self.stages.iter().all(|s| s.takes_trickled_candidate())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tag(u8);
    impl Stage for Tag {
        fn outbound(&mut self, _: &mut Wire<'_>, mut d: Vec<u8>) -> Vec<Vec<u8>> {
            d.push(self.0);
            vec![d.clone(), d]
        }
        fn inbound(&mut self, wire: &mut Wire<'_>, mut d: Vec<u8>) -> Option<Vec<u8>> {
            d.push(self.0);
            wire.effect(Effect::Close);
            (self.0 != 0).then_some(d)
        }
        fn local_description(&self, sdp: String) -> String {
            format!("{sdp}{}", self.0)
        }
    }

    #[test]
    fn outbound_runs_stack_to_wire_and_inbound_wire_to_stack() {
        let keylog = KeyLog::default();
        let addr: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let mut wire = Wire::new(Instant::now(), addr, addr, &[], &keylog, &|| Default::default(), false);
        let mut p = Pipeline::new(vec![Box::new(Tag(1)), Box::new(Tag(2))]);
        assert_eq!(p.outbound(&mut wire, vec![]), vec![vec![1, 2]; 4]);
        assert_eq!(p.inbound(&mut wire, vec![]), Some(vec![2, 1]));
        assert_eq!(p.local_description("v".into()), "v12");
        p.wrap(Box::new(Tag(0)));
        assert_eq!(p.inbound(&mut wire, vec![]), None, "the stage next to the stack dropped it");
        assert_eq!(wire.into_effects().len(), 5);
    }
}
