//! `rtcspec peer-shim`: a linked-in stack (the reference peer, or str0m with `--stack
//! str0m`) as a separate process, driven through the peer operations like any shim, makes a
//! call with the harness's reference peer.

use std::path::Path;
use std::time::Duration;

use rtcspec_harness::driver::shim::ShimPeer;
use rtcspec_harness::driver::spec::parse_target;
use rtcspec_harness::peer::{Call, CallError, ChannelSpec, Payload, PeerEvent, RemotePeer};

#[test]
fn the_reference_as_a_separate_process_takes_a_call() {
    takes_a_call("reference", "webrtc-rs");
}

#[test]
fn str0m_as_a_separate_process_takes_a_call() {
    takes_a_call("str0m", "str0m");
}

fn takes_a_call(stack: &str, implementation: &str) {
    let text = format!(
        "name = \"{stack}-process\"\nkind = \"shim\"\ncommand = [{:?}, \"peer-shim\", \"--stack\", {stack:?}]\n",
        env!("CARGO_BIN_EXE_rtcspec")
    );
    let spec = parse_target(&text, Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/x.toml").as_path()).unwrap();
    let mut target = ShimPeer::spawn(&spec).unwrap();
    let hello = RemotePeer::call(&mut target, serde_json::json!({"op": "hello"})).unwrap();
    assert_eq!(hello["implementation"], implementation, "{hello}");
    let mut call = Call::start(&mut target, "offerer").unwrap();
    call.connect_target_offering(&ChannelSpec::reliable("rtcspec"), Duration::from_secs(15))
        .unwrap_or_else(|e| panic!("{e}\nharness: {:?}\ntarget: {:?}", call.harness_events, call.target_events));
    call.harness.send("rtcspec", &Payload::Text("over stdio".into())).unwrap();
    let got =
        call.wait_target("the message", Duration::from_secs(5), |e| matches!(e, PeerEvent::Message { .. })).unwrap();
    assert!(matches!(got, PeerEvent::Message { payload: Payload::Text(ref t), .. } if t == "over stdio"), "{got:?}");
    // An op the shim does not know is refused with its reason, and the shim goes on.
    match call.request("peer.nope", serde_json::json!({})) {
        Err(CallError::Refused { error, .. }) => assert!(error.contains("unknown op"), "{error}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    call.harness.send("rtcspec", &Payload::Binary(vec![1, 2, 3])).unwrap();
    call.wait_target(
        "the second message",
        Duration::from_secs(5),
        |e| matches!(e, PeerEvent::Message { payload: Payload::Binary(b), .. } if b == &[1, 2, 3]),
    )
    .unwrap();
}
