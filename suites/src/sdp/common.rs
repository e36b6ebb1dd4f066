//! The SDP suite's building blocks: a well-formed JSEP offer, one-defect variants of it, and
//! what a round trip kept, read with rtcspec's own reader.

use rtcspec_harness::sdp::Sdp;
use rtcspec_harness::{Capability, Case, Ctx, Level, Outcome, Spec, Verdict};

/// A JSEP offer as browsers write it: audio, video and data, bundled, one candidate.
pub const OFFER: &str = "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0 1 2\r\n\
a=extmap-allow-mixed\r\n\
a=msid-semantic: WMS stream0\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=candidate:1467250027 1 udp 2122260223 192.0.2.1 46243 typ host generation 0\r\n\
a=ice-ufrag:4ZcD\r\n\
a=ice-pwd:2/1muCWoOi3uLifh0NuRHlch\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2\r\n\
a=setup:actpass\r\n\
a=mid:0\r\n\
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n\
a=sendrecv\r\n\
a=msid:stream0 track0\r\n\
a=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=rtcp-fb:111 transport-cc\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=ssrc:1001 cname:rtcspec\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=ice-ufrag:4ZcD\r\n\
a=ice-pwd:2/1muCWoOi3uLifh0NuRHlch\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2\r\n\
a=setup:actpass\r\n\
a=mid:1\r\n\
a=sendrecv\r\n\
a=msid:stream0 track1\r\n\
a=rtcp-mux\r\n\
a=rtcp-rsize\r\n\
a=rtpmap:96 VP8/90000\r\n\
a=rtcp-fb:96 nack\r\n\
a=rtcp-fb:96 nack pli\r\n\
a=rtpmap:97 rtx/90000\r\n\
a=fmtp:97 apt=96\r\n\
a=ssrc-group:FID 2001 2002\r\n\
a=ssrc:2001 cname:rtcspec\r\n\
a=ssrc:2002 cname:rtcspec\r\n\
m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n\
c=IN IP4 0.0.0.0\r\n\
a=ice-ufrag:4ZcD\r\n\
a=ice-pwd:2/1muCWoOi3uLifh0NuRHlch\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2\r\n\
a=setup:actpass\r\n\
a=mid:2\r\n\
a=sctp-port:5000\r\n\
a=max-message-size:262144\r\n";

pub const SDP: &[Capability] = &[Capability::SdpCodec];

pub const fn case(
    id: &'static str,
    title: &'static str,
    doc: &'static str,
    section: &'static str,
    level: Level,
    text: &'static str,
    run: fn(&mut Ctx) -> Verdict,
) -> Case {
    Case { id, suite: "sdp", title, spec: Spec { doc, section, level, text }, covers: &[], tags: &[], needs: SDP, run }
}

/// The offer with the first occurrence of `from` replaced by `to` (panics only on a typo in
/// a case, which the suite's tests catch).
pub fn variant(from: &str, to: &str) -> String {
    assert!(OFFER.contains(from), "the base offer has no {from:?}");
    OFFER.replacen(from, to, 1)
}

/// Round-trips the well-formed offer: the control every rejection case needs.
pub fn control(ctx: &mut Ctx) -> Result<String, Outcome> {
    ctx.sdp_round_trip(OFFER)?
        .map_err(|reason| Outcome::Error { why: format!("control: the well-formed offer was rejected ({reason})") })
}

/// A parser must reject `bad` (and accept the well-formed offer).
pub fn expect_rejected(ctx: &mut Ctx, bad: &str, what: &str) -> Verdict {
    control(ctx)?;
    Ok(match ctx.sdp_round_trip(bad)? {
        Err(_) => Outcome::Pass,
        Ok(_) => Outcome::fail(format!("{what} rejected"), "accepted"),
    })
}

/// A parser must accept `text`.
pub fn expect_accepted(ctx: &mut Ctx, text: &str, what: &str) -> Verdict {
    Ok(match ctx.sdp_round_trip(text)? {
        Ok(_) => Outcome::Pass,
        Err(reason) => Outcome::fail(format!("{what} accepted"), format!("rejected: {reason}")),
    })
}

/// Values of attribute `name` in each section, read from `text` with rtcspec's reader.
pub fn attribute_values(text: &str, name: &str) -> Vec<String> {
    let sdp = Sdp::parse(text.as_bytes());
    Sdp::attributes(&sdp.lines, name).map(|(_, v)| v.unwrap_or("").to_string()).collect()
}

/// The m= lines of `text`, normalized (single spaces).
pub fn m_lines(text: &str) -> Vec<String> {
    let sdp = Sdp::parse(text.as_bytes());
    sdp.media.iter().map(|m| sdp.m_line(m).value.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}
