//! The RFC model of a JSEP answerer (RFC 9429 §5.8 then §5.3.1): it parses and verifies the
//! offer, then answers every m= section the way the RFC spells out. It is the known-good
//! control the answer cases are proven against, not a media stack: it supports a fixed set of
//! codecs and has no tracks of its own (its transceivers are sendrecv with nothing attached).

use super::sdp_codec::REJECTING_RULES;
use super::{SdpAnswerer, TargetError};
use crate::sdp::lint;
use crate::sdp::parse::{Line, Sdp};

/// Codecs the model can receive: encoding name (any case) and clock rate.
const SUPPORTED: [(&str, &str); 8] = [
    ("opus", "48000"),
    ("PCMU", "8000"),
    ("PCMA", "8000"),
    ("G722", "8000"),
    ("VP8", "90000"),
    ("VP9", "90000"),
    ("H264", "90000"),
    ("AV1", "90000"),
];

/// The model's certificate fingerprint (the answer only has to carry one).
const FINGERPRINT: &str =
    "sha-256 6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08";

/// The model answerer; `seed` makes its ICE credentials.
pub struct ModelAnswerer {
    seed: u64,
    /// Answers made so far: each is a new peer connection with new credentials.
    answers: u64,
}

impl ModelAnswerer {
    pub fn new(seed: u64) -> ModelAnswerer {
        ModelAnswerer { seed, answers: 0 }
    }
}

/// One offered m= section, as the answer needs it.
struct Offered<'s> {
    media: &'s str,
    port: &'s str,
    proto: &'s str,
    fmts: Vec<&'s str>,
    lines: &'s [Line<'s>],
}

