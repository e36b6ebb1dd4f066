//! One target per wire format: the bytes go into rtcspec's own reader for that format and
//! into the reference stack's (webrtc-rs `rtc-*`) and str0m's where those are reachable.
//! Nothing may panic; results are not compared here (see `structured` for that).

use std::io::Cursor;

use crate::capture::checks::Tallies;
use crate::capture::sdp_info::SessionInfo;
use crate::capture::{CaptureReader, Replay, ReplayOptions};
use crate::driver::model::ModelCodec;
use crate::driver::str0m::Str0mCodec;
use crate::driver::webrtc_rs::WebrtcRsCodec;
use crate::driver::{SdpCodec, StunCodec, Verification};
use crate::stun::Message;
use rtcspec_wire::keys::KeyLog;
use rtcspec_wire::Direction;

/// Splits `data` into a key (its first byte says how long, at most 64) and the rest.
pub fn split_key(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((&n, rest)) = data.split_first() else { return (&[], &[]) };
    rest.split_at(usize::from(n % 65).min(rest.len()))
}

fn stun_codecs(bytes: &[u8], key: &[u8], checks: &[Verification]) {
    let mut reference = WebrtcRsCodec::new().expect("the reference codec needs no setup");
    let codecs: [&mut dyn StunCodec; 3] = [&mut reference, &mut Str0mCodec, &mut ModelCodec];
    for codec in codecs {
        let _ = codec.decode(bytes);
        for check in checks {
            let _ = codec.check(bytes, *check, key);
        }
    }
}

pub fn stun(data: &[u8]) {
    if let Ok(m) = Message::parse(data) {
        let _ = crate::stun::Decoded::from_message(&m);
        let _ = crate::capture::turn::indication(&m);
    }
    stun_codecs(data, &[], &[]);
}

pub fn stun_integrity(data: &[u8]) {
    let (key, bytes) = split_key(data);
    if let Ok(m) = Message::parse(bytes) {
        let _ = m.verify_integrity(crate::stun::MESSAGE_INTEGRITY, key);
        let _ = m.verify_integrity(crate::stun::MESSAGE_INTEGRITY_SHA256, key);
        let _ = m.verify_fingerprint();
    }
    stun_codecs(
        bytes,
        key,
        &[Verification::MessageIntegrity, Verification::MessageIntegritySha256, Verification::Fingerprint],
    );
}

pub fn sdp(data: &[u8]) {
    use crate::driver::sdp_codec::{ModelSdp, ReferenceSdp, Str0mSdp};
    let _ = crate::sdp::lint(data);
    let _ = SessionInfo::default().add("fuzz", data);
    let text = String::from_utf8_lossy(data);
    let codecs: [&mut dyn SdpCodec; 3] = [&mut ReferenceSdp, &mut Str0mSdp, &mut ModelSdp];
    for codec in codecs {
        let _ = codec.round_trip(&text);
    }
    let _ = str0m::change::SdpAnswer::from_sdp_string(&text);
    let _ = crate::capture::signaling::sdps_in(data);
}

pub fn pcap(data: &[u8]) {
    let mut keylog = KeyLog::default();
    keylog.add("fuzz", b"CLIENT_RANDOM 00 00\n");
    let replay = Replay::new("fuzz", ReplayOptions { session: SessionInfo::default(), keylog });
    if let Ok(mut reader) = CaptureReader::new(Cursor::new(data)) {
        let (result, _) = replay.read(&mut reader);
        let _ = crate::capture::report::build(
            std::path::Path::new("fuzz.pcapng"),
            result,
            None,
            "1970-01-01T00:00:00Z".into(),
            0,
        );
    }
}

/// Length-prefixed datagrams (2 bytes, big-endian; the top bit says which direction) on
/// one UDP 5-tuple, replayed as a capture: RFC 7983 demultiplexing, then the STUN, DTLS,
/// TURN, RTP/RTCP and SRTP checkers of that flow.
pub fn demux(data: &[u8]) {
    let (a, b): (std::net::SocketAddr, std::net::SocketAddr) =
        (([127, 0, 0, 1], 50000).into(), ([127, 0, 0, 2], 3478).into());
    let mut datagrams = Vec::new();
    let mut rest = data;
    while rest.len() >= 2 && datagrams.len() < 256 {
        let head = u16::from_be_bytes([rest[0], rest[1]]);
        let len = usize::from(head & 0x7FFF).min(rest.len() - 2);
        let (from, to) = if head & 0x8000 == 0 { (a, b) } else { (b, a) };
        datagrams.push(crate::net::Datagram {
            from,
            to,
            bytes: rest[2..2 + len].to_vec(),
            at_us: datagrams.len() as u64 * 1000,
        });
        rest = &rest[2 + len..];
    }
    for d in &datagrams {
        let _ = rtcspec_wire::demux::classify(&d.bytes);
    }
    pcap(&crate::net::pcapng::encode(&datagrams, 0));
}

