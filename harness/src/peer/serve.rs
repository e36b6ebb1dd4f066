//! The shim protocol's peer operations (shims/PROTOCOL.md) served by the reference peer:
//! in process on a thread ([`super::remote::InProcessReference`]) or over stdio
//! (`rtcspec peer-shim`, the reference as a separate process).

use std::io::{BufRead, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::event::Payload;
use super::reference::{ChannelSpec, PeerOptions, ReferencePeer};
use crate::stun::unhex;

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

/// Answers one request. `peer` is the current connection (`peer.start` replaces it with one
/// made with `options`).
pub fn handle(peer: &mut Option<ReferencePeer>, options: PeerOptions, request: &Value) -> Value {
    let op = request["op"].as_str().unwrap_or_default();
    let result: Result<Value, String> = (|| {
        if op == "hello" {
            return Ok(json!({
                "implementation": "webrtc-rs",
                "version": VERSION,
                "capabilities": ["peer"],
            }));
        }
        if op == "shutdown" {
            return Ok(json!({}));
        }
        if op == "peer.start" {
            // Its faults are the mutant's (`mutant:FAULT`), set when the peer is made.
            if request["faults"].as_array().is_some_and(|f| !f.is_empty()) {
                return Err(
                    "the reference peer takes its faults from the mutant target (mutant:FAULT), not peer.start".into(),
                );
            }
            *peer = Some(ReferencePeer::with_options(options)?);
            return Ok(json!({}));
        }
        let p = peer.as_mut().ok_or("no peer connection: send peer.start first")?;
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
            "peer.keylog" => Ok(json!({"lines": p.keylog().lines()})),
            "peer.close" => p.close().map(|()| json!({})),
            _ => Err(format!("unknown op {op:?}")),
        }
    })();
    let mut answer = match result {
        Ok(mut fields) => {
            fields["ok"] = json!(true);
            fields
        }
        Err(error) if error.starts_with("unknown op") => json!({"ok": false, "unsupported": true, "error": error}),
        Err(error) => json!({"ok": false, "error": error}),
    };
    if let Some(id) = request.get("id") {
        answer["id"] = id.clone();
    }
    answer
}

/// `rtcspec peer-shim`: the reference peer over stdio, one JSON object per line, answers
/// in order and event lines as they happen. Ends on `shutdown` or the end of stdin.
pub fn serve_stdio() -> std::io::Result<()> {
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
    let mut peer: Option<ReferencePeer> = None;
    loop {
        match lines.recv_timeout(Duration::from_millis(2)) {
            Ok(line) if line.trim().is_empty() => {}
            Ok(line) => {
                let answer = match serde_json::from_str::<Value>(&line) {
                    Ok(request) if request.is_object() => {
                        let stop = request["op"] == "shutdown";
                        let answer = handle(&mut peer, PeerOptions::default(), &request);
                        writeln!(out, "{answer}")?;
                        out.flush()?;
                        if stop {
                            return Ok(());
                        }
                        continue;
                    }
                    Ok(_) => json!({"id": null, "ok": false, "error": "request is not a JSON object"}),
                    Err(e) => json!({"id": null, "ok": false, "error": format!("malformed request line: {e}")}),
                };
                writeln!(out, "{answer}")?;
                out.flush()?;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
        if let Some(p) = peer.as_mut() {
            p.run_until(Instant::now() + Duration::from_millis(2));
            while let Some(event) = p.next_event() {
                writeln!(out, "{}", event.to_json())?;
            }
            out.flush()?;
        }
    }
}
