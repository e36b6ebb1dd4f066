//! The harness peer: webrtc-rs's sans-IO `RTCPeerConnection` on a UDP socket the harness
//! owns (loopback, or inside a target's network namespace). Every datagram it sends or
//! receives is recorded (the case's pcapng), its DTLS secrets go to a key log, and its
//! callbacks become [`PeerEvent`]s, the same events a shim reports. Between the stack and the
//! socket runs the [`Pipeline`] of stages a case or the mutant chose, then the impaired path;
//! the peer itself has no faults. Served in process, it is also the live `reference` target.

use std::collections::{HashMap, VecDeque};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use rtc::data_channel::{RTCDataChannelId, RTCDataChannelInit};
use rtc::dtls::cipher_suite::CipherSuiteId;
use rtc::dtls::extension::extension_use_srtp::SrtpProtectionProfile;
use rtc::interceptor::Registry;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::interceptor_registry::register_default_interceptors;
use rtc::peer_connection::configuration::media_engine::{MediaEngine, MIME_TYPE_OPUS};
use rtc::peer_connection::configuration::setting_engine::SettingEngineBuilder;
use rtc::peer_connection::configuration::RTCConfigurationBuilder;
use rtc::peer_connection::event::{RTCDataChannelEvent, RTCPeerConnectionEvent};
use rtc::peer_connection::message::RTCMessage;
use rtc::peer_connection::sdp::RTCSessionDescription;
use rtc::peer_connection::transport::{
    CandidateConfig, CandidateHostConfig, RTCDtlsRole, RTCIceCandidate, RTCIceCandidateInit,
};
use rtc::peer_connection::{RTCPeerConnection, RTCPeerConnectionBuilder};
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind};
use rtc::rtp_transceiver::RTCRtpSenderId;
use rtc::sansio::Protocol;
use rtc_shared::{TaggedBytesMut, TransportContext, TransportProtocol};

use super::event::{ChannelInfo, Payload, PeerEvent};
use super::faults::stun::{StunFaults, StunStage};
use super::fragment::Fragmenting;
use super::harness_stages::{Fragmenter, NoOwnRtcp, WithholdConsent};
use super::keylog::{KeyLog, KeyLoggingProvider};
use super::stage::{Effect, Pipeline, Stage, Wire};
use crate::net::impair::{Direction, Impairer, Impairment, Released};
use crate::net::namespace::Network;
use crate::net::Datagram;

/// Room for the largest UDP datagram.
const RECEIVE_BUFFER: usize = 65_536;
/// How long one wait on the socket may last, so commands and deadlines are looked at often.
const MAX_WAIT: Duration = Duration::from_millis(5);

/// A data channel to create (the shim protocol's `peer.channel`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSpec {
    pub label: String,
    pub ordered: bool,
    pub max_retransmits: Option<u16>,
    pub max_packet_life_time: Option<u16>,
    pub protocol: String,
    /// A stream id both sides use without DCEP (RFC 8832 §6: negotiated out of band).
    pub negotiated_id: Option<u16>,
}

impl ChannelSpec {
    pub fn reliable(label: &str) -> ChannelSpec {
        ChannelSpec {
            label: label.into(),
            ordered: true,
            max_retransmits: None,
            max_packet_life_time: None,
            protocol: String::new(),
            negotiated_id: None,
        }
    }
}

