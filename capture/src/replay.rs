//! The replay pipeline: frames → link → IP (reassembled) → UDP/TCP (framed) → TURN
//! (unwrapped) → RFC 7983 demultiplexing → per-flow analysis; then a summary and the
//! check verdicts in rtcspec's report schema.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::checks::{CheckId, Tallies, MAX_EXAMPLES};
use super::dtls::DtlsSummary;
use super::file::{CaptureError, CaptureReader, Frame, Item};
use super::flow::{Flow, FlowKey, Flows, Transport};
use super::ip::{Reassembler, Step, TCP, UDP};
use super::link::{network, LinkError};
use super::rtp::RtpSummary;
use super::sctp::SctpSummary;
use super::sdp_info::SessionInfo;
use super::srtp::SrtpSummary;
use super::stun_flow::StunSummary;
use super::transport::{tcp, udp, TcpStreams};
use super::turn::{self, Channels, Peer};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::keys::srtp;
use rtcspec_wire::keys::KeyLog;

/// Warnings kept word for word; more are counted.
const MAX_WARNINGS: usize = 200;

#[derive(Default)]
pub struct ReplayOptions {
    pub session: SessionInfo,
    pub keylog: KeyLog,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FlowSummary {
    pub transport: Transport,
    pub a: String,
    pub b: String,
    /// For traffic unwrapped from TURN (`a`/`b` are client and server): the peer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relayed_peer: Option<String>,
    pub first_packet: u64,
    /// Datagrams a→b and b→a.
    pub datagrams: [u64; 2],
    pub bytes: [u64; 2],
    pub protocols: BTreeMap<Protocol, u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stun: Option<StunSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtls: Option<DtlsSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<RtpSummary>,
    /// With a key log: what decrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srtp: Option<SrtpSummary>,
    /// With a key log: the SCTP association inside DTLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sctp: Option<SctpSummary>,
}

/// What a capture holds, as `report.json` records it under `capture`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CaptureSummary {
    pub file: String,
    pub packets: u64,
    pub duration_ms: u64,
    /// Datagrams per protocol on WebRTC flows, as they crossed the network (a TURN
    /// ChannelData message counts as turn-channel, a Send indication as stun).
    pub protocols: BTreeMap<Protocol, u64>,
    /// What TURN relayed inside ChannelData and Send/Data indications, per protocol.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub relayed: BTreeMap<Protocol, u64>,
    pub webrtc_flows: usize,
    /// Packets not judged, by reason (not IP, not UDP/TCP, other traffic, ...).
    pub skipped: BTreeMap<String, u64>,
    /// WebRTC flows (those where a valid STUN message or DTLS record was seen).
    pub flows: Vec<FlowSummary>,
    pub warnings: Vec<String>,
    pub warnings_total: u64,
    /// Key log lines read, and sessions they cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_log: Option<KeyLogSummary>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct KeyLogSummary {
    pub lines: usize,
    pub sessions: usize,
    /// WebRTC flows whose DTLS ClientHello random the key log holds (a session relayed
    /// through TURN counts on each leg it crosses).
    pub flows_covered: usize,
}

pub struct Replay {
    options: ReplayOptions,
    reassembler: Reassembler,
    streams: TcpStreams,
    flows: Flows,
    channels: Channels,
    summary: CaptureSummary,
    first: Option<Duration>,
    last: Duration,
    unknown_links: Vec<u32>,
    /// When extracting seeds: every datagram by format, and decrypted SCTP.
    seeds: Option<super::extract::Seeds>,
}

impl Replay {
    /// Also collects fuzzing seeds (see `extract::Seeds`); take them with `take_seeds`.
    pub fn collect_seeds(mut self, per_format: usize) -> Replay {
        self.seeds = Some(super::extract::Seeds::new(per_format));
        self
    }

    pub fn take_seeds(&mut self) -> Option<super::extract::Seeds> {
        self.seeds.take()
    }

    pub fn new(file: &str, options: ReplayOptions) -> Replay {
        Replay {
            options,
            reassembler: Reassembler::default(),
            streams: TcpStreams::default(),
            flows: Flows::default(),
            channels: Channels::default(),
            summary: CaptureSummary { file: file.to_string(), ..CaptureSummary::default() },
            first: None,
            last: Duration::ZERO,
            unknown_links: Vec::new(),
            seeds: None,
        }
    }

