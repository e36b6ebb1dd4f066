//! Out-of-process targets through the shim protocol (shims/PROTOCOL.md): one JSON object
//! per line over the child's stdio. The child is started once per run and restarted after
//! it crashes, hangs or prints garbage; each costs the current case only.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::in_process::IceCredentials;
use super::spec::TargetSpec;
use super::udp::UdpResponder;
use super::{
    Auth, DecodeResult, Driver, SdpAnswerer, SdpCodec, Session, StunCodec, StunResponder, TargetError, TargetInfo,
    Verification,
};
use crate::capability::Capability;
use crate::stun::{hex, unhex, Decoded, EncodeModel};
use rtcspec_live::net::namespace::{can_create, Namespace, NamespacePlan, Network};
use rtcspec_live::peer::event::PeerEvent;
use rtcspec_live::peer::RemotePeer;
use rtcspec_live::seed::SeedRng;

/// Where a shim process runs: on the host, or in a namespace of its own, opened once.
enum NetworkOf {
    Loopback,
    Namespace { plan: NamespacePlan, opened: Option<Arc<Namespace>> },
}

/// Numbers the shim processes' scratch folders within this process.
static SCRATCH_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many of a shim's last stderr lines a crash report quotes.
const LAST_WORDS: usize = 6;

/// How long one request may take before the shim counts as hung, unless its target file
/// says otherwise (`request_timeout_ms`).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) struct ShimProcess {
    child: Child,
    /// Where the harness's side of a call with this process lives.
    network: NetworkOf,
    /// The last lines the shim wrote to stderr, quoted when it dies.
    last_words: Arc<Mutex<VecDeque<String>>>,
    /// Its TMPDIR, removed once it is gone.
    scratch: std::path::PathBuf,
    stdin: ChildStdin,
    lines: Receiver<String>,
    request_timeout: Duration,
    next_id: u64,
    /// Event lines of the peer operations that arrived while waiting for an answer.
    events: VecDeque<Value>,
}