/// How the harness peer sets itself up: webrtc-rs's own settings, and the stages a case
/// chooses (`stun_faults`, `handshake_fragments`, `no_rtcp`) and the path (`impairment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeerOptions {
    /// The DTLS role it takes when it answers (`a=setup:active` = client, the webrtc-rs
    /// default, or `passive` = server). As an offerer it always offers `actpass`.
    pub answer_as_dtls_server: bool,
    /// Offers and answers as an ICE lite agent (RFC 8445 §2.5): it only answers checks.
    pub ice_lite: bool,
    /// How its ICE agent misbehaves in STUN (a [`StunStage`]): for a case that makes the
    /// harness a hostile peer.
    pub stun_faults: StunFaults,
    /// The sequence number of the audio track's first packet (default 1): near 65535 for a
    /// call whose audio crosses a sequence number wrap.
    pub audio_first_sequence: Option<u16>,
    /// The SRTP replay window for received packets (RFC 3711 §3.3.2), if not webrtc-rs's
    /// default of 64 (rtc 0.21 puts `DEFAULT_SESSION_SRTP_REPLAY_PROTECTION_WINDOW` in when the
    /// setting is 0, its default): the fault `peer-srtp-window-16`, smaller than the 64 the
    /// RFC requires.
    pub srtp_replay_window: Option<usize>,
    /// The harness's epoch-0 handshake messages go out cut into small fragments, one record
    /// per datagram (RFC 6347 §4.2.3), overlapping if the step is shorter than the size.
    pub handshake_fragments: Option<Fragmenting>,
    /// An audio track (Opus) besides the data channel, so the call has SRTP: the peer offers
    /// it, or sends it back when it answers an offer with audio.
    pub audio: bool,
    /// What the path between the harness and the target does to datagrams, both ways (the
    /// interposer). Dropped datagrams are not in the evidence: it records what each side
    /// took in.
    pub impairment: Impairment,
    /// The SRTP protection profiles it offers or accepts (RFC 5764 §4.1.2 values); empty:
    /// the webrtc-rs defaults.
    pub srtp_profiles: &'static [u16],
    /// The DTLS cipher suites it offers or accepts; empty: the webrtc-rs defaults.
    pub dtls_cipher_suites: &'static [u16],
    /// The harness sends no RTCP of its own (its SRs would hide the ones a case forges).
    pub no_rtcp: bool,
    /// webrtc-rs's setting that skips checking the remote DTLS certificate against the SDP
    /// fingerprint (the fault `peer-skips-fingerprint-check`).
    pub skip_fingerprint_check: bool,
    /// Its hello randoms end in the TLS 1.3 downgrade sentinel (RFC 8446 §4.1.3): as the
    /// DTLS server it claims to be a 1.3 server negotiating 1.2.
    pub downgrade_sentinel: bool,
}

/// The most a DTLS 1.2 record adds to an SCTP packet: a 13-byte header, then a 16-byte IV, a
/// 20-byte HMAC-SHA1 and up to 16 bytes of padding (CBC suites; AES-GCM adds 24).
const DTLS_RECORD_OVERHEAD: u32 = rtcspec_wire::dtls::RECORD_HEADER as u32 + 16 + 20 + 16;

/// The value of an `a=NAME:` line (session or first media level) of a description.
pub fn sdp_attribute<'a>(sdp: &'a str, name: &str) -> Option<&'a str> {
    sdp.lines().find_map(|l| l.trim_end().strip_prefix("a=")?.strip_prefix(name)?.strip_prefix(':'))
}

pub struct HarnessPeer {
    pc: RTCPeerConnection,
    socket: UdpSocket,
    local: SocketAddr,
    started: Instant,
    /// Wall-clock time of `started`, the pcapng's time base.
    started_unix_us: u64,
    datagrams: Vec<Datagram>,
    keylog: KeyLog,
    channels: HashMap<RTCDataChannelId, String>,
    events: VecDeque<PeerEvent>,
    buffer: Vec<u8>,
    /// Non-loopback destinations the connection asked to send to (never sent).
    blocked: Vec<SocketAddr>,
    options: PeerOptions,
    /// The audio track's sender, once added, and the next RTP sequence number.
    audio: Option<(RTCRtpSenderId, u16)>,
    /// The stages between the stack and the path, stack first.
    stages: Pipeline,
    /// The impaired path, unless it is perfect.
    path: Option<Impairer>,
    /// Whether the connection has reached `connected`.
    connected: bool,
    /// Where its socket lives, and so where it may send.
    network: Network,
}