pub fn keylog(data: &[u8]) {
    let mut k = KeyLog::default();
    k.add("fuzz", data);
    let _ = k.secrets(&[0; 32]);
}

pub fn dtls_record(data: &[u8]) {
    let _ = rtcspec_wire::dtls::records(data);
    let mut flow = crate::capture::dtls::DtlsFlow::default();
    let mut tallies = Tallies::default();
    let session = SessionInfo::default();
    for (i, direction) in [Direction::AtoB, Direction::BtoA].into_iter().enumerate() {
        flow.datagram(data, direction, i as u64 + 1, &session, &mut tallies);
    }
    // The reference reads one record at a time from a reader (its datagram splitter is
    // crate-private), as its record layer does after splitting.
    let mut reader: &[u8] = data;
    for _ in 0..64 {
        if reader.is_empty() || rtc::dtls::record_layer::RecordLayer::unmarshal(&mut reader).is_err() {
            break;
        }
    }
}

/// A handshake message as it travels in a record (12-byte DTLS header, then the body): the
/// body into rtcspec's reader for its type (ClientHello, ServerHello, Certificate), the
/// whole message into the reference's handshake parser, marshalled back when it parses.
pub fn dtls_handshake(data: &[u8]) {
    if let (Some(&kind), Some(body)) = (data.first(), data.get(12..)) {
        match kind {
            1 => drop(rtcspec_wire::dtls::handshake::parse_hello(body, true)),
            2 => drop(rtcspec_wire::dtls::handshake::parse_hello(body, false)),
            11 => drop(rtcspec_wire::dtls::handshake::parse_certificates(body)),
            _ => {}
        }
    }
    let mut reader: &[u8] = data;
    if let Ok(h) = rtc::dtls::handshake::Handshake::unmarshal(&mut reader) {
        let mut out = Vec::new();
        let _ = h.marshal(&mut out);
    }
}

pub fn rtp(data: &[u8]) {
    use rtc_shared::marshal::{Marshal, Unmarshal};
    let mut flow = crate::capture::rtp::RtpFlow::default();
    flow.rtp(data);
    let _ = flow.summary();
    let mut buf: &[u8] = data;
    if let Ok(p) = rtc::rtp::Packet::unmarshal(&mut buf) {
        let _ = p.marshal();
    }
}

pub fn rtcp(data: &[u8]) {
    use rtc_shared::marshal::Unmarshal;
    let mut flow = crate::capture::rtp::RtpFlow::default();
    flow.rtcp(data);
    let _ = flow.summary();
    let mut buf: &[u8] = data;
    if let Ok(packets) = rtc::rtcp::packet::unmarshal(&mut buf) {
        for p in &packets {
            let _ = p.marshal();
        }
    }
    let mut buf: &[u8] = data;
    let _ = rtc::rtcp::compound_packet::CompoundPacket::unmarshal(&mut buf);
    // str0m reads one packet at a time, padding removed; its compound splitter is private.
    let _ = str0m::rtp::rtcp::Rtcp::try_from(data);
}

/// The SRTP profile an `srtp_unprotect` input's first byte picks (its low bits modulo 6).
pub fn srtp_profile(select: u8) -> rtc::srtp::protection_profile::ProtectionProfile {
    use rtc::srtp::protection_profile::ProtectionProfile as P;
    const PROFILES: [P; 6] = [
        P::Aes128CmHmacSha1_80,
        P::Aes128CmHmacSha1_32,
        P::Aes256CmHmacSha1_80,
        P::Aes256CmHmacSha1_32,
        P::AeadAes128Gcm,
        P::AeadAes256Gcm,
    ];
    PROFILES[usize::from(select % 6)]
}

