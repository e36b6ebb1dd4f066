//! Faults in how the peer protects, sends and takes in media (RFC 3711, RFC 9143 §9.1).

use std::net::UdpSocket;

use crate::peer::event::PeerEvent;
use crate::peer::stage::{Effect, Stage, Wire};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::rtp::RtpHeader;

/// The authentication tag of every SRTCP packet it sends has a bit flipped.
pub struct SrtcpBadTag;

impl Stage for SrtcpBadTag {
    fn outbound(&mut self, _: &mut Wire<'_>, mut datagram: Vec<u8>) -> Vec<Vec<u8>> {
        // Five bytes from the end is inside the authentication tag of every profile:
        // HMAC-SHA1 tags end the packet, AEAD tags sit before the 4-byte index.
        if classify(&datagram) == Protocol::Rtcp && datagram.len() > 12 {
            let at = datagram.len() - 5;
            datagram[at] ^= 0x01;
        }
        vec![datagram]
    }
}

/// Its SRTCP indices go up by two: every other SRTCP packet never leaves, so the wire shows
/// the index skip.
#[derive(Default)]
pub struct SrtcpIndexSkips {
    sent: u64,
}

impl Stage for SrtcpIndexSkips {
    fn outbound(&mut self, _: &mut Wire<'_>, datagram: Vec<u8>) -> Vec<Vec<u8>> {
        if classify(&datagram) != Protocol::Rtcp {
            return vec![datagram];
        }
        self.sent += 1;
        if self.sent.is_multiple_of(2) {
            Vec::new()
        } else {
            vec![datagram]
        }
    }
}

/// Its SRTP and SRTCP leave from a second loopback socket of its own, not the bundle's (no
/// symmetric RTP, RFC 9143 §9.1).
#[derive(Default)]
pub struct MediaFromSecondPort {
    socket: Option<UdpSocket>,
}

impl Stage for MediaFromSecondPort {
    fn outbound(&mut self, wire: &mut Wire<'_>, datagram: Vec<u8>) -> Vec<Vec<u8>> {
        if !matches!(classify(&datagram), Protocol::Rtp | Protocol::Rtcp) {
            return vec![datagram];
        }
        if self.socket.is_none() {
            self.socket = UdpSocket::bind("127.0.0.1:0").ok();
        }
        let to = wire.remote;
        if let Some(socket) = &self.socket {
            let _ = socket.send_to(&datagram, to);
            if let Ok(from) = socket.local_addr() {
                wire.effect(Effect::Record { from, to, bytes: datagram });
            }
        }
        Vec::new()
    }
}

/// Its rollover counter never advances, so every SRTP packet after a sequence number wrap
/// fails authentication: those are dropped before the stack.
#[derive(Default)]
pub struct SrtpRocStuck {
    /// The highest RTP sequence number taken in, and whether the sequence has wrapped since.
    seen: Option<(u16, bool)>,
}

impl Stage for SrtpRocStuck {
    fn inbound(&mut self, _: &mut Wire<'_>, datagram: Vec<u8>) -> Option<Vec<u8>> {
        let (Protocol::Rtp, Some(h)) = (classify(&datagram), RtpHeader::parse(&datagram)) else {
            return Some(datagram);
        };
        let seq = h.sequence;
        // After a wrap: a sequence more than half the space below the highest seen.
        let (highest, wrapped) = self.seen.unwrap_or((seq, false));
        let wrapped = wrapped || (seq < highest && highest - seq > 0x8000);
        self.seen = Some((if wrapped { highest } else { highest.max(seq) }, wrapped));
        (!wrapped).then_some(datagram)
    }
}

/// It keeps no SRTP replay list: a copy of an RTP packet it took in is taken in again (it
/// authenticated the first time), reported as received without reaching the stack, whose
/// own list would drop it.
pub struct SrtpNoReplayList;

impl Stage for SrtpNoReplayList {
    fn inbound(&mut self, wire: &mut Wire<'_>, datagram: Vec<u8>) -> Option<Vec<u8>> {
        if classify(&datagram) != Protocol::Rtp {
            return Some(datagram);
        }
        let earlier = &wire.datagrams[..wire.datagrams.len().saturating_sub(1)];
        if !earlier.iter().any(|d| d.from == wire.remote && d.bytes == datagram) {
            return Some(datagram);
        }
        if let Some(h) = RtpHeader::parse(&datagram) {
            wire.effect(Effect::Event(PeerEvent::Rtp { ssrc: h.ssrc, seq: h.sequence }));
        }
        None
    }
}
