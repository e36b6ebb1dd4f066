//! What the live-call suites share (DTLS, SCTP): a call with the target in a given role,
//! run long enough to see DTLS and the association start, kept as evidence, and the
//! decrypted view of its wire.

use std::time::Duration;

use rtcspec_harness::case::Capability;
use rtcspec_harness::peer::view::{Side, WireView};
use rtcspec_harness::peer::CallError;
use rtcspec_harness::peer::{Call, ChannelSpec, Payload, PeerEvent, PeerOptions};
use rtcspec_harness::{Ctx, Outcome};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::dtls::handshake::CLIENT_HELLO;
use rtcspec_wire::dtls::{ALERT, HANDSHAKE, RECORD_HEADER};
use rtcspec_wire::sctp::Data;

pub const PEER: &[Capability] = &[Capability::Peer];

pub const SECURITY: &[&str] = &["security"];

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
/// What a case judges of a call: its decrypted wire, a sentence on how it went (for failure
/// messages), and the target's connection states in order.
pub struct LiveCall {
    pub view: WireView,
    pub summary: String,
    pub target_states: Vec<String>,
    /// The target's description (its offer or its answer), as it sent it.
    pub target_sdp: String,
    /// What the target reported receiving on data channels, in order, with the label of the
    /// channel each came on.
    pub messages: Vec<(String, Payload)>,
    /// Every datagram the target sent the harness, with its time.
    pub from_target: Vec<rtcspec_harness::net::Datagram>,
    /// Every datagram the harness sent the target, as it went on the wire.
    pub to_target: Vec<rtcspec_harness::net::Datagram>,
    /// The SSLKEYLOGFILE lines that decrypt the call's DTLS.
    pub keylog: Vec<String>,
    /// What the impaired path between them was and did, if it was not perfect.
    pub path: Option<String>,
    /// Where the harness last sent the target a datagram: the target's end of the pair in
    /// use.
    pub target_addr: Option<std::net::SocketAddr>,
    /// The RTP packets the target reported taking in (event `rtp`: SSRC and sequence number),
    /// in order, a packet let through twice twice.
    pub rtp_taken: Vec<(u32, u16)>,
    /// Whether the call came up as its setup asked (the channel open on both sides, or DTLS
    /// done) within its time.
    pub established: bool,
    /// The labels of the data channels the target reported closed, in order.
    pub target_closed: Vec<String>,
    /// The target refused the signaling (the harness's offer or answer): which request, and
    /// its message.
    pub refused: Option<(String, String)>,
}

impl LiveCall {
    /// Whether the target reported receiving the text message `text`, on any channel.
    pub fn delivered(&self, text: &str) -> bool {
        self.messages.iter().any(|(_, m)| *m == Payload::Text(text.into()))
    }
}

pub fn call_and_read(ctx: &mut Ctx, offerer: Offerer) -> Result<LiveCall, Outcome> {
    call_and_read_setup(ctx, Setup::new(offerer))
}

/// The same, with the harness's description changed by `rewrite` before the target gets it.
pub fn call_and_read_with(
    ctx: &mut Ctx,
    offerer: Offerer,
    rewrite: Option<fn(&str) -> String>,
) -> Result<LiveCall, Outcome> {
    call_and_read_setup(ctx, Setup { rewrite, ..Setup::new(offerer) })
}

/// The same, with the harness's reference peer set up with `options`.
pub fn call_and_read_as(
    ctx: &mut Ctx,
    offerer: Offerer,
    rewrite: Option<fn(&str) -> String>,
    options: PeerOptions,
) -> Result<LiveCall, Outcome> {
    call_and_read_setup(ctx, Setup { rewrite, options, ..Setup::new(offerer) })
}

