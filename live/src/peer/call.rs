//! One live call between the harness's reference peer and a target peer: signaling over
//! the peer operations, both sides run while the harness waits, and the evidence a case
//! keeps (the pcapng of every datagram and the key log).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;

use super::event::PeerEvent;
use super::harness_peer::{ChannelSpec, HarnessPeer, PeerOptions};
use super::remote::RemotePeer;
use crate::TargetError;

/// What a report keeps of each live call a case made: who was the DTLS client, the DTLS
/// versions its ClientHello offered and the one the ServerHello chose. The harness speaks
/// DTLS 1.2 only, so a target that offers 1.3 shows here what it settled for.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallRecord {
    /// "harness" or "target"; absent when no ClientHello was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtls_client: Option<String>,
    /// The versions the ClientHello offered, as it listed them ("DTLS 1.3", "DTLS 1.2").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dtls_offered: Vec<String>,
    /// The version the ServerHello chose; absent when none was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtls_version: Option<String>,
}

impl CallRecord {
    /// Read off the datagrams of the harness's socket at `harness`.
    pub fn of(datagrams: &[crate::net::Datagram], harness: std::net::SocketAddr) -> CallRecord {
        use rtcspec_wire::dtls::version_name;
        let view = super::view::WireView::read(datagrams, harness, &[]);
        CallRecord {
            dtls_client: view.dtls_client.map(|side| match side {
                super::view::Side::Harness => "harness".to_string(),
                super::view::Side::Target => "target".to_string(),
            }),
            dtls_offered: view.offered_versions().iter().map(|v| version_name(*v)).collect(),
            dtls_version: view.negotiated_version().map(version_name),
        }
    }

    /// "DTLS 1.2 (the target, DTLS client, offered DTLS 1.3, DTLS 1.2)", for reports.
    pub fn describe(&self) -> String {
        let version = self.dtls_version.clone().unwrap_or_else(|| "no ServerHello".into());
        match &self.dtls_client {
            Some(client) => format!("{version} (the {client}, DTLS client, offered {})", self.dtls_offered.join(", ")),
            None => version,
        }
    }
}

/// Why a call did not come up, in words a report can quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The harness's side failed (environment).
    Harness(String),
    /// The target refused a request (its message).
    Refused { op: String, error: String },
    /// The target crashed, hung or broke the protocol.
    Target(TargetError),
    /// What was awaited did not happen in time.
    Timeout(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Harness(e) => write!(f, "the harness's reference peer failed: {e}"),
            CallError::Refused { op, error } => write!(f, "the target refused {op}: {error}"),
            CallError::Target(e) => write!(f, "{e}"),
            CallError::Timeout(what) => write!(f, "timed out waiting for {what}"),
        }
    }
}

impl From<TargetError> for CallError {
    fn from(e: TargetError) -> CallError {
        CallError::Target(e)
    }
}

/// How long the harness runs its own side between looks at the target's events.
const SLICE: Duration = Duration::from_millis(2);

pub struct Call<'t> {
    pub harness: HarnessPeer,
    target: &'t mut dyn RemotePeer,
    /// Every event each side reported, in order.
    pub harness_events: Vec<PeerEvent>,
    pub target_events: Vec<PeerEvent>,
    /// The descriptions exchanged, kept as evidence.
    pub offer: Option<String>,
    pub answer: Option<String>,
    harness_offered: bool,
    /// Changes the harness's description before the target gets it (hostile cases: a wrong
    /// fingerprint, odd letter case). The evidence keeps what the target got.
    pub rewrite_harness_sdp: Option<fn(&str) -> String>,
}

impl<'t> Call<'t> {
    /// A fresh reference peer for the harness and a fresh peer connection in the target.
    pub fn start(target: &'t mut dyn RemotePeer, target_role: &str) -> Result<Call<'t>, CallError> {
        Call::start_with(target, target_role, PeerOptions::default())
    }

    pub fn start_with(
        target: &'t mut dyn RemotePeer,
        target_role: &str,
        options: PeerOptions,
    ) -> Result<Call<'t>, CallError> {
        let network = target.network().map_err(CallError::Harness)?;
        let harness = HarnessPeer::on(&network, options).map_err(CallError::Harness)?;
        let mut call = Call {
            harness,
            target,
            harness_events: Vec::new(),
            target_events: Vec::new(),
            offer: None,
            answer: None,
            harness_offered: false,
            rewrite_harness_sdp: None,
        };
        call.request("peer.start", json!({"role": target_role}))?;
        Ok(call)
    }

    /// One request to the target; `ok:false` is [`CallError::Refused`].
    pub fn request(&mut self, op: &str, mut fields: serde_json::Value) -> Result<serde_json::Value, CallError> {
        fields["op"] = json!(op);
        let answer = self.target.call(fields)?;
        if answer["ok"] == json!(true) {
            Ok(answer)
        } else {
            Err(CallError::Refused {
                op: op.into(),
                error: answer["error"].as_str().unwrap_or("no reason given").into(),
            })
        }
    }