fn failed(what: &str) -> impl Fn(rtc_shared::error::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

impl HarnessPeer {
    /// A new peer connection on a fresh socket bound to 127.0.0.1.
    pub fn new() -> Result<HarnessPeer, String> {
        HarnessPeer::with_options(PeerOptions::default())
    }

    pub fn with_options(options: PeerOptions) -> Result<HarnessPeer, String> {
        HarnessPeer::on(&Network::Loopback, options)
    }

    /// A new peer connection on a fresh socket in `network`: loopback, or the namespace a
    /// target runs in.
    pub fn on(network: &Network, options: PeerOptions) -> Result<HarnessPeer, String> {
        let socket = network.bind_udp()?;
        let local = socket.local_addr().map_err(|e| format!("socket address: {e}"))?;
        let keylog = KeyLog::default();
        let inner = rtc_crypto::default_provider().map_err(|e| format!("webrtc-rs crypto provider: {e}"))?;
        let role = if options.answer_as_dtls_server { RTCDtlsRole::Server } else { RTCDtlsRole::Client };
        let provider = KeyLoggingProvider::new(inner, keylog.clone());
        let provider = if options.downgrade_sentinel { provider.with_downgrade_sentinel() } else { provider };
        let settings = SettingEngineBuilder::new()
            .with_crypto_provider(Arc::new(provider))
            .with_answering_dtls_role(role)
            .with_disable_certificate_fingerprint_verification(options.skip_fingerprint_check)
            .with_lite(options.ice_lite)
            .with_srtp_protection_profiles(
                options.srtp_profiles.iter().map(|p| SrtpProtectionProfile::from(*p)).collect(),
            )
            .with_dtls_cipher_suites(options.dtls_cipher_suites.iter().map(|s| CipherSuiteId::from(*s)).collect());
        // On a path with an MTU, the harness's own SCTP packets fit it, so only the target's
        // may not.
        let settings = match options.srtp_replay_window {
            Some(window) => settings.with_srtp_replay_protection_window(window),
            None => settings,
        };
        let settings = match options.impairment.mtu {
            Some(mtu) => settings.with_sctp_mtu(u32::from(mtu).saturating_sub(DTLS_RECORD_OVERHEAD)),
            None => settings,
        }
        .build();
        let now = Instant::now();
        // The default codecs and interceptors, so a call with audio has RTCP reports.
        let mut media = MediaEngine::default();
        media.register_default_codecs().map_err(failed("webrtc-rs codecs"))?;
        let registry = register_default_interceptors(Registry::new(), &mut media).map_err(failed("interceptors"))?;
        let pc = RTCPeerConnectionBuilder::new()
            .with_configuration(RTCConfigurationBuilder::new().build())
            .with_setting_engine(settings)
            .with_media_engine(media)
            .with_interceptor_registry(registry)
            .build(now)
            .map_err(failed("webrtc-rs peer connection"))?;
        Ok(HarnessPeer {
            pc,
            socket,
            local,
            started: now,
            started_unix_us: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_micros() as u64),
            datagrams: Vec::new(),
            keylog,
            channels: HashMap::new(),
            events: VecDeque::new(),
            buffer: vec![0; RECEIVE_BUFFER],
            blocked: Vec::new(),
            audio: None,
            stages: Pipeline::new(HarnessPeer::chosen_stages(&options)),
            path: (!options.impairment.is_perfect()).then(|| Impairer::new(options.impairment)),
            connected: false,
            network: network.clone(),
            options,
        })
    }

    /// The stages the options choose, stack first.
    fn chosen_stages(options: &PeerOptions) -> Vec<Box<dyn Stage>> {
        let mut stages: Vec<Box<dyn Stage>> = Vec::new();
        if !options.stun_faults.is_empty() {
            stages.push(Box::new(StunStage::new(options.stun_faults)));
        }
        if options.no_rtcp {
            stages.push(Box::new(NoOwnRtcp));
        }
        if let Some(how) = options.handshake_fragments {
            stages.push(Box::new(Fragmenter(how)));
        }
        stages
    }

    /// Wraps `faults` around the stack, inside the stages the options chose (the mutant's
    /// faults, first next to the stack).
    pub fn with_faults(mut self, faults: Vec<Box<dyn Stage>>) -> HarnessPeer {
        for fault in faults.into_iter().rev() {
            self.stages.wrap(fault);
        }
        self
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Every datagram so far, both directions, in order.
    pub fn datagrams(&self) -> &[Datagram] {
        &self.datagrams
    }

    /// When the peer was made, in microseconds since the Unix epoch (the capture's base).
    pub fn started_unix_us(&self) -> u64 {
        self.started_unix_us
    }

    pub fn keylog(&self) -> &KeyLog {
        &self.keylog
    }

    pub fn next_event(&mut self) -> Option<PeerEvent> {
        self.events.pop_front()
    }

    pub fn create_channel(&mut self, spec: &ChannelSpec) -> Result<(), String> {
        let init = RTCDataChannelInit {
            ordered: spec.ordered,
            max_packet_life_time: spec.max_packet_life_time,
            max_retransmits: spec.max_retransmits,
            protocol: spec.protocol.clone(),
            negotiated: spec.negotiated_id,
        };
        let id = self.pc.create_data_channel(&spec.label, Some(init)).map_err(failed("create_data_channel"))?.id();
        self.channels.insert(id, spec.label.clone());
        Ok(())
    }

    /// Our socket as the only host candidate, then end of candidates: no trickle.
    fn add_host_candidate(&mut self) -> Result<(), String> {
        let candidate = CandidateHostConfig {
            base_config: CandidateConfig {
                network: "udp".into(),
                address: self.local.ip().to_string(),
                port: self.local.port(),
                component: 1,
                ..CandidateConfig::default()
            },
            ..CandidateHostConfig::default()
        }
        .new_candidate_host()
        .map_err(failed("host candidate"))?;
        let init = RTCIceCandidate::from(&candidate).to_json().map_err(failed("host candidate"))?;
        self.pc.add_local_candidate(init).map_err(failed("add_local_candidate"))
    }

    fn local_sdp(&mut self) -> Result<String, String> {
        // After set_local_description: the empty candidate marks gathering complete, so the
        // description carries a=end-of-candidates.
        self.pc.add_local_candidate(RTCIceCandidateInit::default()).map_err(failed("end of candidates"))?;
        self.flush();
        let sdp = self.pc.local_description().map(|d| d.sdp).ok_or_else(|| "no local description".to_string())?;
        Ok(self.stages.local_description(sdp))
    }

    /// Adds the audio track (Opus, one SSRC) once, if the options ask for one.
    fn add_audio(&mut self) -> Result<(), String> {
        if !self.options.audio || self.audio.is_some() {
            return Ok(());
        }
        let ssrc = 0x5254_4353; // "RTCS"
        let track = MediaStreamTrack::new(
            "rtcspec".into(),
            "rtcspec-audio".into(),
            "rtcspec audio".into(),
            RtpCodecKind::Audio,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters { ssrc: Some(ssrc), ..Default::default() },
                codec: RTCRtpCodec {
                    mime_type: MIME_TYPE_OPUS.into(),
                    clock_rate: 48_000,
                    channels: 2,
                    sdp_fmtp_line: "minptime=10;useinbandfec=1".into(),
                    rtcp_feedback: vec![],
                },
                ..Default::default()
            }],
        );
        let sender = self.pc.add_track(track).map_err(failed("add_track"))?;
        self.audio = Some((sender, self.options.audio_first_sequence.unwrap_or(1)));
        Ok(())
    }

    /// Sends one 20 ms Opus packet of silence on the audio track (nothing without one).
    pub fn send_audio(&mut self) -> Result<(), String> {
        let Some((id, seq)) = self.audio else { return Ok(()) };
        let Some(mut sender) = self.pc.rtp_sender(id) else { return Err("the audio sender is gone".into()) };
        let Some(payload_type) = sender
            .get_parameters()
            .rtp_parameters
            .codecs
            .iter()
            .find(|c| c.rtp_codec.mime_type.eq_ignore_ascii_case(MIME_TYPE_OPUS))
            .map(|c| c.payload_type)
        else {
            return Ok(()); // audio was not negotiated
        };
        let ssrc = sender.track().ssrcs().last().unwrap_or_default();
        let packet = rtc::rtp::Packet {
            header: rtc::rtp::header::Header {
                version: 2,
                payload_type,
                sequence_number: seq,
                timestamp: u32::from(seq).wrapping_mul(960),
                ssrc,
                ..Default::default()
            },
            // An Opus TOC byte for a 20 ms SILK frame, then nothing: silence (RFC 6716 §3.1).
            payload: bytes::Bytes::from_static(&[0x78]),
        };
        sender.write_rtp(Instant::now(), packet).map_err(failed("write_rtp"))?;
        self.audio = Some((id, seq.wrapping_add(1)));
        self.flush();
        Ok(())
    }

    pub fn offer(&mut self) -> Result<String, String> {
        self.add_audio()?;
        self.add_host_candidate()?;
        let offer = self.pc.create_offer(None).map_err(failed("create_offer"))?;
        self.pc.set_local_description(Instant::now(), offer).map_err(failed("set_local_description"))?;
        self.local_sdp()
    }

    /// Applies the remote offer and answers it; `Err` is the reference refusing the offer.
    pub fn answer(&mut self, offer: &str) -> Result<String, String> {
        let offer = RTCSessionDescription::offer(self.stages.remote_description(offer.to_string(), false))
            .map_err(failed("the offer"))?;
        self.pc.set_remote_description(Instant::now(), offer).map_err(failed("set_remote_description"))?;
        self.add_audio()?;
        self.add_host_candidate()?;
        let answer = self.pc.create_answer(None).map_err(failed("create_answer"))?;
        self.pc.set_local_description(Instant::now(), answer).map_err(failed("set_local_description"))?;
        self.local_sdp()
    }

    /// The local description as the connection holds it (before any rewrite by a case).
    pub fn local_description(&self) -> Option<String> {
        self.pc.local_description().map(|d| d.sdp)
    }

    /// Applies the remote answer to our offer; `Err` is the reference refusing it.
    pub fn accept(&mut self, answer: &str) -> Result<(), String> {
        let answer = RTCSessionDescription::answer(self.stages.remote_description(answer.to_string(), true))
            .map_err(failed("the answer"))?;
        self.pc.set_remote_description(Instant::now(), answer).map_err(failed("set_remote_description"))?;
        self.flush();
        Ok(())
    }

    pub fn add_remote_candidate(&mut self, candidate: &str, mid: &str) -> Result<(), String> {
        if !self.stages.takes_trickled_candidate() {
            return Ok(());
        }
        let init = RTCIceCandidateInit {
            candidate: candidate.to_string(),
            sdp_mid: Some(mid.to_string()),
            ..RTCIceCandidateInit::default()
        };
        self.pc.add_remote_candidate(init).map_err(failed("add_remote_candidate"))
    }

    fn channel_id(&self, label: &str) -> Option<RTCDataChannelId> {
        self.channels.iter().find(|(_, l)| *l == label).map(|(id, _)| *id)
    }

    pub fn send(&mut self, label: &str, payload: &Payload) -> Result<(), String> {
        let id = self.channel_id(label).ok_or_else(|| format!("no data channel {label:?}"))?;
        let now = Instant::now();
        let mut channel = self.pc.data_channel(id).ok_or_else(|| format!("data channel {label:?} is gone"))?;
        match payload {
            Payload::Text(t) => channel.send_text(now, t.clone()),
            Payload::Binary(b) => channel.send(now, BytesMut::from(&b[..])),
        }
        .map_err(failed("send"))?;
        self.flush();
        Ok(())
    }

    pub fn close_channel(&mut self, label: &str) -> Result<(), String> {
        let id = self.channel_id(label).ok_or_else(|| format!("no data channel {label:?}"))?;
        let mut channel = self.pc.data_channel(id).ok_or_else(|| format!("data channel {label:?} is gone"))?;
        channel.close().map_err(failed("close"))?;
        self.flush();
        Ok(())
    }

    pub fn close(&mut self) -> Result<(), String> {
        self.pc.close().map_err(failed("close"))?;
        self.flush();
        Ok(())
    }

    /// Sends `bytes` from the harness's socket as they are (a crafted or hostile datagram),
    /// to loopback (or the target's namespace) only, and records it.
    pub fn inject(&mut self, to: SocketAddr, bytes: &[u8]) -> Result<(), String> {
        if !self.network.allows(to) {
            return Err(format!("{to} is outside {}: rtcspec sends nowhere else", self.network.describe()));
        }
        self.socket.send_to(bytes, to).map_err(|e| format!("send to {to}: {e}"))?;
        self.record(self.local, to, bytes);
        Ok(())
    }

    /// Runs `f` with the view of the call a stage gets, then does what the stages asked.
    /// Whether the stages asked for anything comes back beside `f`'s result.
    fn through_stages<T>(
        &mut self,
        remote: SocketAddr,
        f: impl FnOnce(&mut Pipeline, &mut Wire<'_>) -> T,
    ) -> (T, bool) {
        let pc = &self.pc;
        let descriptions = || {
            let local = pc.local_description().map(|d| d.sdp).unwrap_or_default();
            (local, pc.remote_description().map(|d| d.sdp.clone()).unwrap_or_default())
        };
        let mut wire =
            Wire::new(Instant::now(), self.local, remote, &self.datagrams, &self.keylog, &descriptions, self.connected);
        let out = f(&mut self.stages, &mut wire);
        let effects = wire.into_effects();
        let acted = !effects.is_empty();
        for effect in effects {
            match effect {
                Effect::Send { to, bytes } => self.send_to_target(to, &bytes),
                Effect::Record { from, to, bytes } => self.record(from, to, &bytes),
                Effect::Event(event) => self.events.push_back(event),
                Effect::Close => {
                    let _ = self.pc.close();
                    self.flush();
                }
            }
        }
        (out, acted)
    }

    /// What the impaired path was and did, if there was one.
    pub fn impairment_summary(&self) -> Option<String> {
        self.path.as_ref().map(Impairer::summary)
    }

    /// Sends a datagram to the target through the path, or straight if it is perfect.
    fn send_to_target(&mut self, to: SocketAddr, message: &[u8]) {
        match &mut self.path {
            Some(path) => path.take(Direction::ToTarget, Instant::now(), to, message.to_vec()),
            None => self.send_now(to, message),
        }
    }

    /// A send that fails (the peer's port closed) is what UDP does: the datagram is lost,
    /// and recorded as sent.
    fn send_now(&mut self, to: SocketAddr, message: &[u8]) {
        let _ = self.socket.send_to(message, to);
        self.record(self.local, to, message);
    }

    /// Lets out what the path holds that is due: sent to the target, or taken in from it.
    fn release_due(&mut self) {
        let Some(path) = &mut self.path else { return };
        for Released { direction, peer, bytes } in path.due(Instant::now()) {
            match direction {
                Direction::ToTarget => self.send_now(peer, &bytes),
                Direction::FromTarget => self.take_in(peer, bytes),
            }
        }
    }

    /// Sends what the connection queued and turns its callbacks into events.
    fn flush(&mut self) {
        while let Some(out) = self.pc.poll_write() {
            let to = out.transport.peer_addr;
            // rtcspec sends to loopback (or into the target's namespace) only, whatever
            // candidates the target offers (a stack may advertise every interface it has).
            if !self.network.allows(to) {
                if !self.blocked.contains(&to) {
                    self.blocked.push(to);
                    let why =
                        format!("not sent to {to}: the target offered a candidate outside {}", self.network.describe());
                    self.events.push_back(PeerEvent::Error(why));
                }
                continue;
            }
            let message = out.message.to_vec();
            let pieces = if self.stages.is_empty() {
                vec![message]
            } else {
                self.through_stages(to, |stages, wire| stages.outbound(wire, message)).0
            };
            for piece in pieces {
                self.send_to_target(to, &piece);
            }
        }
        while let Some(event) = self.pc.poll_event() {
            self.translate(event);
        }
        while let Some(message) = self.pc.poll_read() {
            match message.message {
                RTCMessage::DataChannelMessage(id, m) => {
                    let label = self.channels.get(&id).cloned().unwrap_or_default();
                    let stream = self.pc.data_channel(id).and_then(|c| c.stream_id());
                    let payload = if m.is_string {
                        Payload::Text(String::from_utf8_lossy(&m.data).into_owned())
                    } else {
                        Payload::Binary(m.data.to_vec())
                    };
                    self.events.push_back(PeerEvent::Message { label, stream, payload });
                }
                RTCMessage::RtpPacket(_, packet) => self
                    .events
                    .push_back(PeerEvent::Rtp { ssrc: packet.header.ssrc, seq: packet.header.sequence_number }),
                _ => {}
            }
        }
    }

    fn translate(&mut self, event: RTCPeerConnectionEvent) {
        let event = match event {
            RTCPeerConnectionEvent::OnIceConnectionStateChangeEvent(s) => PeerEvent::IceState(s.to_string()),
            RTCPeerConnectionEvent::OnConnectionStateChangeEvent(s) => {
                self.connected |= s.to_string() == "connected";
                PeerEvent::ConnectionState(s.to_string())
            }
            RTCPeerConnectionEvent::OnDataChannel(RTCDataChannelEvent::OnOpen(id)) => {
                let Some(channel) = self.pc.data_channel(id) else { return };
                let info = ChannelInfo {
                    label: channel.label().to_string(),
                    stream: channel.stream_id(),
                    ordered: channel.ordered(),
                    protocol: channel.protocol().to_string(),
                    max_retransmits: channel.max_retransmits(),
                    max_packet_life_time: channel.max_packet_life_time(),
                };
                self.channels.insert(id, info.label.clone());
                PeerEvent::ChannelOpen(info)
            }
            RTCPeerConnectionEvent::OnDataChannel(RTCDataChannelEvent::OnClose(id)) => {
                let label = self.channels.get(&id).cloned().unwrap_or_default();
                PeerEvent::ChannelClose { label, stream: self.pc.data_channel(id).and_then(|c| c.stream_id()) }
            }
            _ => return,
        };
        self.events.push_back(event);
    }

    fn record(&mut self, from: SocketAddr, to: SocketAddr, bytes: &[u8]) {
        let at_us = self.started.elapsed().as_micros() as u64;
        self.datagrams.push(Datagram { from, to, bytes: bytes.to_vec(), at_us });
    }

    /// Runs the connection until `until`: datagrams in and out, timers, events.
    pub fn run_until(&mut self, until: Instant) {
        loop {
            self.flush();
            self.release_due();
            let now = Instant::now();
            if let Some(due) = self.pc.poll_timeout() {
                if due <= now {
                    let _ = self.pc.handle_timeout(now);
                    continue;
                }
            }
            if self.path.as_ref().and_then(Impairer::next_due).is_some_and(|due| due <= now) {
                continue;
            }
            if !self.stages.is_empty() {
                let local = self.local;
                if self.through_stages(local, |stages, wire| stages.tick(wire)).1 {
                    continue;
                }
            }
            if now >= until {
                return;
            }
            let due = [self.pc.poll_timeout(), self.path.as_ref().and_then(Impairer::next_due)]
                .into_iter()
                .flatten()
                .fold(until, Instant::min);
            let wait = due.saturating_duration_since(now).clamp(Duration::from_micros(100), MAX_WAIT);
            let _ = self.socket.set_read_timeout(Some(wait));
            match self.socket.recv_from(&mut self.buffer) {
                Ok((n, from)) => {
                    let bytes = self.buffer[..n].to_vec();
                    match &mut self.path {
                        Some(path) => path.take(Direction::FromTarget, Instant::now(), from, bytes),
                        None => self.take_in(from, bytes),
                    }
                }
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                // On Linux an ICMP port unreachable from an earlier send surfaces here.
                Err(e) => tracing::debug!("reference peer socket: {e}"),
            }
        }
    }

    /// From now on the remote's Binding requests (its connectivity and consent checks) are
    /// recorded and dropped before the ICE agent sees them: the remote gets no more consent
    /// (RFC 7675), while everything else goes on.
    pub fn withhold_consent(&mut self) {
        self.stages.push(Box::new(WithholdConsent));
    }

    /// A datagram from the target reaches the harness's stack: recorded, then through the
    /// stages, if any, to the connection.
    fn take_in(&mut self, from: SocketAddr, bytes: Vec<u8>) {
        self.record(from, self.local, &bytes);
        let bytes = if self.stages.is_empty() {
            bytes
        } else {
            match self.through_stages(from, |stages, wire| stages.inbound(wire, bytes)).0 {
                Some(bytes) => bytes,
                None => return,
            }
        };
        let message = TaggedBytesMut {
            now: Instant::now(),
            transport: TransportContext {
                local_addr: self.local,
                peer_addr: from,
                transport_protocol: TransportProtocol::UDP,
                ecn: None,
            },
            message: BytesMut::from(&bytes[..]),
        };
        if let Err(e) = self.pc.handle_read(message) {
            tracing::debug!("reference peer dropped a datagram from {from}: {e}");
        }
    }
}