/// What happens in a call once its channel is open (the target sends, closes, ...).
pub type OnceEstablished = fn(&mut Call<'_>, &ChannelSpec) -> Result<(), CallError>;

/// How a call is set up: who offers (and creates the channel), the channel, the harness's
/// options and description rewrite, and what happens once the channel is open.
pub struct Setup {
    pub offerer: Offerer,
    pub channel: ChannelSpec,
    pub rewrite: Option<fn(&str) -> String>,
    pub options: PeerOptions,
    pub then: Option<OnceEstablished>,
    /// The call is up when DTLS is done (the harness's connection state `connected`), not
    /// when the channel is open: for cases about media, whatever the association does.
    pub until_connected: bool,
    /// How long the call has to come up (default [`CONNECT`]).
    pub connect: Duration,
}

impl Setup {
    pub fn new(offerer: Offerer) -> Setup {
        Setup {
            offerer,
            channel: ChannelSpec::reliable("rtcspec"),
            rewrite: None,
            options: PeerOptions::default(),
            then: None,
            until_connected: false,
            connect: CONNECT,
        }
    }
}

/// How long the harness sends audio once DTLS is up: as long as RFC 3550 §6.2 allows before
/// a receiver's first report, the 5 s minimum randomized up to 1.5 times (7.5 s). Halving the
/// first interval (3.75 s) is only recommended: str0m reports every 5 s from the start.
pub const AUDIO_FOR: Duration = Duration::from_millis(7500);
/// One Opus packet every 20 ms.
pub const PACKET_EVERY: Duration = Duration::from_millis(20);

/// Once the call is up, the harness sends audio for [`AUDIO_FOR`], or until the target has
/// sent `reports_wanted` RTCP packets.
pub fn send_audio_until(call: &mut Call<'_>, reports_wanted: usize) -> Result<(), CallError> {
    send_audio_within(call, reports_wanted, AUDIO_FOR)
}

/// The same, for at most `within`.
pub fn send_audio_within(call: &mut Call<'_>, reports_wanted: usize, within: Duration) -> Result<(), CallError> {
    let until = std::time::Instant::now() + within;
    let local = call.harness.local_addr();
    let reports = |call: &Call<'_>| {
        call.harness.datagrams().iter().filter(|d| d.from != local && classify(&d.bytes) == Protocol::Rtcp).count()
    };
    while std::time::Instant::now() < until && reports(call) < reports_wanted {
        call.harness.send_audio().map_err(CallError::Harness)?;
        call.run_for(PACKET_EVERY)?;
    }
    Ok(())
}

/// Runs the call (sending audio if `with_audio`) until the target sends RTCP, from now on,
/// or [`AUDIO_FOR`] passes.
pub fn until_next_target_rtcp(call: &mut Call<'_>, with_audio: bool) -> Result<(), CallError> {
    let from = call.harness.datagrams().len();
    let local = call.harness.local_addr();
    let until = std::time::Instant::now() + AUDIO_FOR;
    while std::time::Instant::now() < until {
        if with_audio {
            call.harness.send_audio().map_err(CallError::Harness)?;
        }
        call.run_for(PACKET_EVERY)?;
        if call.harness.datagrams()[from..].iter().any(|d| d.from != local && classify(&d.bytes) == Protocol::Rtcp) {
            break;
        }
    }
    Ok(())
}