    fn warn(&mut self, text: String) {
        self.summary.warnings_total += 1;
        if self.summary.warnings.len() < MAX_WARNINGS {
            self.summary.warnings.push(text);
        }
    }

    fn skip(&mut self, why: &str) {
        *self.summary.skipped.entry(why.to_string()).or_default() += 1;
    }

    /// Reads a whole capture. A damaged file ends the reading early: what was read is
    /// still analysed, and the error is returned beside the result.
    pub fn read<R: std::io::Read>(mut self, reader: &mut CaptureReader<R>) -> (ReplayResult, Option<CaptureError>) {
        let error = self.read_all(reader);
        (self.finish(), error)
    }

    /// Feeds every item of `reader`; returns the read error that stopped it, if one did.
    pub fn read_all<R: std::io::Read>(&mut self, reader: &mut CaptureReader<R>) -> Option<CaptureError> {
        let mut error = None;
        while let Some(item) = reader.next_item() {
            match item {
                Ok(Item::Frame(f)) => self.frame(&f),
                Ok(Item::KeyLog(text)) => self.add_key_log(&text),
                Err(e) => {
                    self.warn_read_error(&e);
                    error = Some(e);
                }
            }
        }
        error
    }

    /// A key log embedded in the capture (pcapng Decryption Secrets Block).
    pub fn add_key_log(&mut self, text: &[u8]) {
        let name = format!("{} (embedded key log)", self.summary.file);
        self.options.keylog.add(&name, text);
    }

    pub fn warn_read_error(&mut self, e: &CaptureError) {
        self.warn(e.to_string());
    }

    pub fn frame(&mut self, f: &Frame<'_>) {
        self.summary.packets += 1;
        self.first.get_or_insert(f.timestamp);
        self.last = self.last.max(f.timestamp);
        let cut = (f.original_len as usize) > f.data.len();
        let (net, packet) = match network(f.link_type, f.data) {
            Ok(x) => x,
            Err(LinkError::NotIp) => return self.skip("not IP"),
            Err(LinkError::UnknownLinkType(t)) => {
                if !self.unknown_links.contains(&t) {
                    self.unknown_links.push(t);
                    self.warn(format!("packet {}: {}", f.number, LinkError::UnknownLinkType(t)));
                }
                return self.skip("unknown link type");
            }
            Err(e) => {
                self.warn(format!("packet {}: {e}", f.number));
                return self.skip("malformed");
            }
        };
        let ip = match self.reassembler.push(net, packet, f.number, f.timestamp) {
            Ok(Step::Packet(p)) => p,
            Ok(Step::Pending) => return,
            Err(e) => {
                let why = if cut {
                    format!("{e}; the packet was cut to {} of {} bytes", f.data.len(), f.original_len)
                } else {
                    e.to_string()
                };
                self.warn(format!("packet {}: {why}", f.number));
                return self.skip(if cut { "cut by the snap length" } else { "malformed" });
            }
        };
        for abandoned in self.reassembler.take_abandoned(false) {
            self.warn(abandoned.to_string());
        }
        match ip.protocol {
            UDP => match udp(&ip.payload) {
                Ok((sp, dp, payload)) => {
                    let (src, dst) = (SocketAddr::new(ip.src, sp), SocketAddr::new(ip.dst, dp));
                    self.signaling_seeds(payload);
                    self.datagram(Transport::Udp, src, dst, None, payload, f.number, f.timestamp, 0);
                }
                Err(e) => {
                    self.warn(format!("packet {}: {e}", f.number));
                    self.skip(if cut { "cut by the snap length" } else { "malformed" });
                }
            },
            TCP => match tcp(&ip.payload) {
                Ok(seg) => {
                    let (src, dst) = (SocketAddr::new(ip.src, seg.src_port), SocketAddr::new(ip.dst, seg.dst_port));
                    self.signaling_seeds(seg.payload);
                    let mut warnings = Vec::new();
                    let messages = self.streams.push(src, dst, &seg, &mut warnings);
                    for w in warnings {
                        self.warn(format!("packet {}: TCP {} → {}: {}", f.number, w.from, w.to, w.why));
                    }
                    for m in messages {
                        self.datagram(Transport::Tcp, src, dst, None, &m.bytes, f.number, f.timestamp, 0);
                    }
                }
                Err(e) => {
                    self.warn(format!("packet {}: {e}", f.number));
                    self.skip("malformed");
                }
            },
            _ => self.skip("not UDP or TCP"),
        }
    }