impl<'s> Offered<'s> {
    fn attr(&self, name: &'s str) -> Option<&'s str> {
        Sdp::attributes(self.lines, name).next().map(|(_, v)| v.unwrap_or(""))
    }

    fn attrs(&self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        Sdp::attributes(self.lines, name).map(|(_, v)| v.unwrap_or(""))
    }

    fn has(&self, name: &'s str) -> bool {
        self.attr(name).is_some()
    }

    fn rejected(&self) -> bool {
        self.port == "0" && !self.has("bundle-only")
    }
}

/// `a=<name>` lines of `lines` whose value starts with `<pt> ` (rtpmap, fmtp, rtcp-fb).
fn for_payload<'s>(lines: &'s [Line<'s>], name: &'s str, pt: &'s str) -> impl Iterator<Item = &'s str> + 's {
    Sdp::attributes(lines, name).filter_map(move |(_, v)| v.filter(|v| v.split(' ').next() == Some(pt)))
}

/// RFC 9429 §5.8.3: the checks after parsing whose failure stops processing with an error.
fn verify(sdp: &Sdp, sections: &[Offered]) -> Result<(), String> {
    let session = |name: &'static str| Sdp::attributes(sdp.session(), name).next().is_some();
    for (i, s) in sections.iter().enumerate().filter(|(_, s)| s.port != "0") {
        let n = i + 1;
        for name in ["ice-ufrag", "ice-pwd", "fingerprint"] {
            if !s.has(name) && !session(name) {
                return Err(format!("m= section {n} has no a={name}, at media or session level (RFC 9429 §5.8.3)"));
            }
        }
        // The default RTP/RTCP multiplexing policy is "require" (RFC 9429 §4.1.1).
        if s.proto.contains("RTP/") && !s.has("rtcp-mux") {
            return Err(format!("m= section {n} has no a=rtcp-mux, which the require policy needs (RFC 9429 §5.8.3)"));
        }
        if s.has("rtcp-mux-only") && !s.has("rtcp-mux") {
            return Err(format!("m= section {n} has a=rtcp-mux-only without a=rtcp-mux (RFC 9429 §5.8.3)"));
        }
        let rids: Vec<&str> = s.attrs("rid").filter_map(|v| v.split(' ').next()).collect();
        if let Some(sim) = s.attr("simulcast") {
            let referenced = sim
                .split([' ', ';', ','])
                .map(|r| r.trim_start_matches('~'))
                .filter(|r| !r.is_empty() && *r != "send" && *r != "recv");
            for rid in referenced {
                if !rids.contains(&rid) {
                    return Err(format!(
                        "m= section {n}: a=simulcast names rid {rid:?} with no a=rid (RFC 9429 §5.8.3)"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Payload types the model keeps from an offered RTP section, in offered order.
fn common_formats<'s>(s: &Offered<'s>) -> Vec<&'s str> {
    let codec_of = |pt: &'s str| -> Option<(String, String)> {
        let map = for_payload(s.lines, "rtpmap", pt).next();
        let encoding = match (map, pt) {
            (Some(m), _) => m.split_once(' ')?.1,
            (None, "0") => "PCMU/8000",
            (None, "8") => "PCMA/8000",
            _ => return None,
        };
        let mut parts = encoding.split('/');
        Some((parts.next()?.to_string(), parts.next()?.to_string()))
    };
    let supported = |pt: &'s str| {
        codec_of(pt)
            .is_some_and(|(name, clock)| SUPPORTED.iter().any(|(n, c)| name.eq_ignore_ascii_case(n) && clock == *c))
    };
    let primary: Vec<&str> = s.fmts.iter().copied().filter(|pt| supported(pt)).collect();
    // rtx is kept for a kept primary codec (RFC 9429 §5.3.1, RFC 4588 §8.1).
    let rtx_for_kept = |pt: &'s str| {
        codec_of(pt).is_some_and(|(name, _)| name.eq_ignore_ascii_case("rtx"))
            && for_payload(s.lines, "fmtp", pt).any(|f| {
                f.split(' ').nth(1).and_then(|p| p.strip_prefix("apt=")).is_some_and(|apt| primary.contains(&apt))
            })
    };
    s.fmts.iter().copied().filter(|pt| primary.contains(pt) || rtx_for_kept(pt)).collect()
}

fn answer_direction(offered: &str) -> &'static str {
    match offered {
        "sendonly" => "recvonly",
        "recvonly" => "sendonly",
        "inactive" => "inactive",
        _ => "sendrecv",
    }
}

fn answer_setup(offered: Option<&str>) -> &'static str {
    // RFC 9429 §5.3.1: active for actpass; otherwise the role consistent with the offer.
    match offered {
        Some("active") => "passive",
        _ => "active",
    }
}

impl ModelAnswerer {
    /// ICE credentials for this answer; RFC 8839 §5.4 wants them random per session, the
    /// model derives them from the seed so runs reproduce.
    /// `transport` tells bundled sections (one transport per group) from unbundled ones, which
    /// RFC 9429 §5.3.1 wants with unique credentials.
    fn credentials(&self, transport: usize) -> (String, String) {
        // splitmix64's finalizer: every input bit reaches the low bits the ufrag uses.
        let mut x = self.seed ^ self.answers.rotate_left(32) ^ (transport as u64).rotate_left(48);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        (format!("mdl{:05x}", x & 0xFFFFF), format!("modelpassword{:016x}", x))
    }

