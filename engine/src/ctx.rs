//! What a case works with: the target's session, seeded randomness, and a recorder that
//! keeps every datagram for the evidence pcapng.

use std::net::SocketAddr;
use std::time::Instant;

use crate::driver::{Auth, DecodeResult, LongTermCredentials, Session, TargetError, Verification};
use crate::outcome::Outcome;
use crate::stun::{Decoded, EncodeModel};
use rtcspec_live::net::Datagram;
use rtcspec_live::peer::CallError;
use rtcspec_live::seed::SeedRng;

/// Where codec inputs appear to travel in the evidence capture: harness to the standard
/// STUN port, so Wireshark dissects them without being told.
const CODEC_HARNESS: ([u8; 4], u16) = ([127, 0, 0, 1], 50000);
const CODEC_TARGET: ([u8; 4], u16) = ([127, 0, 0, 1], 3478);

pub struct Ctx {
    pub rng: SeedRng,
    /// The seed impaired paths use instead of their cases' fixed one (`--path-seed`).
    pub path_seed: Option<u64>,
    session: Session,
    log: Vec<Datagram>,
    texts: Vec<(String, String)>,
    keylog: Vec<String>,
    calls: Vec<rtcspec_live::peer::CallRecord>,
    started: Instant,
}

/// What a case exchanged with its target: datagrams (kept as pcapng) and texts such as SDP
/// (kept as a labelled text file), for the evidence of a failing case.
#[derive(Default)]
pub struct Trace {
    pub datagrams: Vec<Datagram>,
    /// (label, text) in the order they were exchanged.
    pub texts: Vec<(String, String)>,
    /// SSLKEYLOGFILE lines that decrypt the datagrams (live calls).
    pub keylog: Vec<String>,
    /// What each live call negotiated (DTLS versions), in order.
    pub calls: Vec<rtcspec_live::peer::CallRecord>,
}

/// Maps a target's failure to answer onto the case outcome it costs.
pub fn outcome_of(e: TargetError) -> Outcome {
    match e {
        TargetError::Unsupported(why) => Outcome::Unsupported { why },
        TargetError::Crashed(why) => Outcome::Crash { why },
        TargetError::Garbage(why) => Outcome::Error { why: format!("unreadable target answer: {why}") },
        TargetError::Timeout(after_ms) => Outcome::Timeout { after_ms },
        TargetError::Environment(why) => Outcome::Error { why },
    }
}

/// What a failed live call costs the case: the target's own failures map as for any request
/// (Crash and Timeout restart it), the rest are errors of the harness or environment.
impl From<CallError> for Outcome {
    fn from(e: CallError) -> Outcome {
        match e {
            CallError::Target(e) => outcome_of(e),
            other => Outcome::Error { why: other.to_string() },
        }
    }
}

impl Ctx {
    pub fn new(session: Session, seed: u64) -> Ctx {
        Ctx {
            rng: SeedRng::new(seed),
            path_seed: None,
            session,
            log: Vec::new(),
            texts: Vec::new(),
            keylog: Vec::new(),
            calls: Vec::new(),
            started: Instant::now(),
        }
    }

    /// The datagrams recorded so far.
    pub fn log(&self) -> &[Datagram] {
        &self.log
    }

    pub fn into_trace(self) -> Trace {
        Trace { datagrams: self.log, texts: self.texts, keylog: self.keylog, calls: self.calls }
    }

    /// The target's peer for a live call. It is taken out of the session, so a case can hold
    /// a [`rtcspec_live::peer::Call`] on it and still record into the context.
    pub fn take_peer(&mut self) -> Result<Box<dyn rtcspec_live::peer::RemotePeer>, Outcome> {
        self.session.peer.take().ok_or_else(|| Outcome::Unsupported { why: "target takes no live calls".into() })
    }

    /// Puts the peer back after a call, so the case can make another on the same target.
    pub fn return_peer(&mut self, peer: Box<dyn rtcspec_live::peer::RemotePeer>) {
        self.session.peer = Some(peer);
    }

    /// Keeps a call's wire as the case's evidence: every datagram, the descriptions and the
    /// key log that decrypts them. Returns the call's key log (asking the target for its
    /// lines is a request, so it is made once, here).
    pub fn keep_call(&mut self, call: &mut rtcspec_live::peer::Call<'_>) -> Vec<String> {
        self.log.extend(call.harness.datagrams().iter().cloned());
        self.calls.push(rtcspec_live::peer::CallRecord::of(call.harness.datagrams(), call.harness.local_addr()));
        for (label, sdp) in [("offer", &call.offer), ("answer", &call.answer)] {
            if let Some(sdp) = sdp {
                self.texts.push((label.to_string(), sdp.clone()));
            }
        }
        let lines = call.keylog();
        for line in &lines {
            if !self.keylog.contains(line) {
                self.keylog.push(line.clone());
            }
        }
        lines
    }

