//! The shim protocol's peer operations (shims/PROTOCOL.md) served by the reference peer:
//! in process on a thread ([`super::remote::InProcessPeer`]) or over stdio
//! (`rtcspec peer-shim`, the reference as a separate process).

use std::io::{BufRead, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::event::{Payload, PeerEvent};
use super::harness_peer::{ChannelSpec, HarnessPeer, PeerOptions};
use super::stage::StageMaker;
use rtcspec_wire::stun::unhex;

/// How long a server runs its connection between looks for a request.
pub const SLICE: Duration = Duration::from_millis(2);

/// What `hello` reports: the webrtc-rs crates the reference peer is built from.
pub const VERSION: &str = "0.21 (rtc)";

fn text<'a>(request: &'a Value, key: &str) -> Result<&'a str, String> {
    request[key].as_str().ok_or_else(|| format!("{key} must be a string"))
}

fn optional_u16(request: &Value, key: &str) -> Result<Option<u16>, String> {
    match &request[key] {
        Value::Null => Ok(None),
        v => v
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("{key} must be 0..65535 or null")),
    }
}

fn channel_spec(request: &Value) -> Result<ChannelSpec, String> {
    Ok(ChannelSpec {
        label: text(request, "label")?.to_string(),
        ordered: request["ordered"].as_bool().unwrap_or(true),
        max_retransmits: optional_u16(request, "max_retransmits")?,
        max_packet_life_time: optional_u16(request, "max_packet_life_time")?,
        protocol: request["protocol"].as_str().unwrap_or_default().to_string(),
        negotiated_id: optional_u16(request, "negotiated_id")?,
    })
}

fn payload(request: &Value) -> Result<Payload, String> {
    match (request["text"].as_str(), request["hex"].as_str()) {
        (Some(t), _) => Ok(Payload::Text(t.to_string())),
        (None, Some(h)) => unhex(h).map(Payload::Binary),
        (None, None) => Err("peer.send needs \"text\" or \"hex\"".into()),
    }
}

/// A stack that serves the peer operations: `peer.start` makes a connection with it, the
/// other operations go to that connection.
pub trait PeerStack: Send + 'static {
    type Connection: PeerConnection;
    /// What `hello` answers: `implementation`, `version`.
    fn hello(&self) -> (&'static str, &'static str);
    /// A new peer connection; `faults` are those `peer.start` names (a mutant over a shim).
    fn start(&self, faults: &[String]) -> Result<Self::Connection, String>;
}

/// One peer connection of a [`PeerStack`]: the peer operations, and the loop that runs it.
/// `Err` is the stack's own message, which the answer quotes.
pub trait PeerConnection {
    fn create_channel(&mut self, spec: &ChannelSpec) -> Result<(), String>;
    fn offer(&mut self) -> Result<String, String>;
    fn answer(&mut self, offer: &str) -> Result<String, String>;
    fn accept(&mut self, answer: &str) -> Result<(), String>;
    fn add_remote_candidate(&mut self, candidate: &str, mid: &str) -> Result<(), String>;
    fn send(&mut self, label: &str, payload: &Payload) -> Result<(), String>;
    fn close_channel(&mut self, label: &str) -> Result<(), String>;
    /// The DTLS secrets as key log lines, or `None` when the stack cannot give them.
    fn keylog_lines(&self) -> Option<Vec<String>>;
    fn close(&mut self) -> Result<(), String>;
    /// Runs the connection until `until`: datagrams in and out, timers, events.
    fn run_until(&mut self, until: Instant);
    fn next_event(&mut self) -> Option<PeerEvent>;
}

/// The reference (webrtc-rs, the harness peer) as a peer stack, every connection made with
/// `options` and wrapped in the stages `faults` makes (the mutant's faults: the reference
/// takes none from `peer.start`).
pub struct ReferenceStack {
    pub options: PeerOptions,
    pub faults: Option<StageMaker>,
}

impl ReferenceStack {
    /// The reference as it is: webrtc-rs's defaults, no faults.
    pub fn plain() -> ReferenceStack {
        ReferenceStack { options: PeerOptions::default(), faults: None }
    }
}

impl PeerStack for ReferenceStack {
    type Connection = HarnessPeer;

    fn hello(&self) -> (&'static str, &'static str) {
        ("webrtc-rs", VERSION)
    }

    fn start(&self, faults: &[String]) -> Result<HarnessPeer, String> {
        if !faults.is_empty() {
            return Err("the reference peer takes its faults from the mutant target \
                (mutant:FAULT), not peer.start"
                .into());
        }
        let peer = HarnessPeer::with_options(self.options)?;
        Ok(match &self.faults {
            Some(make) => peer.with_faults(make()),
            None => peer,
        })
    }
}