    /// The target's description (its offer or its answer) and the harness's.
    pub fn descriptions(&self) -> (Option<&str>, Option<&str>) {
        let (offer, answer) = (self.offer.as_deref(), self.answer.as_deref());
        if self.harness_offered {
            (answer, offer)
        } else {
            (offer, answer)
        }
    }

    /// The address the target's datagrams come from (its selected candidate), once it sent one.
    pub fn target_addr(&self) -> Option<std::net::SocketAddr> {
        let local = self.harness.local_addr();
        self.harness.datagrams().iter().find(|d| d.to == local && d.from != local).map(|d| d.from)
    }

    /// Sends a crafted STUN request to the target and waits up to `wait` (running the call)
    /// for the target's response with the same transaction id.
    pub fn transact(
        &mut self,
        to: std::net::SocketAddr,
        request: &[u8],
        wait: Duration,
    ) -> Result<Option<rtcspec_wire::stun::Message>, CallError> {
        let txid = request.get(8..20).map(<[u8]>::to_vec).unwrap_or_default();
        let from = self.harness.datagrams().len();
        self.harness.inject(to, request).map_err(CallError::Harness)?;
        let until = Instant::now() + wait;
        let local = self.harness.local_addr();
        loop {
            let found = self.harness.datagrams()[from..]
                .iter()
                .filter(|d| d.to == local && d.from == to)
                .filter_map(|d| rtcspec_wire::stun::Message::parse(&d.bytes).ok())
                .find(|m| m.transaction_id[..] == txid[..] && m.class != rtcspec_wire::stun::Class::Request);
            if found.is_some() || Instant::now() >= until {
                return Ok(found);
            }
            self.step()?;
        }
    }

    /// Runs both sides for a while, collecting events.
    pub fn run_for(&mut self, duration: Duration) -> Result<(), CallError> {
        let until = Instant::now() + duration;
        while Instant::now() < until {
            self.step()?;
        }
        Ok(())
    }

    fn step(&mut self) -> Result<(), CallError> {
        self.harness.run_until(Instant::now() + SLICE);
        while let Some(e) = self.harness.next_event() {
            self.harness_events.push(e);
        }
        while let Some(e) = self.target.next_event(Duration::ZERO)? {
            self.target_events.push(e);
        }
        Ok(())
    }

    /// Runs both sides until the target reports an event `wanted` accepts (also one it
    /// reported earlier), or `timeout` passes.
    pub fn wait_target(
        &mut self,
        what: &str,
        timeout: Duration,
        wanted: impl Fn(&PeerEvent) -> bool,
    ) -> Result<PeerEvent, CallError> {
        self.wait_for(false, &format!("the target to report {what}"), timeout, wanted)
    }

    /// The same for the harness's own events.
    pub fn wait_harness(
        &mut self,
        what: &str,
        timeout: Duration,
        wanted: impl Fn(&PeerEvent) -> bool,
    ) -> Result<PeerEvent, CallError> {
        self.wait_for(true, &format!("the harness's reference peer to report {what}"), timeout, wanted)
    }

    fn wait_for(
        &mut self,
        harness: bool,
        what: &str,
        timeout: Duration,
        wanted: impl Fn(&PeerEvent) -> bool,
    ) -> Result<PeerEvent, CallError> {
        let until = Instant::now() + timeout;
        loop {
            let events = if harness { &self.harness_events } else { &self.target_events };
            if let Some(e) = events.iter().find(|e| wanted(e)) {
                return Ok(e.clone());
            }
            if Instant::now() >= until {
                return Err(CallError::Timeout(what.to_string()));
            }
            self.step()?;
        }
    }

    /// The harness offers `channel`, the target answers; returns when both sides report the
    /// channel open.
    pub fn connect_harness_offering(&mut self, channel: &ChannelSpec, timeout: Duration) -> Result<(), CallError> {
        self.negotiate_harness_offering(channel)?;
        self.wait_open(&channel.label, timeout)
    }

    /// The signaling alone: the harness offers `channel`, the target answers.
    pub fn negotiate_harness_offering(&mut self, channel: &ChannelSpec) -> Result<(), CallError> {
        self.harness.create_channel(channel).map_err(CallError::Harness)?;
        self.harness_offered = true;
        let offer = self.harness.offer().map_err(CallError::Harness)?;
        let offer = self.rewrite_harness_sdp.map_or(offer.clone(), |f| f(&offer));
        self.offer = Some(offer.clone());
        let answer = self.request("peer.answer", json!({"sdp": offer}))?;
        let sdp = answer["sdp"].as_str().unwrap_or_default().to_string();
        self.answer = Some(sdp.clone());
        self.harness.accept(&sdp).map_err(|e| CallError::Harness(format!("the target's answer: {e}")))?;
        Ok(())
    }

    /// The target offers `channel`, the harness answers; returns when both sides report the
    /// channel open.
    pub fn connect_target_offering(&mut self, channel: &ChannelSpec, timeout: Duration) -> Result<(), CallError> {
        self.negotiate_target_offering(channel)?;
        self.wait_open(&channel.label, timeout)
    }