impl ShimProcess {
    pub(crate) fn spawn(spec: &TargetSpec) -> Result<ShimProcess, TargetError> {
        let command = spec.command.as_deref().unwrap_or_default();
        let program = spec.resolve_path(&command[0]);
        let plan = match &spec.namespace {
            Some(ns) => {
                let plan = ns.plan().map_err(TargetError::Environment)?;
                can_create().map_err(|why| TargetError::Environment(format!("target {}: {why}", spec.name)))?;
                Some(plan)
            }
            None => None,
        };
        let mut launcher = match &plan {
            Some(plan) => plan.command(&program, &command[1..]),
            None => {
                let mut c = Command::new(&program);
                c.args(&command[1..]);
                c
            }
        };
        // A temporary folder of its own (browser profiles are tens of MB), removed when the
        // process is gone, however it ended.
        let scratch = std::env::temp_dir().join(format!(
            "rtcspec-shim-{}-{}-{}",
            spec.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
            std::process::id(),
            SCRATCH_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&scratch)
            .map_err(|e| TargetError::Environment(format!("cannot make {}: {e}", scratch.display())))?;
        let mut child = launcher
            .env("TMPDIR", &scratch)
            .current_dir(&spec.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                let _ = std::fs::remove_dir_all(&scratch);
                let hint = spec.install_hint.as_deref().unwrap_or("install it, or fix `command` in the target file");
                let what = if plan.is_some() { "unshare (util-linux) or " } else { "" };
                TargetError::Environment(format!(
                    "cannot start {what}shim {:?} for target {}: {e}. To install it: {hint}",
                    program.display(),
                    spec.name
                ))
            })?;
        // The namespace is opened at the first call, once the shim has answered: `unshare`
        // may not have made it yet when spawn returns.
        let network = match plan {
            Some(plan) => NetworkOf::Namespace { plan, opened: None },
            None => NetworkOf::Loopback,
        };
        let stdin = child.stdin.take().ok_or_else(|| TargetError::Environment("shim stdin not piped".into()))?;
        let stdout = child.stdout.take().ok_or_else(|| TargetError::Environment("shim stdout not piped".into()))?;
        let (tx, lines) = mpsc::channel();
        // A reader thread turns the blocking pipe into a channel the harness can wait on
        // with a timeout; it ends when the child closes stdout.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let last_words = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(stderr) = child.stderr.take() {
            let name = spec.name.clone();
            let last_words = last_words.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    tracing::debug!(target: "rtcspec::shim", "[{name}] {line}");
                    let mut kept = last_words.lock().unwrap_or_else(|p| p.into_inner());
                    if kept.len() == LAST_WORDS {
                        kept.pop_front();
                    }
                    kept.push_back(line);
                }
            });
        }
        let request_timeout = spec.request_timeout_ms.map_or(REQUEST_TIMEOUT, Duration::from_millis);
        Ok(ShimProcess {
            child,
            network,
            last_words,
            scratch,
            stdin,
            lines,
            request_timeout,
            next_id: 1,
            events: VecDeque::new(),
        })
    }

    /// Where the harness's side of a call with this process lives.
    pub(crate) fn network(&mut self) -> Result<Network, String> {
        match &mut self.network {
            NetworkOf::Loopback => Ok(Network::Loopback),
            NetworkOf::Namespace { opened: Some(ns), .. } => Ok(Network::Namespace(ns.clone())),
            NetworkOf::Namespace { plan, opened } => {
                let ns = Namespace::of_process(self.child.id(), plan.host())
                    .map_err(|e| format!("the shim's network namespace: {e}"))?;
                let ns = Arc::new(ns);
                *opened = Some(ns.clone());
                Ok(Network::Namespace(ns))
            }
        }
    }

    fn exit_status(&mut self) -> String {
        let status = match self.child.try_wait() {
            Ok(Some(status)) => format!("shim exited ({status})"),
            _ => "shim closed its stdout".to_string(),
        };
        let words = self.last_words.lock().unwrap_or_else(|p| p.into_inner());
        match words.back() {
            Some(_) => {
                format!("{status}; its last words on stderr: {}", words.iter().cloned().collect::<Vec<_>>().join(" | "))
            }
            None => status,
        }
    }

    /// The next line as JSON; `Ok(None)` when none came within `timeout`.
    fn next_line(&mut self, timeout: Duration) -> Result<Option<(Value, String)>, TargetError> {
        let line = match self.lines.recv_timeout(timeout) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => return Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(Duration::from_millis(20));
                return Err(TargetError::Crashed(self.exit_status()));
            }
        };
        let value: Value = serde_json::from_str(&line)
            .map_err(|e| TargetError::Garbage(format!("line is not JSON ({e}): {}", truncate(&line, 200))))?;
        Ok(Some((value, line)))
    }

    /// The next event line (peer operations), waiting at most `timeout`.
    pub(crate) fn next_event(&mut self, timeout: Duration) -> Result<Option<Value>, TargetError> {
        if let Some(event) = self.events.pop_front() {
            return Ok(Some(event));
        }
        match self.next_line(timeout)? {
            None => Ok(None),
            Some((value, _)) if value.get("event").is_some() => Ok(Some(value)),
            Some((_, line)) => {
                Err(TargetError::Garbage(format!("a line that answers no request: {}", truncate(&line, 200))))
            }
        }
    }

    /// Sends one request and returns the response object (whatever its `ok`). Event lines
    /// that come first are kept for `next_event`.
    pub(crate) fn call(&mut self, mut request: Value) -> Result<Value, TargetError> {
        let id = self.next_id;
        self.next_id += 1;
        request["id"] = json!(id);
        let line = request.to_string();
        if writeln!(self.stdin, "{line}").and_then(|_| self.stdin.flush()).is_err() {
            return Err(TargetError::Crashed(self.exit_status()));
        }
        let deadline = Instant::now() + self.request_timeout;
        let (value, reply) = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_line(left)? {
                None => return Err(TargetError::Timeout(self.request_timeout.as_millis() as u64)),
                Some((value, _)) if value.get("event").is_some() => self.events.push_back(value),
                Some(answer) => break answer,
            }
        };
        if !value.is_object() || value.get("ok").and_then(Value::as_bool).is_none() {
            return Err(TargetError::Garbage(format!("response has no boolean \"ok\": {}", truncate(&reply, 200))));
        }
        if value.get("id").is_some_and(|v| v != &json!(id)) {
            return Err(TargetError::Garbage(format!("response id {} does not match request id {id}", value["id"])));
        }
        Ok(value)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // What the shim started dies with it a moment later (its PID namespace, for a
        // browser), and may write a last file meanwhile: try again for up to half a second.
        for _ in 0..10 {
            let _ = std::fs::remove_dir_all(&self.scratch);
            if !self.scratch.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ShimProcess {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "{}", json!({"id": 0, "op": "shutdown"}));
        let _ = self.stdin.flush();
        std::thread::sleep(Duration::from_millis(10));
        self.kill();
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.len() <= n {
        s.to_string()
    } else {
        let mut end = n;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    }
}

/// The shared handle sessions use; the driver replaces the process inside on recovery.
#[derive(Clone)]
pub(crate) struct ShimHandle(Arc<Mutex<ShimProcess>>);