/// Why the call cannot come up any more, if it cannot: the target reported the state
/// `failed` or `closed`, sent a DTLS alert, or both sides sent a ClientHello (both took the
/// client role). The waits for the channel stop there.
fn gave_up(call: &Call<'_>) -> Option<String> {
    let local = call.harness.local_addr();
    let state = call.target_events.iter().find_map(|e| match e {
        PeerEvent::ConnectionState(s) if s == "failed" || s == "closed" => Some(s.clone()),
        _ => None,
    });
    if let Some(state) = state {
        return Some(format!("it reported the connection state {state}"));
    }
    let datagrams = call.harness.datagrams();
    if let Some(alert) = datagrams.iter().find(|d| d.from != local && d.bytes.first() == Some(&ALERT)) {
        // An epoch-0 alert is plaintext: its level and description say why.
        let what = match (alert.bytes.get(3..5), alert.bytes.get(RECORD_HEADER..RECORD_HEADER + 2)) {
            (Some([0, 0]), Some([level, description])) => format!(" (level {level}, description {description})"),
            _ => " (encrypted)".to_string(),
        };
        return Some(format!("it sent a DTLS alert{what}"));
    }
    let client_hello = |d: &&rtcspec_harness::net::Datagram| {
        d.bytes.first() == Some(&HANDSHAKE) && d.bytes.get(RECORD_HEADER) == Some(&CLIENT_HELLO)
    };
    let (ours, theirs): (Vec<_>, Vec<_>) = datagrams.iter().filter(client_hello).partition(|d| d.from == local);
    (!ours.is_empty() && !theirs.is_empty()).then(|| "both sides sent a DTLS ClientHello".to_string())
}

/// A call as `setup` says, read as for [`call_and_read`]. A `then` step that the target
/// refuses or fails costs the case as an Error (or Crash/Timeout).
pub fn call_and_read_setup(ctx: &mut Ctx, setup: Setup) -> Result<LiveCall, Outcome> {
    let mut peer = ctx.take_peer()?;
    let read = call_and_read_on(ctx, peer.as_mut(), setup);
    // Back in the session, so a case can make another call (a control) on the same target.
    ctx.return_peer(peer);
    read
}