impl PeerConnection for HarnessPeer {
    fn create_channel(&mut self, spec: &ChannelSpec) -> Result<(), String> {
        HarnessPeer::create_channel(self, spec)
    }
    fn offer(&mut self) -> Result<String, String> {
        HarnessPeer::offer(self)
    }
    fn answer(&mut self, offer: &str) -> Result<String, String> {
        HarnessPeer::answer(self, offer)
    }
    fn accept(&mut self, answer: &str) -> Result<(), String> {
        HarnessPeer::accept(self, answer)
    }
    fn add_remote_candidate(&mut self, candidate: &str, mid: &str) -> Result<(), String> {
        HarnessPeer::add_remote_candidate(self, candidate, mid)
    }
    fn send(&mut self, label: &str, payload: &Payload) -> Result<(), String> {
        HarnessPeer::send(self, label, payload)
    }
    fn close_channel(&mut self, label: &str) -> Result<(), String> {
        HarnessPeer::close_channel(self, label)
    }
    fn keylog_lines(&self) -> Option<Vec<String>> {
        Some(self.keylog().lines())
    }
    fn close(&mut self) -> Result<(), String> {
        HarnessPeer::close(self)
    }
    fn run_until(&mut self, until: Instant) {
        HarnessPeer::run_until(self, until)
    }
    fn next_event(&mut self) -> Option<PeerEvent> {
        HarnessPeer::next_event(self)
    }
}

/// A stack serving the peer operations: its current connection, replaced by `peer.start`.
pub struct Server<S: PeerStack> {
    stack: S,
    connection: Option<S::Connection>,
}

impl<S: PeerStack> Server<S> {
    pub fn new(stack: S) -> Server<S> {
        Server { stack, connection: None }
    }

    /// Answers one request (an `ok:false` answer quotes what went wrong).
    pub fn handle(&mut self, request: &Value) -> Value {
        let op = request["op"].as_str().unwrap_or_default();
        let mut answer = match self.dispatch(op, request) {
            Ok(mut fields) => {
                fields["ok"] = json!(true);
                fields
            }
            Err(error) if error.starts_with("unknown op") || error.starts_with("unsupported:") => {
                json!({"ok": false, "unsupported": true, "error": error})
            }
            Err(error) => json!({"ok": false, "error": error}),
        };
        if let Some(id) = request.get("id") {
            answer["id"] = id.clone();
        }
        answer
    }

    fn dispatch(&mut self, op: &str, request: &Value) -> Result<Value, String> {
        match op {
            "hello" => {
                let (implementation, version) = self.stack.hello();
                let capabilities = ["peer", "rtp-events"];
                return Ok(json!({"implementation": implementation, "version": version, "capabilities": capabilities}));
            }
            "shutdown" => return Ok(json!({})),
            "peer.start" => {
                let faults: Vec<String> = request["faults"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| f.as_str().map(str::to_string).ok_or("faults must be strings"))
                    .collect::<Result<_, _>>()?;
                self.connection = Some(self.stack.start(&faults)?);
                return Ok(json!({}));
            }
            _ => {}
        }
        let p = self.connection.as_mut().ok_or("no peer connection: send peer.start first")?;
        match op {
            "peer.channel" => p.create_channel(&channel_spec(request)?).map(|()| json!({})),
            "peer.offer" => p.offer().map(|sdp| json!({"sdp": sdp})),
            "peer.answer" => p.answer(text(request, "sdp")?).map(|sdp| json!({"sdp": sdp})),
            "peer.accept" => p.accept(text(request, "sdp")?).map(|()| json!({})),
            "peer.candidate" => p
                .add_remote_candidate(text(request, "candidate")?, request["mid"].as_str().unwrap_or("0"))
                .map(|()| json!({})),
            "peer.send" => p.send(text(request, "label")?, &payload(request)?).map(|()| json!({})),
            "peer.close_channel" => p.close_channel(text(request, "label")?).map(|()| json!({})),
            "peer.keylog" => match p.keylog_lines() {
                Some(lines) => Ok(json!({"lines": lines})),
                None => Err("unsupported: this stack gives no DTLS secrets".into()),
            },
            "peer.close" => p.close().map(|()| json!({})),
            _ => Err(format!("unknown op {op:?}")),
        }
    }

    /// Runs the current connection (if any) until `until`; sleeps when there is none.
    pub fn run_until(&mut self, until: Instant) {
        match self.connection.as_mut() {
            Some(p) => p.run_until(until),
            None => std::thread::sleep(until.saturating_duration_since(Instant::now())),
        }
    }

    pub fn next_event(&mut self) -> Option<PeerEvent> {
        self.connection.as_mut().and_then(PeerConnection::next_event)
    }
}

/// `rtcspec peer-shim`: a stack's peer over stdio, one JSON object per line, answers in
/// order and event lines as they happen. Ends on `shutdown` or the end of stdin.
pub fn serve_stdio<S: PeerStack>(stack: S) -> std::io::Result<()> {
    let (tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut server = Server::new(stack);
    loop {
        match lines.recv_timeout(SLICE) {
            Ok(line) if line.trim().is_empty() => {}
            Ok(line) => {
                let (answer, stop) = match serde_json::from_str::<Value>(&line) {
                    Ok(request) if request.is_object() => (server.handle(&request), request["op"] == "shutdown"),
                    Ok(_) => (json!({"id": null, "ok": false, "error": "request is not a JSON object"}), false),
                    Err(e) => {
                        (json!({"id": null, "ok": false, "error": format!("malformed request line: {e}")}), false)
                    }
                };
                writeln!(out, "{answer}")?;
                out.flush()?;
                if stop {
                    return Ok(());
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
        server.run_until(Instant::now() + SLICE);
        while let Some(event) = server.next_event() {
            writeln!(out, "{}", event.to_json())?;
        }
        out.flush()?;
    }
}
