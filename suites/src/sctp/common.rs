//! What the SCTP cases share: a call with the target in a given role, run long enough to
//! see the association start, and the decrypted view of its wire.

use std::time::{Duration, Instant};

use rtcspec_harness::case::{Capability, Level, Spec};
use rtcspec_harness::peer::wire::WireView;
use rtcspec_harness::peer::{Call, ChannelSpec};
use rtcspec_harness::{Case, Ctx, Outcome, Verdict};

pub const PEER: &[Capability] = &[Capability::Peer];

pub const fn case(
    id: &'static str,
    title: &'static str,
    doc: &'static str,
    section: &'static str,
    text: &'static str,
    run: fn(&mut Ctx) -> Verdict,
) -> Case {
    Case {
        id,
        suite: "sctp",
        title,
        spec: Spec { doc, section, level: Level::Must, text },
        covers: &[],
        tags: &[],
        needs: PEER,
        run,
    }
}

/// How long the target has to get the data channel open.
pub const CONNECT: Duration = Duration::from_secs(5);
/// How long after DTLS completes the association has to start: several INIT
/// retransmissions at RFC 9260's initial RTO of 1 s.
pub const AFTER_DTLS: Duration = Duration::from_millis(2500);

/// Who offers in a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offerer {
    Target,
    Harness,
}

/// A call with one data channel, run until the channel is open on both sides or `CONNECT`
/// plus `AFTER_DTLS` passes; the wire is kept as evidence and returned decrypted, with
/// what the call reported (for the failure message).
pub fn call_and_read(ctx: &mut Ctx, offerer: Offerer) -> Result<(WireView, String), Outcome> {
    let mut peer = ctx.take_peer()?;
    let role = if offerer == Offerer::Target { "offerer" } else { "answerer" };
    let mut call = Call::start(peer.as_mut(), role).map_err(|e| Outcome::Error { why: e.to_string() })?;
    let channel = ChannelSpec::reliable("rtcspec");
    let started = Instant::now();
    let connected = match offerer {
        Offerer::Target => call.connect_target_offering(&channel, CONNECT),
        Offerer::Harness => call.connect_harness_offering(&channel, CONNECT),
    };
    // A call that did not come up is what some cases judge: give it the rest of its time.
    if connected.is_err() {
        let left = (CONNECT + AFTER_DTLS).saturating_sub(started.elapsed());
        call.run_for(left).map_err(|e| Outcome::Error { why: e.to_string() })?;
    }
    ctx.keep_call(&mut call);
    let keylog = call.keylog();
    let view = WireView::read(call.harness.datagrams(), call.harness.local_addr(), &keylog);
    let summary = match connected {
        Ok(()) => "the data channel opened on both sides".to_string(),
        Err(e) => format!("the call did not complete: {e}"),
    };
    Ok((view, summary))
}
