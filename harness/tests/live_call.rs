//! Live calls through the peer operations: the harness's reference peer against the
//! in-process reference, the reference as a separate process (`rtcspec peer-shim`), aiortc
//! and werift through their shims. Each call opens a data channel, carries a message each
//! way, and leaves a pcapng and key log that tshark decrypts.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rtcspec_harness::driver::shim::ShimPeer;
use rtcspec_harness::driver::spec::load_target;
use rtcspec_harness::peer::{Call, ChannelSpec, InProcessPeer, Payload, PeerEvent, PeerOptions, RemotePeer};
use serde_json::json;

const CONNECT: Duration = Duration::from_secs(15);
const MESSAGE: Duration = Duration::from_secs(5);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn shim(name: &str) -> ShimPeer {
    let spec = load_target(name, &root().join("targets")).unwrap_or_else(|e| panic!("targets/{name}.toml: {e}"));
    ShimPeer::spawn(&spec).unwrap_or_else(|e| panic!("{e}"))
}

fn tshark(file: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(["--enable-heuristic", "stun_udp", "--enable-heuristic", "dtls_udp"])
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "tshark is needed for this test ({e}); install it with `cargo xtask setup` (Debian: \
            apt-get install tshark)"
            )
        });
    assert!(out.status.success(), "tshark failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// One call; `harness_offers` picks who offers. Panics with the call's own words.
fn call(target: &mut dyn RemotePeer, harness_offers: bool, name: &str) {
    call_with(target, harness_offers, PeerOptions::default(), name)
}

fn call_with(target: &mut dyn RemotePeer, harness_offers: bool, options: PeerOptions, name: &str) {
    let role = if harness_offers { "answerer" } else { "offerer" };
    let mut call = Call::start_with(target, role, options).unwrap_or_else(|e| panic!("{name}: {e}"));
    let channel = ChannelSpec::reliable("rtcspec");
    let connected = if harness_offers {
        call.connect_harness_offering(&channel, CONNECT)
    } else {
        call.connect_target_offering(&channel, CONNECT)
    };
    let dir = root().join("target/tmp/live_call");
    if let Err(e) = connected {
        let evidence = call.write_evidence(&dir, name);
        panic!(
            "{name}: {e}\nharness: {:?}\ntarget: {:?}\nevidence: {evidence:?}",
            call.harness_events, call.target_events
        );
    }

    call.harness.send("rtcspec", &Payload::Text("ping from rtcspec".into())).unwrap();
    call.wait_target(
        "the harness's message",
        MESSAGE,
        |e| matches!(e, PeerEvent::Message { payload: Payload::Text(t), .. } if t == "ping from rtcspec"),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    call.request("peer.send", json!({"label": "rtcspec", "hex": "00ff10"})).unwrap_or_else(|e| panic!("{name}: {e}"));
    call.wait_harness(
        "the target's message",
        MESSAGE,
        |e| matches!(e, PeerEvent::Message { payload: Payload::Binary(b), .. } if b == &[0, 255, 16]),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));

    let (pcap, keys) = call.write_evidence(&dir, name).unwrap();
    let keylog = std::fs::read_to_string(&keys).unwrap();
    assert!(keylog.starts_with("CLIENT_RANDOM "), "{name}: key log {keylog:?}");
    // With the key log tshark decrypts the DTLS records. tshark 4.0 does not dissect SCTP
    // inside DTLS, so the decrypted records are its "data": SCTP packets (ports 5000) that
    // hold the DCEP OPEN (PPID 50, type 0x03) and the text message.
    let keylog_option = format!("tls.keylog_file:{}", keys.display());
    let decrypted = tshark(&pcap, &["-o", &keylog_option, "-T", "fields", "-e", "data.data"]);
    let decrypted: Vec<&str> = decrypted.iter().flat_map(|l| l.split(',')).filter(|d| !d.is_empty()).collect();
    let ping: String = "ping from rtcspec".bytes().map(|b| format!("{b:02x}")).collect();
    assert!(
        decrypted.iter().any(|d| d.starts_with("13881388")),
        "{name}: no SCTP after decryption in {}",
        pcap.display()
    );
    assert!(decrypted.iter().any(|d| d.contains("0000003203")), "{name}: no DCEP OPEN in {}", pcap.display());
    assert!(decrypted.iter().any(|d| d.contains(&ping)), "{name}: the message is not in {}", pcap.display());
    // Without the key log the same bytes stay encrypted.
    let opaque = tshark(&pcap, &["-T", "fields", "-e", "data.data"]);
    assert!(!opaque.iter().any(|d| d.contains(&ping)), "{name}: the message is readable without the key log");
    let stun = tshark(&pcap, &["-Y", "stun"]);
    assert!(!stun.is_empty(), "{name}: no STUN in {}", pcap.display());
}

#[test]
fn reference_calls_the_in_process_reference_both_ways() {
    let mut target = InProcessPeer::reference();
    call(&mut target, true, "reference-offers-reference");
    call(&mut target, false, "reference-answers-reference");
}

/// str0m in process, through the same peer operations; it gives no key log, so the
/// decryption in Wireshark rests on the harness's own.
#[test]
fn reference_calls_str0m_both_ways() {
    let mut target = InProcessPeer::start(rtcspec_harness::peer::str0m::Str0mStack);
    call(&mut target, true, "reference-offers-str0m");
    call(&mut target, false, "reference-answers-str0m");
}

#[test]
fn reference_calls_aiortc_both_ways() {
    let mut target = shim("aiortc");
    call(&mut target, true, "reference-offers-aiortc");
    call(&mut target, false, "reference-answers-aiortc");
}

/// werift takes its SCTP role from its ICE role (controlling: sends INIT and drops INIT;
/// controlled: waits), and webrtc-rs from its DTLS role (client: sends INIT and drops INIT;
/// server: waits), where RFC 8841 §9.3 has both initiate. A call comes up only when the
/// reference is the DTLS server while werift controls ICE: werift offers and the reference
/// answers `a=setup:passive`. The other pairings are the sctp suite's findings.
#[test]
fn reference_answers_werift_as_dtls_server() {
    let mut target = shim("werift");
    let options = PeerOptions { answer_as_dtls_server: true, ..PeerOptions::default() };
    call_with(&mut target, false, options, "reference-answers-werift");
}