    /// Waits until the target reports ICE connected (or completed).
    pub fn wait_ice_connected(&mut self, timeout: Duration) -> Result<(), CallError> {
        let up = |e: &PeerEvent| matches!(e, PeerEvent::IceState(s) if s == "connected" || s == "completed");
        self.wait_target("ICE connected", timeout, up).map(|_| ())
    }

    /// The signaling alone: the target offers `channel`, the harness answers, the target
    /// accepts the answer.
    pub fn negotiate_target_offering(&mut self, channel: &ChannelSpec) -> Result<(), CallError> {
        self.target_create_channel(channel)?;
        let offer = self.request("peer.offer", json!({}))?;
        let sdp = offer["sdp"].as_str().unwrap_or_default().to_string();
        self.offer = Some(sdp.clone());
        let answer = self.harness.answer(&sdp).map_err(|e| CallError::Harness(format!("the target's offer: {e}")))?;
        let answer = self.rewrite_harness_sdp.map_or(answer.clone(), |f| f(&answer));
        self.answer = Some(answer.clone());
        self.request("peer.accept", json!({"sdp": answer}))?;
        Ok(())
    }

    /// Asks the target to create the data channel `channel` (before its offer, or in band
    /// with DCEP once the call is up).
    pub fn target_create_channel(&mut self, channel: &ChannelSpec) -> Result<(), CallError> {
        self.request(
            "peer.channel",
            json!({
                "label": channel.label, "ordered": channel.ordered, "protocol": channel.protocol,
                "max_retransmits": channel.max_retransmits, "max_packet_life_time": channel.max_packet_life_time,
                "negotiated_id": channel.negotiated_id,
            }),
        )
        .map(|_| ())
    }

    /// Trickles a remote candidate to the target (`peer.candidate`); `""` is the end of
    /// candidates.
    pub fn trickle_to_target(&mut self, candidate: &str, mid: &str) -> Result<(), CallError> {
        self.request("peer.candidate", json!({"candidate": candidate, "mid": mid})).map(|_| ())
    }

    /// Waits until both sides report the data channel `label` open.
    pub fn wait_open(&mut self, label: &str, timeout: Duration) -> Result<(), CallError> {
        let opened = |e: &PeerEvent| matches!(e, PeerEvent::ChannelOpen(c) if c.label == label);
        let started = Instant::now();
        self.wait_target(&format!("data channel {label:?} open"), timeout, opened)?;
        self.wait_harness(&format!("data channel {label:?} open"), timeout.saturating_sub(started.elapsed()), opened)?;
        Ok(())
    }

    /// The target sends `payload` on its data channel `label`.
    pub fn target_send(&mut self, label: &str, payload: &super::event::Payload) -> Result<(), CallError> {
        let mut fields = json!({"label": label});
        match payload {
            super::event::Payload::Text(t) => fields["text"] = json!(t),
            super::event::Payload::Binary(b) => {
                fields["hex"] = json!(b.iter().map(|x| format!("{x:02x}")).collect::<String>())
            }
        }
        self.request("peer.send", fields).map(|_| ())
    }

    /// The target closes its data channel `label`.
    pub fn target_close_channel(&mut self, label: &str) -> Result<(), CallError> {
        self.request("peer.close_channel", json!({"label": label})).map(|_| ())
    }

    /// The key log lines of both sides, each once: the harness's, then any the target adds.
    pub fn keylog(&mut self) -> Vec<String> {
        let mut lines = self.harness.keylog().lines();
        if let Ok(answer) = self.target.call(json!({"op": "peer.keylog"})) {
            for l in answer["lines"].as_array().into_iter().flatten().filter_map(|l| l.as_str()) {
                if !lines.iter().any(|k| k == l) {
                    lines.push(l.to_string());
                }
            }
        }
        lines
    }

    /// Writes `<dir>/<name>.pcapng` (every datagram of the harness's socket),
    /// `<dir>/<name>.keys`, and the descriptions as `<name>.offer.sdp` and
    /// `<name>.answer.sdp`; returns the first two paths.
    pub fn write_evidence(&mut self, dir: &Path, name: &str) -> std::io::Result<(PathBuf, PathBuf)> {
        std::fs::create_dir_all(dir)?;
        let pcap = dir.join(format!("{name}.pcapng"));
        let keys = dir.join(format!("{name}.keys"));
        let file = std::io::BufWriter::new(std::fs::File::create(&pcap)?);
        crate::net::pcapng::write(file, self.harness.datagrams(), self.harness.started_unix_us())?;
        let text: String = self.keylog().iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&keys, text)?;
        for (kind, sdp) in [("offer", &self.offer), ("answer", &self.answer)] {
            if let Some(sdp) = sdp {
                std::fs::write(dir.join(format!("{name}.{kind}.sdp")), sdp)?;
            }
        }
        Ok((pcap, keys))
    }
}
