//! str0m as a live peer, in process: its sans-IO `Rtc` on a loopback socket of its own,
//! serving the peer operations like any shim (`--target str0m`, `rtcspec peer-shim --stack
//! str0m`).
//!
//! str0m has no key-log API, so `peer.keylog` is unsupported; the harness's side logs the
//! same secret, so the calls still decrypt.

use std::collections::{HashMap, VecDeque};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::channel::{ChannelConfig, ChannelId, Reliability};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};

use super::event::{ChannelInfo, Payload, PeerEvent};
use super::harness_peer::ChannelSpec;
use super::serve::{PeerConnection, PeerStack};

/// What `hello` reports for str0m.
/// The crate versions this target runs (its STUN responder in the engine is `is`, str0m's
/// ICE agent, on its own).
pub const VERSION: &str = "0.25 (ICE agent: is 0.12)";

/// Datagrams bigger than this are not WebRTC's (RFC 8261 §5 keeps DTLS under the path MTU).
const RECEIVE_BUFFER: usize = 2048;
/// The longest the loop blocks on its socket, so a caller's deadline is kept.
const MAX_WAIT: Duration = Duration::from_millis(5);

pub struct Str0mStack;

impl PeerStack for Str0mStack {
    type Connection = Str0mPeer;

    fn hello(&self) -> (&'static str, &'static str) {
        ("str0m", VERSION)
    }

    fn start(&self, faults: &[String]) -> Result<Str0mPeer, String> {
        if !faults.is_empty() {
            return Err(format!("str0m knows no faults (asked for {faults:?})"));
        }
        Str0mPeer::new()
    }
}

/// One str0m peer connection with a host candidate on 127.0.0.1.
pub struct Str0mPeer {
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    /// Channels asked for before the offer: str0m adds them to the offer it makes.
    wanted: Vec<ChannelConfig>,
    pending: Option<SdpPendingOffer>,
    channels: HashMap<ChannelId, String>,
    events: VecDeque<PeerEvent>,
    buffer: Vec<u8>,
    /// The connection failed (str0m returned an error from its loop); it is not run again.
    dead: bool,
}

fn config_of(spec: &ChannelSpec) -> ChannelConfig {
    let reliability = match (spec.max_retransmits, spec.max_packet_life_time) {
        (Some(retransmits), _) => Reliability::MaxRetransmits { retransmits },
        (None, Some(lifetime)) => Reliability::MaxPacketLifetime { lifetime },
        (None, None) => Reliability::Reliable,
    };
    ChannelConfig {
        label: spec.label.clone(),
        ordered: spec.ordered,
        reliability,
        negotiated: spec.negotiated_id,
        protocol: spec.protocol.clone(),
    }
}

fn ice_state_name(state: IceConnectionState) -> &'static str {
    match state {
        IceConnectionState::New => "new",
        IceConnectionState::Checking => "checking",
        IceConnectionState::Connected => "connected",
        IceConnectionState::Completed => "completed",
        IceConnectionState::Disconnected => "disconnected",
    }
}