fn call_and_read_on(
    ctx: &mut Ctx,
    peer: &mut dyn rtcspec_harness::peer::RemotePeer,
    setup: Setup,
) -> Result<LiveCall, Outcome> {
    let Setup { offerer, channel, rewrite, options, then, until_connected, connect } = setup;
    let role = if offerer == Offerer::Target { "offerer" } else { "answerer" };
    let mut call = Call::start_with(peer, role, options).map_err(Outcome::from)?;
    call.rewrite_harness_sdp = rewrite;
    let negotiated = match offerer {
        Offerer::Target => call.negotiate_target_offering(&channel),
        Offerer::Harness => call.negotiate_harness_offering(&channel),
    };
    let opened = |e: &PeerEvent| matches!(e, PeerEvent::ChannelOpen(c) if c.label == channel.label);
    // DTLS done, as the harness's own connection reports it (a target may report its state
    // late, or only once every transport is up).
    let dtls_up = |e: &PeerEvent| matches!(e, PeerEvent::ConnectionState(s) if s == "connected");
    let deadline = std::time::Instant::now() + connect;
    let connected = negotiated.and_then(|()| loop {
        if until_connected && call.harness_events.iter().any(dtls_up) {
            break Ok(());
        }
        if !until_connected && call.target_events.iter().any(opened) {
            break call.wait_open(&channel.label, deadline.saturating_duration_since(std::time::Instant::now()));
        }
        if let Some(why) = gave_up(&call) {
            break Err(CallError::Timeout(format!("a call the target gave up on ({why})")));
        }
        if std::time::Instant::now() >= deadline {
            break Err(CallError::Timeout("the target to report the data channel open".into()));
        }
        call.run_for(Duration::from_millis(10))?;
    });
    let connected = match (connected, then) {
        (Ok(()), Some(then)) => {
            if let Err(e) = then(&mut call, &channel) {
                ctx.keep_call(&mut call);
                return Err(Outcome::from(e));
            }
            Ok(())
        }
        (connected, _) => connected,
    };
    // The target failing a request (crash, hang, garbage) costs the case as such, so the
    // runner restarts it.
    if let Err(e @ CallError::Target(_)) = &connected {
        ctx.keep_call(&mut call);
        return Err(Outcome::from(e.clone()));
    }
    // A call that did not come up is what some cases judge: give it time to show how (SCTP
    // INIT retransmissions, alerts), unless the target already gave up.
    if connected.is_err() && gave_up(&call).is_none() {
        call.run_for(AFTER_DTLS).map_err(Outcome::from)?;
    }
    let keylog = ctx.keep_call(&mut call);
    let view = WireView::read(call.harness.datagrams(), call.harness.local_addr(), &keylog);
    let established = connected.is_ok();
    let refused = match &connected {
        Err(CallError::Refused { op, error }) => Some((op.clone(), error.clone())),
        _ => None,
    };
    let summary = match connected {
        Ok(()) if until_connected => "DTLS completed".to_string(),
        Ok(()) => "the data channel opened on both sides".to_string(),
        Err(e) => format!("the call did not complete: {e}"),
    };
    let target_states: Vec<String> = call
        .target_events
        .iter()
        .filter_map(|e| match e {
            PeerEvent::ConnectionState(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let summary = format!("{summary}; the target reported connection states [{}]", target_states.join(", "));
    let target_sdp = call.descriptions().0.unwrap_or_default().to_string();
    let messages = call
        .target_events
        .iter()
        .filter_map(|e| match e {
            PeerEvent::Message { label, payload, .. } => Some((label.clone(), payload.clone())),
            _ => None,
        })
        .collect();
    let rtp_taken = call
        .target_events
        .iter()
        .filter_map(|e| match e {
            PeerEvent::Rtp { ssrc, seq } => Some((*ssrc, *seq)),
            _ => None,
        })
        .collect();
    let target_closed = call
        .target_events
        .iter()
        .filter_map(|e| match e {
            PeerEvent::ChannelClose { label, .. } => Some(label.clone()),
            _ => None,
        })
        .collect();
    let local = call.harness.local_addr();
    let (to_target, from_target) = call.harness.datagrams().iter().cloned().partition(|d| d.from == local);
    let path = call.harness.impairment_summary();
    let target_addr = call.harness.datagrams().iter().rev().find(|d| d.from == local).map(|d| d.to);
    Ok(LiveCall {
        view,
        summary,
        target_states,
        target_sdp,
        messages,
        rtp_taken,
        from_target,
        to_target,
        keylog,
        path,
        target_addr,
        established,
        target_closed,
        refused,
    })
}

/// The harness's part once a channel is open: nothing more, a little time for late chunks.
pub fn wait_for_late_chunks(call: &mut Call<'_>, _: &ChannelSpec) -> Result<(), CallError> {
    call.run_for(Duration::from_millis(200))
}

/// A DATA_CHANNEL_OPEN message (RFC 8832 §5.1) and the chunk it came in.
#[derive(Debug, Clone)]
pub struct Open {
    pub chunk: Data,
    pub channel_type: u8,
    pub reliability: u32,
    pub label: String,
    pub protocol: String,
}

impl Open {
    /// Reads a DATA chunk's user data as DATA_CHANNEL_OPEN, whatever its PPID (a case may be
    /// judging the PPID).
    pub fn read(chunk: &Data) -> Option<Open> {
        let open = rtcspec_wire::dcep::Open::parse(&chunk.payload)?;
        Some(Open {
            chunk: chunk.clone(),
            channel_type: open.channel_type,
            reliability: open.reliability,
            label: open.label,
            protocol: open.protocol,
        })
    }
}

/// The first DATA_CHANNEL_OPEN `from` sent for the channel `label`.
pub fn open_from(view: &WireView, from: Side, label: &str) -> Option<Open> {
    view.data_from(from).iter().filter_map(Open::read).find(|o| o.label == label)
}

/// The call most data channel cases use: the target offers and creates the channel, the
/// harness answers `a=setup:passive` (the target is the DTLS client). Every stack here
/// brings an association up this way (RFC 8841 §9.3 is judged by its own cases).
pub fn target_channel(then: OnceEstablished) -> Setup {
    let options = PeerOptions { answer_as_dtls_server: true, ..PeerOptions::default() };
    Setup { options, then: Some(then), ..Setup::new(Offerer::Target) }
}
