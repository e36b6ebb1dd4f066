//! Stages a case chooses for the harness peer in its setup (through `PeerOptions`, or, for
//! consent, in the middle of a call): the harness as a small-MTU sender, as a peer that
//! sends no RTCP of its own, or that stops answering consent checks.

use super::fragment::{fragmented, Fragmenting};
use super::stage::{Stage, Wire};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::stun::{message_type, Class, METHOD_BINDING};

/// The harness's epoch-0 handshake messages go out cut into small fragments, one record per
/// datagram (RFC 6347 §4.2.3), overlapping if the step is shorter than the size.
pub struct Fragmenter(pub Fragmenting);

impl Stage for Fragmenter {
    fn outbound(&mut self, _: &mut Wire<'_>, datagram: Vec<u8>) -> Vec<Vec<u8>> {
        if classify(&datagram) != Protocol::Dtls {
            return vec![datagram];
        }
        fragmented(&datagram, self.0).unwrap_or_else(|| vec![datagram])
    }
}

/// The harness sends no RTCP of its own (its SRs would hide the ones a case forges).
pub struct NoOwnRtcp;

impl Stage for NoOwnRtcp {
    fn outbound(&mut self, _: &mut Wire<'_>, datagram: Vec<u8>) -> Vec<Vec<u8>> {
        if classify(&datagram) == Protocol::Rtcp {
            Vec::new()
        } else {
            vec![datagram]
        }
    }
}

/// The remote's Binding requests (its connectivity and consent checks) are recorded and
/// dropped before the ICE agent sees them: the remote gets no more consent (RFC 7675), while
/// everything else goes on.
pub struct WithholdConsent;

impl Stage for WithholdConsent {
    fn inbound(&mut self, _: &mut Wire<'_>, datagram: Vec<u8>) -> Option<Vec<u8>> {
        let binding_request = message_type(Class::Request, METHOD_BINDING).to_be_bytes();
        let drop = classify(&datagram) == Protocol::Stun && datagram.starts_with(&binding_request);
        (!drop).then_some(datagram)
    }
}
