//! The SDP suite's building blocks: a well-formed JSEP offer, one-defect variants of it, and
//! what a round trip kept, read with rtcspec's own reader.

pub mod answer;

use rtcspec_harness::sdp::Sdp;
use rtcspec_harness::{check, Capability, Ctx, Outcome, Verdict};

/// A JSEP offer as browsers write it: audio, video and data, bundled, one candidate.
pub const OFFER: &str = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 \
    0\r\na=group:BUNDLE 0 1 2\r\na=extmap-allow-mixed\r\na=msid-semantic: \
    WMS stream0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 \
    0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=candidate:1467250027 1 udp \
    2122260223 192.0.2.1 46243 typ host generation \
    0\r\na=ice-ufrag:4ZcD\r\na=ice-pwd:2/1muCWoOi3uLifh0NuRHlch\r\n\
    a=ice-options:trickle\r\na=fingerprint:sha-256 \
    19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0\
    E:05:E9:26:33:E8:70:88:A2\r\na=setup:actpass\r\na=mid:0\r\na=extmap:1 \
    urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=sendrecv\r\n\
    a=msid:stream0 track0\r\na=rtcp-mux\r\na=rtpmap:111 \
    opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 \
    minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\na=ssrc:1001 \
    cname:rtcspec\r\nm=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 \
    0.0.0.0\r\na=rtcp:9 IN IP4 \
    0.0.0.0\r\na=ice-ufrag:4ZcD\r\na=ice-pwd:2/1muCWoOi3uLifh0NuRHlch\r\n\
    a=ice-options:trickle\r\na=fingerprint:sha-256 \
    19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0\
    E:05:E9:26:33:E8:70:88:A2\r\na=setup:actpass\r\na=mid:1\r\n\
    a=sendrecv\r\na=msid:stream0 \
    track1\r\na=rtcp-mux\r\na=rtcp-rsize\r\na=rtpmap:96 \
    VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack \
    pli\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=ssrc-group:FID \
    2001 2002\r\na=ssrc:2001 cname:rtcspec\r\na=ssrc:2002 \
    cname:rtcspec\r\nm=application 9 UDP/DTLS/SCTP \
    webrtc-datachannel\r\nc=IN IP4 \
    0.0.0.0\r\na=ice-ufrag:4ZcD\r\na=ice-pwd:2/1muCWoOi3uLifh0NuRHlch\r\n\
    a=ice-options:trickle\r\na=fingerprint:sha-256 \
    19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0\
    E:05:E9:26:33:E8:70:88:A2\r\na=setup:actpass\r\na=mid:2\r\n\
    a=sctp-port:5000\r\na=max-message-size:262144\r\n";

pub const SDP: &[Capability] = &[Capability::SdpCodec];

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

/// Values of attribute `name` (or of `b=` lines for "b") in `text`, per section: index 0 is
/// the session section, then one entry per m= section.
pub fn values_by_section(text: &str, name: &str) -> Vec<Vec<String>> {
    let sdp = Sdp::parse(text.as_bytes());
    let mut sections = vec![sdp.session()];
    sections.extend(sdp.media.iter().map(|m| sdp.body(m)));
    sections
        .into_iter()
        .map(|lines| {
            if name == "b" {
                return lines.iter().filter(|l| l.kind == Some('b')).map(|l| l.value.to_string()).collect();
            }
            Sdp::attributes(lines, name).map(|(_, v)| v.unwrap_or("").to_string()).collect()
        })
        .collect()
}

/// Values of attribute `name` anywhere in `text`, in order.
pub fn attribute_values(text: &str, name: &str) -> Vec<String> {
    values_by_section(text, name).concat()
}