impl Str0mPeer {
    pub fn new() -> Result<Str0mPeer, String> {
        let socket = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("cannot bind a loopback UDP socket: {e}"))?;
        let local = socket.local_addr().map_err(|e| format!("loopback socket address: {e}"))?;
        // RTP mode: every RTP packet str0m takes in past SRTP is an event (the replay cases
        // count them), with no depacketizer or jitter buffer between that drops or holds any.
        let mut rtc = Rtc::builder().set_rtp_mode(true).build(Instant::now());
        let host = Candidate::host(local, "udp").map_err(|e| format!("str0m host candidate: {e}"))?;
        rtc.add_local_candidate(host);
        Ok(Str0mPeer {
            rtc,
            socket,
            local,
            wanted: Vec::new(),
            pending: None,
            channels: HashMap::new(),
            events: VecDeque::new(),
            buffer: vec![0; RECEIVE_BUFFER],
            dead: false,
        })
    }

    fn channel_id(&self, label: &str) -> Result<ChannelId, String> {
        self.channels
            .iter()
            .find(|(_, l)| *l == label)
            .map(|(id, _)| *id)
            .ok_or_else(|| format!("no data channel {label:?}"))
    }

    fn stream_of(&mut self, id: ChannelId) -> Option<u16> {
        self.rtc.direct_api().sctp_stream_id_by_channel_id(id)
    }

    fn on_event(&mut self, event: Event) {
        let event = match event {
            Event::IceConnectionStateChange(s) => PeerEvent::IceState(ice_state_name(s).into()),
            Event::Connected => PeerEvent::ConnectionState("connected".into()),
            Event::ChannelOpen(id, label) => {
                self.channels.insert(id, label.clone());
                let stream = self.stream_of(id);
                let config = self.rtc.channel(id).and_then(|c| c.config().cloned());
                let (max_retransmits, max_packet_life_time) = match config.as_ref().map(|c| c.reliability) {
                    Some(Reliability::MaxRetransmits { retransmits }) => (Some(retransmits), None),
                    Some(Reliability::MaxPacketLifetime { lifetime }) => (None, Some(lifetime)),
                    _ => (None, None),
                };
                PeerEvent::ChannelOpen(ChannelInfo {
                    label,
                    stream,
                    ordered: config.as_ref().is_none_or(|c| c.ordered),
                    protocol: config.map(|c| c.protocol).unwrap_or_default(),
                    max_retransmits,
                    max_packet_life_time,
                })
            }
            Event::ChannelData(data) => PeerEvent::Message {
                label: self.channels.get(&data.id).cloned().unwrap_or_default(),
                stream: self.stream_of(data.id),
                payload: if data.binary {
                    Payload::Binary(data.data)
                } else {
                    // A text message that is not UTF-8 is the sender's fault; keep its bytes.
                    match String::from_utf8(data.data) {
                        Ok(t) => Payload::Text(t),
                        Err(e) => Payload::Binary(e.into_bytes()),
                    }
                },
            },
            Event::ChannelClose(id) => PeerEvent::ChannelClose {
                label: self.channels.get(&id).cloned().unwrap_or_default(),
                stream: self.stream_of(id),
            },
            Event::RtpPacket(p) => PeerEvent::Rtp { ssrc: *p.header.ssrc, seq: p.header.sequence_number },
            _ => return,
        };
        self.events.push_back(event);
    }

    /// Sends and reports whatever str0m has to; the time it next wants a timeout.
    fn drain(&mut self) -> Option<Instant> {
        while !self.dead {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(at)) => return Some(at),
                Ok(Output::Transmit(t)) => {
                    // rtcspec sends to loopback only (its host candidate is the only one).
                    if t.destination.ip().is_loopback() {
                        if let Err(e) = self.socket.send_to(&t.contents, t.destination) {
                            tracing::debug!("str0m peer socket: {e}");
                        }
                    }
                }
                Ok(Output::Event(e)) => self.on_event(e),
                Err(e) => self.fail(format!("str0m stopped: {e}")),
            }
        }
        None
    }

    fn fail(&mut self, why: String) {
        self.dead = true;
        self.events.push_back(PeerEvent::Error(why));
        self.events.push_back(PeerEvent::ConnectionState("failed".into()));
    }

    fn input(&mut self, input: Input<'_>) {
        if let Err(e) = self.rtc.handle_input(input) {
            // str0m refuses datagrams it cannot use with an error; the connection goes on.
            tracing::debug!("str0m peer: {e}");
        }
    }
}

impl PeerConnection for Str0mPeer {
    fn create_channel(&mut self, spec: &ChannelSpec) -> Result<(), String> {
        if self.pending.is_some() || self.rtc.is_connected() {
            let id = self.rtc.direct_api().create_data_channel(config_of(spec));
            self.channels.insert(id, spec.label.clone());
        } else {
            self.wanted.push(config_of(spec));
        }
        Ok(())
    }

    fn offer(&mut self) -> Result<String, String> {
        let mut api = self.rtc.sdp_api();
        let mut made = Vec::new();
        for config in self.wanted.drain(..) {
            let label = config.label.clone();
            made.push((api.add_channel_with_config(config), label));
        }
        let (offer, pending) = api.apply().ok_or("str0m has nothing to offer (no data channel asked for)")?;
        self.channels.extend(made);
        self.pending = Some(pending);
        Ok(offer.to_sdp_string())
    }