    fn build(&self, offer: &str) -> Result<String, String> {
        let (findings, _) = lint::lint(offer.as_bytes());
        if let Some(f) = findings.iter().find(|f| REJECTING_RULES.contains(&f.rule)) {
            return Err(format!("line {}: {} ({})", f.line, f.message, f.rule));
        }
        let sdp = Sdp::parse(offer.as_bytes());
        if sdp.media.is_empty() {
            return Err("the offer has no m= section".into());
        }
        let sections: Vec<Offered> = sdp
            .media
            .iter()
            .map(|m| {
                let mut f = sdp.m_line(m).value.split(' ');
                let (media, port, proto) = (f.next().unwrap_or(""), f.next().unwrap_or(""), f.next().unwrap_or(""));
                Offered { media, port, proto, fmts: f.collect(), lines: sdp.body(m) }
            })
            .collect();
        verify(&sdp, &sections)?;

        let session_attr =
            |name: &'static str| Sdp::attributes(sdp.session(), name).next().map(|(_, v)| v.unwrap_or(""));
        let trickle = session_attr("ice-options").is_some() || sections.iter().any(|s| s.has("ice-options"));
        let session_direction =
            ["sendrecv", "sendonly", "recvonly", "inactive"].into_iter().find(|d| session_attr(d).is_some());
        let groups: Vec<Vec<&str>> = Sdp::attributes(sdp.session(), "group")
            .filter_map(|(_, v)| v?.strip_prefix("BUNDLE"))
            .map(|g| g.split(' ').filter(|m| !m.is_empty()).collect())
            .collect();

        let mut body = String::new();
        let mut accepted_mids = Vec::new();
        for (index, s) in sections.iter().enumerate() {
            let line = |out: &mut String, l: &str| {
                out.push_str(l);
                out.push_str("\r\n");
            };
            let mid = s.attr("mid");
            let is_rtp = s.proto.contains("RTP/");
            let is_data = s.media == "application" && s.proto.contains("SCTP") && s.fmts == ["webrtc-datachannel"];
            let formats = if is_rtp { common_formats(s) } else { Vec::new() };
            let accept = !s.rejected() && ((is_rtp && !formats.is_empty()) || is_data);
            if !accept {
                line(&mut body, &format!("m={} 0 {} {}", s.media, s.proto, s.fmts.join(" ")));
                line(&mut body, "c=IN IP4 0.0.0.0");
                if let Some(mid) = mid {
                    line(&mut body, &format!("a=mid:{mid}"));
                }
                continue;
            }
            if let Some(mid) = mid {
                accepted_mids.push(mid);
            }
            let transport =
                mid.and_then(|m| groups.iter().position(|g| g.contains(&m))).unwrap_or(groups.len() + index);
            let (ufrag, pwd) = self.credentials(transport);
            let fmt = if is_data { s.fmts.join(" ") } else { formats.join(" ") };
            line(&mut body, &format!("m={} 9 {} {fmt}", s.media, s.proto));
            line(&mut body, "c=IN IP4 0.0.0.0");
            line(&mut body, &format!("a=ice-ufrag:{ufrag}"));
            line(&mut body, &format!("a=ice-pwd:{pwd}"));
            if trickle {
                line(&mut body, "a=ice-options:trickle");
            }
            line(&mut body, &format!("a=fingerprint:{FINGERPRINT}"));
            line(&mut body, &format!("a=setup:{}", answer_setup(s.attr("setup").or(session_attr("setup")))));
            if let Some(mid) = mid {
                line(&mut body, &format!("a=mid:{mid}"));
            }
            if is_data {
                line(&mut body, "a=sctp-port:5000");
                line(&mut body, "a=max-message-size:262144");
                continue;
            }
            for ext in s.attrs("extmap") {
                line(&mut body, &format!("a=extmap:{ext}"));
            }
            let offered = ["sendrecv", "sendonly", "recvonly", "inactive"]
                .into_iter()
                .find(|d| s.has(d))
                .or(session_direction)
                .unwrap_or("sendrecv");
            line(&mut body, &format!("a={}", answer_direction(offered)));
            if s.has("rtcp-mux") {
                line(&mut body, "a=rtcp-mux");
            } else {
                line(&mut body, "a=rtcp:9 IN IP4 0.0.0.0");
            }
            if s.has("rtcp-rsize") {
                line(&mut body, "a=rtcp-rsize");
            }
            for pt in &formats {
                for name in ["rtpmap", "rtcp-fb", "fmtp"] {
                    for v in for_payload(s.lines, name, pt) {
                        line(&mut body, &format!("a={name}:{v}"));
                    }
                }
            }
        }

        let mut head = format!("v=0\r\no=- {} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", self.seed % 1_000_000_007 + 1);
        // BUNDLE: every offered mid of each group that the answer did not reject, in order.
        for group in Sdp::attributes(sdp.session(), "group").filter_map(|(_, v)| v?.strip_prefix("BUNDLE")) {
            let mids: Vec<&str> = group.split(' ').filter(|m| accepted_mids.contains(m)).collect();
            if !mids.is_empty() {
                head.push_str(&format!("a=group:BUNDLE {}\r\n", mids.join(" ")));
            }
        }
        Ok(head + &body)
    }
}

impl SdpAnswerer for ModelAnswerer {
    fn answer(&mut self, offer: &str) -> Result<Result<String, String>, TargetError> {
        self.answers += 1;
        Ok(self.build(offer))
    }
}