    /// When extracting seeds: SDPs sent in the clear by the application's signaling.
    fn signaling_seeds(&mut self, payload: &[u8]) {
        let Some(seeds) = &mut self.seeds else { return };
        // Cheap test first: every SDP holds "v=0".
        if payload.len() < 16 || !payload.windows(3).any(|w| w == b"v=0") && payload.first() != Some(&0x81) {
            return;
        }
        for sdp in super::signaling::sdps_in(payload) {
            seeds.add("sdp", &sdp);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn datagram(
        &mut self,
        transport: Transport,
        src: SocketAddr,
        dst: SocketAddr,
        relayed: Option<Peer>,
        d: &[u8],
        number: u64,
        at: Duration,
        depth: u8,
    ) {
        let (key, direction) = FlowKey::of(transport, src, dst, relayed);
        let protocol = classify(d);
        if let (Some(seeds), false) = (&mut self.seeds, matches!(protocol, Protocol::Zrtp | Protocol::Unknown)) {
            seeds.add(protocol.name(), d);
        }
        let session = &self.options.session;
        let Some(flow) = self.flows.get(key, number, at) else { return };
        flow.last_seen = at;
        flow.datagrams[direction.index()] += 1;
        flow.bytes[direction.index()] += d.len() as u64;
        flow.protocols[protocol as usize] += 1;
        let mut inner: Option<(Peer, std::borrow::Cow<'_, [u8]>)> = None;
        match protocol {
            Protocol::Stun => {
                if d.get(4..8) == Some(&[0x21, 0x12, 0xA4, 0x42]) {
                    flow.webrtc = true;
                }
                if let Some(m) = flow.stun.datagram(d, direction, number, at, session, &mut flow.tallies) {
                    self.channels.observe(key.a, key.b, &m);
                    if let Some(r) = turn::indication(&m) {
                        inner = Some((r.peer, std::borrow::Cow::Owned(r.data.to_vec())));
                    }
                }
            }
            Protocol::Dtls => {
                if flow.dtls.datagram(d, direction, number, session, &mut flow.tallies) {
                    flow.webrtc = true;
                }
                flow.dtls.key_records(&self.options.keylog);
                for sctp in flow.dtls.take_application_data() {
                    if let Some(seeds) = &mut self.seeds {
                        if rtcspec_wire::sctp::looks_like_sctp(&sctp) {
                            seeds.add("sctp", &sctp);
                        }
                    }
                    flow.sctp.packet(&sctp, direction, number, &mut flow.tallies);
                }
            }
            Protocol::Rtp | Protocol::Rtcp => {
                let rtcp = protocol == Protocol::Rtcp;
                if rtcp {
                    flow.rtp.rtcp(d);
                } else {
                    flow.rtp.rtp(d);
                }
                flow.dtls.media(number);
                if !flow.srtp.is_keyed() {
                    let keylog = &self.options.keylog;
                    let keying = flow.dtls.keying_inputs().and_then(|k| {
                        let secret = keylog.secrets(k.client_random)?.master_secret.as_ref()?;
                        let keys =
                            srtp::keying(secret, k.client_random, k.server_random, k.cipher_suite, k.srtp_profile)?;
                        Some((k.client, keys))
                    });
                    if let Some((client, k)) = keying {
                        if let Err(e) = flow.srtp.key(&k, client) {
                            flow.tallies.get(CheckId::SrtpAuthenticated).unavailable.get_or_insert(e);
                        }
                    }
                }
                flow.srtp.packet(d, rtcp, direction, number, &mut flow.tallies);
            }
            Protocol::TurnChannel => match rtcspec_wire::turn::channel_data(d) {
                Ok((channel, data)) => {
                    flow.tallies.get(CheckId::TurnChannelData).pass();
                    inner = Some((self.channels.peer(key.a, key.b, channel), std::borrow::Cow::Borrowed(data)));
                }
                Err(e) => flow.tallies.get(CheckId::TurnChannelData).fail(|| format!("packet {number}: {e}")),
            },
            Protocol::Zrtp | Protocol::Unknown => {}
        }
        // One level of relaying: TURN inside TURN is not a WebRTC shape.
        if let (Some((peer, data)), 0) = (inner, depth) {
            self.datagram(transport, src, dst, Some(peer), &data, number, at, 1);
        }
    }

    pub fn finish(mut self) -> ReplayResult {
        for abandoned in self.reassembler.take_abandoned(true) {
            self.warn(abandoned.to_string());
        }
        let mut tallies = Tallies::default();
        let session = &self.options.session;
        let mut flows = Vec::new();
        for flow in &mut self.flows.flows {
            flow.stun.finish();
            flow.dtls.finish(session, &mut flow.tallies);
            flow.sctp.finish(&mut flow.tallies);
            if !flow.webrtc {
                *self.summary.skipped.entry("other traffic (no STUN or DTLS seen on the flow)".into()).or_default() +=
                    flow.datagrams.iter().sum::<u64>();
                continue;
            }
            tallies.merge(&flow.tallies);
            let totals =
                if flow.key.relayed.is_some() { &mut self.summary.relayed } else { &mut self.summary.protocols };
            for (p, n) in flow.protocol_counts() {
                *totals.entry(p).or_default() += n;
            }
            flows.push(flow_summary(flow));
        }
        if self.flows.untracked > 0 {
            self.summary
                .skipped
                .insert(format!("flows beyond the first {}", super::flow::MAX_FLOWS), self.flows.untracked);
        }
        // Checks that need input the user did not give.
        if session.passwords.is_empty() && tallies.of(CheckId::StunIntegrity).checked == 0 {
            tallies.get(CheckId::StunIntegrity).unavailable =
                Some("give the call's SDPs with --sdp to check MESSAGE-INTEGRITY with their ice-pwd".into());
        }
        if tallies.of(CheckId::SrtpAuthenticated).checked == 0 && self.summary.protocols.contains_key(&Protocol::Rtp) {
            let why = if self.flows.flows.iter().any(|f| f.webrtc && f.dtls.is_dtls13()) {
                "the DTLS session is DTLS 1.3; rtcspec does not derive SRTP keys from a DTLS 1.3 key log yet"
            } else if self.options.keylog.lines == 0 {
                "give the DTLS key log with --keylog to decrypt and authenticate SRTP"
            } else {
                "the key log holds no master secret for the DTLS sessions of this capture"
            };
            tallies.get(CheckId::SrtpAuthenticated).unavailable.get_or_insert_with(|| why.to_string());
        }
        self.summary.webrtc_flows = flows.len();
        self.summary.flows = flows;
        self.summary.duration_ms = self.first.map_or(0, |f| self.last.saturating_sub(f).as_millis() as u64);
        for w in std::mem::take(&mut self.options.keylog.warnings) {
            self.warn(w);
        }
        let keylog = &self.options.keylog;
        if keylog.lines > 0 {
            self.summary.key_log = Some(KeyLogSummary {
                lines: keylog.lines,
                sessions: keylog.sessions.len(),
                flows_covered: self
                    .flows
                    .flows
                    .iter()
                    .filter(|f| f.dtls.client_random().is_some_and(|r| keylog.secrets(r).is_some()))
                    .count(),
            });
        }
        ReplayResult { summary: self.summary, tallies }
    }
}

fn flow_summary(flow: &Flow) -> FlowSummary {
    let has = |p: Protocol| flow.protocols[p as usize] > 0;
    FlowSummary {
        transport: flow.key.transport,
        a: flow.key.a.to_string(),
        b: flow.key.b.to_string(),
        relayed_peer: flow.key.relayed.map(|p| match p {
            Peer::Address(a) => a.to_string(),
            Peer::Channel(c) => format!("channel {c:#06x} (ChannelBind not captured)"),
        }),
        first_packet: flow.first_packet,
        datagrams: flow.datagrams,
        bytes: flow.bytes,
        protocols: flow.protocol_counts(),
        stun: has(Protocol::Stun).then(|| flow.stun.summary.clone()),
        dtls: has(Protocol::Dtls).then(|| flow.dtls.summary.clone()),
        media: (has(Protocol::Rtp) || has(Protocol::Rtcp)).then(|| flow.rtp.summary()),
        srtp: flow.srtp.is_keyed().then(|| flow.srtp.summary.clone()),
        sctp: (flow.sctp.summary.packets > 0).then(|| flow.sctp.summary.clone()),
    }
}

pub struct ReplayResult {
    pub summary: CaptureSummary,
    pub tallies: Tallies,
}

impl ReplayResult {
    /// The verdict of the check with this report id, if there is one.
    pub fn verdict_by_id(&self, id: &str) -> Option<rtcspec_engine::case::Outcome> {
        CheckId::ALL.iter().find(|c| c.spec().id == id).map(|c| self.verdict(*c))
    }

    /// The verdict of one check over the whole capture, for the report.
    pub fn verdict(&self, id: CheckId) -> rtcspec_engine::case::Outcome {
        use rtcspec_engine::case::Outcome;
        let t = self.tallies.of(id);
        if t.checked == 0 {
            return match &t.unavailable {
                Some(why) => Outcome::Unsupported { why: why.clone() },
                None => Outcome::Informational {
                    note: format!("nothing in the capture to check: {}", nothing_to_check(id)),
                },
            };
        }
        if t.violations == 0 {
            return Outcome::Pass;
        }
        let more = t.violations.saturating_sub(t.examples.len() as u64);
        let mut actual = format!("{} of {} broke it: {}", t.violations, t.checked, t.examples.join("; "));
        if more > 0 {
            actual.push_str(&format!("; and {more} more"));
        }
        debug_assert!(t.examples.len() <= MAX_EXAMPLES);
        Outcome::Fail { expected: format!("all {} conform", t.checked), actual, evidence: vec![] }
    }
}

fn nothing_to_check(id: CheckId) -> &'static str {
    match id {
        CheckId::StunWellFormed => "no datagram in the STUN range on a WebRTC flow",
        CheckId::StunFingerprint => "no STUN message with FINGERPRINT",
        CheckId::StunIntegrity => "no Binding request whose ufrag is in the SDPs given",
        CheckId::DtlsRecordWellFormed | CheckId::DtlsSeparateDatagrams | CheckId::DtlsRecordUnique => "no DTLS",
        CheckId::DtlsHelloVerifySequence => "no HelloVerifyRequest",
        CheckId::DtlsUseSrtpOffered | CheckId::DtlsUseSrtpMki => {
            "no ServerHello with use_srtp after a ClientHello with it"
        }
        CheckId::DtlsCertificateFingerprint => "no DTLS handshake",
        CheckId::TurnChannelData => "no TURN ChannelData",
        CheckId::TurnLongTermIntegrity => "no STUN request with USERNAME and REALM (long-term credentials)",
        CheckId::SrtpAuthenticated => "no SRTP or SRTCP",
        CheckId::SctpChecksum => "no decrypted SCTP packet (DTLS application data needs --keylog)",
        CheckId::DcepAcknowledged => "no DATA_CHANNEL_OPEN in decrypted SCTP",
    }
}

impl CaptureSummary {
    /// One row per flow for the human-readable reports: flow, datagrams, protocols, DTLS, notes.
    pub fn flow_rows(&self) -> Vec<[String; 5]> {
        self.flows
            .iter()
            .map(|f| {
                let relayed = f.relayed_peer.as_ref().map_or(String::new(), |p| format!(" (relayed to {p})"));
                let protocols =
                    f.protocols.iter().map(|(p, n)| format!("{} {n}", p.name())).collect::<Vec<_>>().join(", ");
                let dtls = f.dtls.as_ref().map_or(String::new(), |d| {
                    [d.version.clone(), d.cipher_suite.clone(), d.srtp_profile.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                let mut notes = Vec::new();
                if let Some(s) = &f.stun {
                    if s.nominated {
                        notes.push("ICE pair nominated".to_string());
                    }
                    if let (Some(lo), Some(hi)) = (s.rtt_min_ms, s.rtt_max_ms) {
                        notes.push(format!("STUN RTT {lo}-{hi} ms"));
                    }
                }
                if let Some(d) = &f.dtls {
                    notes.extend(d.alerts.iter().cloned());
                }
                [
                    format!("{} {} ↔ {}{relayed}", f.transport_name(), f.a, f.b),
                    format!("{} / {}", f.datagrams[0], f.datagrams[1]),
                    protocols,
                    dtls,
                    notes.join("; "),
                ]
            })
            .collect()
    }
}

impl FlowSummary {
    fn transport_name(&self) -> &'static str {
        match self.transport {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
        }
    }
}