    fn answer(&mut self, offer: &str) -> Result<String, String> {
        let offer = SdpOffer::from_sdp_string(offer).map_err(|e| format!("the offer: {e}"))?;
        let answer = self.rtc.sdp_api().accept_offer(offer).map_err(|e| format!("accept_offer: {e}"))?;
        Ok(answer.to_sdp_string())
    }

    fn accept(&mut self, answer: &str) -> Result<(), String> {
        let pending = self.pending.take().ok_or("no offer of ours is pending")?;
        let answer = SdpAnswer::from_sdp_string(answer).map_err(|e| format!("the answer: {e}"))?;
        self.rtc.sdp_api().accept_answer(pending, answer).map_err(|e| format!("accept_answer: {e}"))
    }

    fn add_remote_candidate(&mut self, candidate: &str, _mid: &str) -> Result<(), String> {
        if candidate.is_empty() {
            // str0m never ends trickle ICE; end of candidates changes nothing in it.
            return Ok(());
        }
        let c = Candidate::from_sdp_string(candidate).map_err(|e| format!("candidate {candidate:?}: {e}"))?;
        self.rtc.add_remote_candidate(c);
        Ok(())
    }

    fn send(&mut self, label: &str, payload: &Payload) -> Result<(), String> {
        let id = self.channel_id(label)?;
        let mut channel = self.rtc.channel(id).ok_or_else(|| format!("data channel {label:?} is not open"))?;
        let accepted = match payload {
            Payload::Text(t) => channel.write(false, t.as_bytes()),
            Payload::Binary(b) => channel.write(true, b),
        }
        .map_err(|e| format!("write: {e}"))?;
        if accepted {
            Ok(())
        } else {
            Err(format!("str0m did not take the message on {label:?} (its buffer is full)"))
        }
    }

    fn close_channel(&mut self, label: &str) -> Result<(), String> {
        let id = self.channel_id(label)?;
        self.rtc.direct_api().close_data_channel(id);
        Ok(())
    }

    fn keylog_lines(&self) -> Option<Vec<String>> {
        None
    }

    fn close(&mut self) -> Result<(), String> {
        self.rtc.disconnect();
        Ok(())
    }

    fn run_until(&mut self, until: Instant) {
        loop {
            let due = self.drain();
            if self.dead {
                std::thread::sleep(until.saturating_duration_since(Instant::now()));
                return;
            }
            let now = Instant::now();
            if due.is_some_and(|d| d <= now) {
                self.input(Input::Timeout(now));
                continue;
            }
            if now >= until {
                return;
            }
            let wait = due.unwrap_or(until).min(until).saturating_duration_since(now);
            let _ = self.socket.set_read_timeout(Some(wait.clamp(Duration::from_micros(100), MAX_WAIT)));
            match self.socket.recv_from(&mut self.buffer) {
                Ok((n, source)) => {
                    let bytes = self.buffer[..n].to_vec();
                    match bytes.as_slice().try_into() {
                        Ok(contents) => {
                            let receive = Receive { proto: Protocol::Udp, source, destination: self.local, contents };
                            self.input(Input::Receive(Instant::now(), receive));
                        }
                        // Not STUN, DTLS, RTP or RTCP to str0m (RFC 7983): dropped, as its
                        // own socket loop would.
                        Err(e) => tracing::debug!("str0m peer dropped a datagram from {source}: {e}"),
                    }
                }
                // A wait that ends without a datagram is a timeout input, as in str0m's own
                // examples: its ICE agent reports no deadline until it has seen a first one,
                // so a peer that only ever waited for its deadline would never send a check.
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    self.input(Input::Timeout(Instant::now()))
                }
                Err(e) => tracing::debug!("str0m peer socket: {e}"),
            }
        }
    }

    fn next_event(&mut self) -> Option<PeerEvent> {
        self.events.pop_front()
    }
}