    fn record_text(&mut self, label: impl Into<String>, text: &str) {
        self.texts.push((label.into(), text.to_string()));
    }

    /// Records what a text operation gave back: the text, or the target's refusal.
    fn record_text_result(&mut self, accepted: &str, result: &Result<String, String>) {
        match result {
            Ok(text) => self.record_text(accepted, text),
            Err(reason) => self.record_text(format!("{accepted}: refused"), reason),
        }
    }

    fn record(&mut self, from: SocketAddr, to: SocketAddr, bytes: &[u8]) {
        let at_us = self.started.elapsed().as_micros() as u64;
        self.log.push(Datagram { from, to, bytes: bytes.to_vec(), at_us });
    }

    fn record_codec_input(&mut self, bytes: &[u8]) {
        self.record(CODEC_HARNESS.into(), CODEC_TARGET.into(), bytes);
    }

    pub fn txid(&mut self) -> [u8; 12] {
        self.rng.transaction_id()
    }

    fn codec(&mut self) -> Result<&mut dyn crate::driver::StunCodec, Outcome> {
        match &mut self.session.codec {
            Some(c) => Ok(c.as_mut()),
            None => Err(Outcome::Unsupported { why: "target has no STUN codec".into() }),
        }
    }

    /// Asks the target to decode `bytes`: `Ok(Ok(decoded))` accepted, `Ok(Err(reason))` rejected.
    pub fn decode(&mut self, bytes: &[u8]) -> Result<DecodeResult, Outcome> {
        self.record_codec_input(bytes);
        self.codec()?.decode(bytes).map_err(outcome_of)
    }

    /// Decode that must succeed: a rejection becomes a Fail saying what was expected.
    pub fn decode_accepted(&mut self, bytes: &[u8], what: &str) -> Result<Decoded, Outcome> {
        self.decode(bytes)?.map_err(|reason| Outcome::fail(format!("{what} accepted"), format!("rejected: {reason}")))
    }

    pub fn check(&mut self, bytes: &[u8], check: Verification, key: &[u8]) -> Result<bool, Outcome> {
        self.record_codec_input(bytes);
        self.codec()?.check(bytes, check, key).map_err(outcome_of)
    }

    pub fn encode(&mut self, model: &EncodeModel) -> Result<Vec<u8>, Outcome> {
        let out = self.codec()?.encode(model).map_err(outcome_of)?;
        self.record(CODEC_TARGET.into(), CODEC_HARNESS.into(), &out);
        Ok(out)
    }

    /// Asks the target to parse `sdp` and serialize it back.
    pub fn sdp_round_trip(&mut self, sdp: &str) -> Result<Result<String, String>, Outcome> {
        let result = match &mut self.session.sdp {
            Some(c) => c.round_trip(sdp).map_err(outcome_of)?,
            None => return Err(Outcome::Unsupported { why: "target has no SDP parser".into() }),
        };
        self.record_text("SDP given to the parser", sdp);
        self.record_text_result("SDP the parser wrote back", &result);
        Ok(result)
    }

    /// Asks the target, as a JSEP answerer, for its answer to `offer`.
    pub fn sdp_answer(&mut self, offer: &str) -> Result<Result<String, String>, Outcome> {
        let result = match &mut self.session.answerer {
            Some(a) => a.answer(offer).map_err(outcome_of)?,
            None => return Err(Outcome::Unsupported { why: "target does not answer SDP offers".into() }),
        };
        self.record_text("offer", offer);
        self.record_text_result("answer", &result);
        Ok(result)
    }

    fn responder(&mut self) -> Result<&mut dyn crate::driver::StunResponder, Outcome> {
        match &mut self.session.responder {
            Some(r) => Ok(r.as_mut()),
            None => Err(Outcome::Unsupported { why: "target has no STUN responder".into() }),
        }
    }

    pub fn auth(&mut self) -> Result<Auth, Outcome> {
        Ok(self.responder()?.auth().clone())
    }

    pub fn long_term(&mut self) -> Result<LongTermCredentials, Outcome> {
        self.responder()?
            .long_term()
            .cloned()
            .ok_or_else(|| Outcome::Unsupported { why: "target has no long-term credentials configured".into() })
    }

    pub fn harness_addr(&mut self) -> Result<SocketAddr, Outcome> {
        Ok(self.responder()?.harness_addr())
    }

    /// Sends one datagram to the responder and returns its replies, recording both ways.
    pub fn exchange(&mut self, datagram: &[u8]) -> Result<Vec<Vec<u8>>, Outcome> {
        let r = self.responder()?;
        let (harness, target) = (r.harness_addr(), r.target_addr());
        let replies = r.exchange(datagram).map_err(outcome_of);
        self.record(harness, target, datagram);
        let replies = replies?;
        for reply in &replies {
            self.record(target, harness, reply);
        }
        Ok(replies)
    }
}
