//! The target of a live call: a peer driven through the shim protocol's peer operations.
//! A shim process (aiortc, werift, any stack) and the stacks linked in (the reference, str0m)
//! are driven the same way, so a case cannot tell them apart except by what crosses the wire.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::event::PeerEvent;
use super::serve::{PeerStack, ReferenceStack, Server, SLICE};
use crate::net::namespace::Network;
use crate::TargetError;

pub trait RemotePeer: Send {
    /// One request of the peer operations (`{"op": "peer.offer", ...}`); the answer object,
    /// whatever its `ok`.
    fn call(&mut self, request: Value) -> Result<Value, TargetError>;
    /// The next event, waiting at most `timeout`; `Ok(None)` when none came.
    fn next_event(&mut self, timeout: Duration) -> Result<Option<PeerEvent>, TargetError>;
    /// Where the harness's side of a call with this peer must live: the host's loopback, or
    /// the network namespace the target runs in.
    fn network(&mut self) -> Result<Network, String> {
        Ok(Network::Loopback)
    }
}

/// A shim's peer asked to put faults in (the mutant target over a shim): every `peer.start`
/// names them, and the shim refuses the ones it does not know.
pub struct WithFaults {
    inner: Box<dyn RemotePeer>,
    faults: Vec<String>,
}

impl WithFaults {
    pub fn new(inner: Box<dyn RemotePeer>, faults: Vec<&str>) -> WithFaults {
        WithFaults { inner, faults: faults.into_iter().map(str::to_string).collect() }
    }
}

impl RemotePeer for WithFaults {
    fn call(&mut self, mut request: Value) -> Result<Value, TargetError> {
        if request["op"] == "peer.start" {
            request["faults"] = Value::from(self.faults.clone());
        }
        self.inner.call(request)
    }

    fn next_event(&mut self, timeout: Duration) -> Result<Option<PeerEvent>, TargetError> {
        self.inner.next_event(timeout)
    }

    fn network(&mut self) -> Result<Network, String> {
        self.inner.network()
    }
}

/// A stack linked into rtcspec as a target (the reference, str0m): its [`Server`] on its own
/// thread and socket, serving the peer operations exactly as `rtcspec peer-shim` does over
/// stdio.
pub struct InProcessPeer {
    requests: Sender<Value>,
    answers: Receiver<Value>,
    events: Receiver<PeerEvent>,
    thread: Option<JoinHandle<()>>,
}

const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

impl InProcessPeer {
    /// The reference, with the default options.
    pub fn reference() -> InProcessPeer {
        InProcessPeer::start(ReferenceStack::plain())
    }

    pub fn start<S: PeerStack>(stack: S) -> InProcessPeer {
        let (requests, request_rx) = mpsc::channel::<Value>();
        let (answer_tx, answers) = mpsc::channel();
        let (event_tx, events) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let mut server = Server::new(stack);
            loop {
                match request_rx.try_recv() {
                    Ok(request) => {
                        let stop = request["op"] == "shutdown";
                        if answer_tx.send(server.handle(&request)).is_err() || stop {
                            return;
                        }
                    }
                    Err(mpsc::TryRecvError::Disconnected) => return,
                    Err(mpsc::TryRecvError::Empty) => {}
                }
                server.run_until(Instant::now() + SLICE);
                while let Some(e) = server.next_event() {
                    if event_tx.send(e).is_err() {
                        return;
                    }
                }
            }
        });
        InProcessPeer { requests, answers, events, thread: Some(thread) }
    }
}

impl RemotePeer for InProcessPeer {
    fn call(&mut self, request: Value) -> Result<Value, TargetError> {
        self.requests.send(request).map_err(|_| TargetError::Crashed("the in-process peer's thread ended".into()))?;
        match self.answers.recv_timeout(ANSWER_TIMEOUT) {
            Ok(answer) => Ok(answer),
            Err(RecvTimeoutError::Timeout) => Err(TargetError::Timeout(ANSWER_TIMEOUT.as_millis() as u64)),
            Err(RecvTimeoutError::Disconnected) => {
                Err(TargetError::Crashed("the in-process peer's thread ended".into()))
            }
        }
    }

    fn next_event(&mut self, timeout: Duration) -> Result<Option<PeerEvent>, TargetError> {
        match self.events.recv_timeout(timeout) {
            Ok(e) => Ok(Some(e)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                Err(TargetError::Crashed("the in-process peer's thread ended".into()))
            }
        }
    }
}

impl Drop for InProcessPeer {
    fn drop(&mut self) {
        let _ = self.requests.send(serde_json::json!({"op": "shutdown"}));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