/// The first byte picks the profile and RTP or RTCP. The rest is unprotected as received
/// (almost never authentic), and also protected and unprotected again with the same keys,
/// which must give back the packet: that reaches the code past the authentication check.
pub fn srtp_unprotect(data: &[u8]) {
    let Some((&which, packet)) = data.split_first() else { return };
    let profile = srtp_profile(which);
    let rtcp = which & 0x80 != 0;
    let Ok(provider) = rtc_crypto::default_provider() else { return };
    let (key, salt) = (vec![0x11; profile.key_len()], vec![0x22; profile.salt_len()]);
    let context = || rtc::srtp::context::Context::new(&key, &salt, profile, None, None, provider.crypto());
    let (Ok(mut sender), Ok(mut receiver)) = (context(), context()) else { return };
    let _ = if rtcp { receiver.decrypt_rtcp(packet).map(drop) } else { receiver.decrypt_rtp(packet).map(drop) };
    if super::divergences::known_crash("srtp_unprotect", data).is_some() {
        return;
    }
    let protected = if rtcp { sender.encrypt_rtcp(packet) } else { sender.encrypt_rtp(packet) };
    // rtc-srtp encrypts from the re-marshalled header's end, not the received header's: where
    // they differ it protects part of the header (reports/findings/rtc-srtp-header-size-panic.md).
    if !rtcp && super::divergences::rtp_header_size_differs(packet) {
        return;
    }
    if let Ok(protected) = protected {
        let Ok(mut fresh) = context() else { return };
        let back = if rtcp { fresh.decrypt_rtcp(&protected) } else { fresh.decrypt_rtp(&protected) };
        if let Ok(back) = back {
            // SRTP keeps the header and payload; SRTCP too (the E-flag/index trailer goes).
            assert_eq!(&back[..], packet, "{profile:?}: unprotect(protect(p)) != p\np = {}", crate::stun::hex(packet));
        }
    }
}

/// The packet with its CRC32c made right, so readers get past the checksum.
fn with_valid_crc32c(data: &[u8]) -> Vec<u8> {
    let mut b = data.to_vec();
    if let Some(c) = rtcspec_wire::sctp::checksum(&b) {
        b[8..12].copy_from_slice(&c.to_le_bytes());
    }
    b
}

pub fn sctp(data: &[u8]) {
    let mut flow = crate::capture::sctp::SctpFlow::default();
    let mut tallies = Tallies::default();
    let fixed = with_valid_crc32c(data);
    for (n, p) in [data, &fixed[..]].into_iter().enumerate() {
        flow.packet(p, Direction::AtoB, n as u64 + 1, &mut tallies);
    }
    flow.finish(&mut tallies);
    if super::divergences::known_crash("sctp", &fixed).is_none() {
        let _ = rtc::sctp::fuzzing::packet_unmarshal(&fixed);
        let _ = rtc::sctp::fuzzing::packet_marshal(&fixed);
    }
    sctp_proto::_fuzz::fuzz_packet_unmarshal(data);
}

/// A DCEP message (RFC 8832 §5), carried in an SCTP DATA chunk with PPID 50 for rtcspec's
/// reader, and given to the reference's message parser.
pub fn dcep(data: &[u8]) {
    use rtc_shared::marshal::Unmarshal;
    let mut packet = vec![0x13, 0x88, 0x13, 0x88, 0, 0, 0, 1, 0, 0, 0, 0];
    let len = 16 + data.len().min(60_000);
    packet.extend_from_slice(&[0, 0x03]);
    packet.extend_from_slice(&(len as u16).to_be_bytes());
    packet.extend_from_slice(&[0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 50]);
    packet.extend_from_slice(&data[..len - 16]);
    packet.resize((packet.len() + 3) & !3, 0);
    sctp(&packet);
    if super::divergences::known_crash("dcep", data).is_none() {
        let mut buf: &[u8] = data;
        let _ = rtc::datachannel::message::Message::unmarshal(&mut buf);
    }
}

pub fn turn_channel_data(data: &[u8]) {
    let _ = rtcspec_wire::turn::channel_data(data);
    let _ = rtc::turn::proto::chandata::ChannelData::is_channel_data(data);
    let mut c = rtc::turn::proto::chandata::ChannelData { raw: data.to_vec(), ..Default::default() };
    let _ = c.decode();
}