/// The part of an attribute value a parser must keep: candidates without their extensions
/// (RFC 8839 §5.1 lets a parser ignore name/value pairs it does not understand), msid
/// without its appdata (RFC 9429 §5.8.2 ignores it), fmtp parameters in any order, tokens
/// and hex without case (ABNF literals are case-insensitive), whitespace collapsed.
pub fn essential(name: &str, value: &str) -> String {
    let words: Vec<&str> = value.split_whitespace().collect();
    match name {
        "candidate" => {
            let mut core: Vec<String> = words.iter().take(8).map(|s| s.to_string()).collect();
            if let Some(t) = core.get_mut(2) {
                *t = t.to_ascii_lowercase();
            }
            for key in ["raddr", "rport"] {
                if let Some(i) = words.iter().position(|x| *x == key) {
                    core.extend([key.to_string(), words.get(i + 1).unwrap_or(&"").to_string()]);
                }
            }
            core.join(" ")
        }
        "fingerprint" => words.join(" ").to_ascii_uppercase(),
        "msid" => words.first().unwrap_or(&"").to_string(),
        "fmtp" => {
            let (pt, params) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
            let mut params: Vec<&str> = params.split(';').map(str::trim).filter(|p| !p.is_empty()).collect();
            params.sort_unstable();
            format!("{pt} {}", params.join(";"))
        }
        _ => words.join(" "),
    }
}

/// A parser must accept `text` and keep every value of attribute `name` (`b` for b= lines)
/// in its section, or at session level, which applies to every section.
pub fn expect_kept(ctx: &mut Ctx, text: &str, name: &str) -> Verdict {
    let label = if name == "b" { "b=".to_string() } else { format!("a={name}") };
    if text != OFFER {
        control(ctx)?;
    }
    let out = match ctx.sdp_round_trip(text)? {
        Ok(out) => out,
        Err(reason) => {
            return Ok(Outcome::fail(format!("the description with {label} accepted"), format!("rejected: {reason}")))
        }
    };
    let norm = |t: &str| -> Vec<Vec<String>> {
        values_by_section(t, name).iter().map(|vs| vs.iter().map(|v| essential(name, v)).collect()).collect()
    };
    let (want, got) = (norm(text), norm(&out));
    let empty = Vec::new();
    let session = got.first().unwrap_or(&empty);
    let mut lost = Vec::new();
    for (i, values) in want.iter().enumerate() {
        let here = got.get(i).unwrap_or(&empty);
        lost.extend(values.iter().filter(|v| !here.contains(v) && !session.contains(v)).map(|v| (i, v.clone())));
    }
    Ok(check(lost.is_empty(), format!("every {label} kept in its section"), || {
        let where_ = |i: usize| if i == 0 { "session".to_string() } else { format!("m= section {i}") };
        let line = |v: &str| match (name, v.is_empty()) {
            ("b", _) => format!("b={v}"),
            (_, true) => format!("a={name}"),
            (_, false) => format!("a={name}:{v}"),
        };
        let lost: Vec<String> = lost.iter().map(|(i, v)| format!("{} ({})", line(v), where_(*i))).collect();
        format!("lost {}", lost.join(", "))
    }))
}

/// The offer with `line` (CRLF added) inserted after the first occurrence of `anchor`.
pub fn inserted(anchor: &str, line: &str) -> String {
    variant(anchor, &format!("{anchor}{line}\r\n"))
}

/// The m= lines of `text`, normalized (single spaces).
pub fn m_lines(text: &str) -> Vec<String> {
    let sdp = Sdp::parse(text.as_bytes());
    sdp.media.iter().map(|m| sdp.m_line(m).value.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// The offer with its candidate replaced by `line`.
pub fn replaced_candidate(line: &str) -> String {
    variant(BASE, &format!("{line}\r\n"))
}

pub const BASE: &str = "a=candidate:1467250027 1 udp 2122260223 192.0.2.1 46243 typ host \
    generation 0\r\n";

/// The offer with `line` as a second candidate of the audio section.
pub fn with_candidate(line: &str) -> String {
    inserted(BASE, line)
}

/// The offer with ice-ufrag values of 256 ice-chars: the longest a receiver MUST accept.
pub fn long_ufrag_offer() -> String {
    OFFER.replace("a=ice-ufrag:4ZcD", &format!("a=ice-ufrag:{}", "4ZcD".repeat(64)))
}