impl ShimHandle {
    pub(crate) fn new(process: ShimProcess) -> ShimHandle {
        ShimHandle(Arc::new(Mutex::new(process)))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, ShimProcess> {
        // A poisoned lock only means a case panicked mid-call; the process is still usable
        // or will be replaced by recovery.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A call whose `ok:false` is an error: unsupported or a failure of the shim.
    fn call_ok(&self, request: Value) -> Result<Value, TargetError> {
        let v = self.lock().call(request)?;
        if v["ok"] == json!(true) {
            Ok(v)
        } else {
            Err(refusal(&v))
        }
    }
}

fn refusal(v: &Value) -> TargetError {
    let msg = v["error"].as_str().unwrap_or("no reason given").to_string();
    if v["unsupported"] == json!(true) {
        TargetError::Unsupported(msg)
    } else {
        TargetError::Garbage(format!("shim refused the request: {msg}"))
    }
}

struct ShimCodec(ShimHandle);

impl StunCodec for ShimCodec {
    fn decode(&mut self, bytes: &[u8]) -> Result<DecodeResult, TargetError> {
        let v = self.0.lock().call(json!({"op": "stun.decode", "hex": hex(bytes)}))?;
        if v["ok"] != json!(true) {
            if v["unsupported"] == json!(true) {
                return Err(refusal(&v));
            }
            return Ok(Err(v["error"].as_str().unwrap_or("rejected").to_string()));
        }
        let decoded: Decoded = serde_json::from_value(v["message"].clone())
            .map_err(|e| TargetError::Garbage(format!("stun.decode message does not follow the protocol: {e}")))?;
        Ok(Ok(decoded))
    }

    fn check(&mut self, bytes: &[u8], check: Verification, key: &[u8]) -> Result<bool, TargetError> {
        let v = self.0.call_ok(json!({"op": "stun.check", "hex": hex(bytes), "check": check, "key_hex": hex(key)}))?;
        v["valid"].as_bool().ok_or_else(|| TargetError::Garbage("stun.check answer has no boolean \"valid\"".into()))
    }

    fn encode(&mut self, model: &EncodeModel) -> Result<Vec<u8>, TargetError> {
        let v = self.0.call_ok(json!({"op": "stun.encode", "message": model}))?;
        let h = v["hex"].as_str().ok_or_else(|| TargetError::Garbage("stun.encode answer has no \"hex\"".into()))?;
        unhex(h).map_err(|e| TargetError::Garbage(format!("stun.encode hex: {e}")))
    }
}

/// Calls `op` with the text under `key`; `ok:false` is the implementation refusing the input,
/// unless the shim says it is unsupported. The accepted text comes back under `out`.
fn text_call(
    shim: &ShimHandle,
    op: &str,
    key: &str,
    text: &str,
    out: &str,
) -> Result<Result<String, String>, TargetError> {
    let v = shim.lock().call(json!({"op": op, key: text}))?;
    if v["ok"] != json!(true) {
        if v["unsupported"] == json!(true) {
            return Err(refusal(&v));
        }
        return Ok(Err(v["error"].as_str().unwrap_or("rejected").to_string()));
    }
    match v[out].as_str() {
        Some(text) => Ok(Ok(text.to_string())),
        None => Err(TargetError::Garbage(format!("{op} answer has no string \"{out}\""))),
    }
}

struct ShimSdp(ShimHandle);

impl SdpCodec for ShimSdp {
    fn round_trip(&mut self, sdp: &str) -> Result<Result<String, String>, TargetError> {
        text_call(&self.0, "sdp.round_trip", "sdp", sdp, "sdp")
    }
}

struct ShimAnswerer(ShimHandle);

impl SdpAnswerer for ShimAnswerer {
    fn answer(&mut self, offer: &str) -> Result<Result<String, String>, TargetError> {
        text_call(&self.0, "sdp.answer", "offer", offer, "answer")
    }
}

/// The shim's ICE agent, reached over loopback UDP; stopped when the case ends.
struct ShimResponder {
    udp: UdpResponder,
    shim: ShimHandle,
}

impl Drop for ShimResponder {
    fn drop(&mut self) {
        let _ = self.shim.lock().call(json!({"op": "stun.responder.stop"}));
    }
}

impl StunResponder for ShimResponder {
    fn auth(&self) -> &Auth {
        self.udp.auth()
    }
    fn harness_addr(&self) -> std::net::SocketAddr {
        self.udp.harness_addr()
    }
    fn target_addr(&self) -> std::net::SocketAddr {
        self.udp.target_addr()
    }
    fn exchange(&mut self, datagram: &[u8]) -> Result<Vec<Vec<u8>>, TargetError> {
        self.udp.exchange(datagram)
    }
}

pub struct ShimDriver {
    spec: TargetSpec,
    shim: ShimHandle,
    info: TargetInfo,
    capabilities: Vec<Capability>,
}

impl ShimDriver {
    pub fn start(spec: &TargetSpec) -> Result<ShimDriver, TargetError> {
        let shim = ShimHandle(Arc::new(Mutex::new(ShimProcess::spawn(spec)?)));
        let hello = shim
            .call_ok(json!({"op": "hello"}))
            .map_err(|e| TargetError::Environment(format!("shim for target {} failed its hello: {e}", spec.name)))?;
        let offered: Vec<Capability> = hello["capabilities"]
            .as_array()
            .map(|a| a.iter().filter_map(|c| c.as_str().and_then(Capability::from_name)).collect())
            .unwrap_or_default();
        let capabilities = match spec.declared_capabilities().map_err(TargetError::Environment)? {
            Some(declared) => offered.into_iter().filter(|c| declared.contains(c)).collect(),
            None => offered,
        };
        let text = |k: &str| hello[k].as_str().map(str::to_string);
        let info = TargetInfo {
            name: spec.name.clone(),
            kind: "shim".into(),
            implementation: spec.implementation.clone().or_else(|| text("implementation")).unwrap_or_default(),
            version: text("version").or_else(|| spec.version.clone()).unwrap_or_default(),
            source: spec.source.as_ref().map(|p| p.display().to_string()),
        };
        Ok(ShimDriver { spec: spec.clone(), shim, info, capabilities })
    }
}

impl Driver for ShimDriver {
    fn info(&self) -> TargetInfo {
        self.info.clone()
    }

    fn capabilities(&self) -> Vec<Capability> {
        self.capabilities.clone()
    }

    fn open(&mut self, seed: u64) -> Result<Session, TargetError> {
        let mut session = Session::default();
        if self.capabilities.contains(&Capability::StunCodec) {
            session.codec = Some(Box::new(ShimCodec(self.shim.clone())));
        }
        if self.capabilities.contains(&Capability::SdpCodec) {
            session.sdp = Some(Box::new(ShimSdp(self.shim.clone())));
        }
        if self.capabilities.contains(&Capability::SdpAnswerer) {
            session.answerer = Some(Box::new(ShimAnswerer(self.shim.clone())));
        }
        if self.capabilities.contains(&Capability::Peer) {
            session.peer = Some(Box::new(ShimPeer::from_handle(self.shim.clone())));
        }
        if self.capabilities.contains(&Capability::StunShortTerm) {
            let mut rng = SeedRng::new(seed);
            let creds = IceCredentials::from_rng(&mut rng);
            let v = self.shim.call_ok(json!({
                "op": "stun.responder.start",
                "local_ufrag": creds.target_ufrag, "local_pwd": creds.target_pwd,
                "remote_ufrag": creds.harness_ufrag, "remote_pwd": creds.harness_pwd,
                "controlling": false, "tie_breaker": format!("{:016x}", rng.u64()),
            }))?;
            let addr = v["addr"]
                .as_str()
                .and_then(|a| a.parse().ok())
                .ok_or_else(|| TargetError::Garbage(format!("stun.responder.start gave no usable addr: {v}")))?;
            let wait = Duration::from_millis(self.spec.reply_wait_ms.unwrap_or(200));
            let udp = UdpResponder::new(addr, creds.auth(), None, wait)?;
            session.responder = Some(Box::new(ShimResponder { udp, shim: self.shim.clone() }));
        }
        Ok(session)
    }

    fn recover(&mut self) -> Result<(), TargetError> {
        let mut process = self.shim.lock();
        process.kill();
        *process = ShimProcess::spawn(&self.spec)?;
        let hello = process.call(json!({"op": "hello"}))?;
        if hello["ok"] != json!(true) {
            return Err(refusal(&hello));
        }
        Ok(())
    }
}

/// A shim process speaking the peer operations (shared with the driver, which restarts the
/// process after a crash).
pub struct ShimPeer {
    process: ShimHandle,
}

impl ShimPeer {
    pub fn spawn(spec: &TargetSpec) -> Result<ShimPeer, TargetError> {
        Ok(ShimPeer { process: ShimHandle::new(ShimProcess::spawn(spec)?) })
    }

    pub(crate) fn from_handle(process: ShimHandle) -> ShimPeer {
        ShimPeer { process }
    }
}

impl RemotePeer for ShimPeer {
    fn call(&mut self, request: Value) -> Result<Value, TargetError> {
        self.process.lock().call(request)
    }

    fn network(&mut self) -> Result<Network, String> {
        self.process.lock().network()
    }

    fn next_event(&mut self, timeout: Duration) -> Result<Option<PeerEvent>, TargetError> {
        let line = self.process.lock().next_event(timeout)?;
        match line {
            None => Ok(None),
            Some(line) => PeerEvent::from_json(&line)
                .map(Some)
                .map_err(|e| TargetError::Garbage(format!("event line does not follow the protocol ({e}): {line}"))),
        }
    }
}
