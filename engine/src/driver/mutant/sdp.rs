//! SDP faults: each row is one kind of bug seen in real SDP parsers and serializers. A fault
//! either refuses input a correct parser accepts, accepts what it must refuse, or loses or
//! changes lines on the way back out.

use super::super::{SdpCodec, TargetError};

/// One SDP fault: its name on the command line, what it breaks, and how.
pub struct SdpFault {
    pub name: &'static str,
    pub description: &'static str,
    pub effect: Effect,
}

pub enum Effect {
    /// The parser accepts any text and echoes it back.
    AcceptAnything,
    /// The parser refuses descriptions for which this gives a reason.
    Refuse(fn(&str) -> Option<&'static str>),
    /// The round trip loses every `a=<name>` line (`b=` lines for "b").
    DropAttribute(&'static str),
    /// The round trip rewrites the lines that start with the prefix.
    Rewrite(&'static str, fn(&mut String)),
    /// The round trip loses the last m= section.
    DropLastSection,
    /// The serializer ends lines with LF alone.
    LfOutput,
}

/// Attribute values of `a=<name>` lines in `sdp`.
fn values<'s>(sdp: &'s str, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
    sdp.lines().filter_map(move |l| {
        let rest = l.trim_end_matches('\r').strip_prefix("a=")?.strip_prefix(name)?;
        if rest.is_empty() {
            Some("")
        } else {
            rest.strip_prefix(':')
        }
    })
}

fn candidates(sdp: &str) -> impl Iterator<Item = Vec<&str>> {
    values(sdp, "candidate").map(|v| v.split(' ').collect())
}

fn refuse_if(cond: bool, why: &'static str) -> Option<&'static str> {
    cond.then_some(why)
}

/// Attributes the `sdp-reject-unknown-attributes` parser knows (those JSEP uses).
const KNOWN_ATTRIBUTES: [&str; 31] = [
    "group",
    "extmap-allow-mixed",
    "msid-semantic",
    "rtcp",
    "candidate",
    "ice-ufrag",
    "ice-pwd",
    "ice-options",
    "ice-lite",
    "end-of-candidates",
    "fingerprint",
    "setup",
    "tls-id",
    "mid",
    "extmap",
    "sendrecv",
    "sendonly",
    "recvonly",
    "inactive",
    "msid",
    "rtcp-mux",
    "rtcp-mux-only",
    "rtcp-rsize",
    "rtpmap",
    "rtcp-fb",
    "fmtp",
    "ssrc",
    "ssrc-group",
    "sctp-port",
    "max-message-size",
    "bundle-only",
];

/// Candidate extensions the `sdp-reject-candidate-extensions` parser knows.
const KNOWN_CANDIDATE_EXTENSIONS: [&str; 4] = ["raddr", "rport", "tcptype", "generation"];

macro_rules! drop_attribute {
    ($($attr:literal),* $(,)?) => {
        [$(SdpFault {
            name: concat!("sdp-drop-", $attr),
            description: concat!("SDP round trip loses a=", $attr, " lines"),
            effect: Effect::DropAttribute($attr),
        }),*]
    };
}

/// Attributes whose loss a `...-kept` case detects, one `sdp-drop-<name>` fault each.
const DROPS: [SdpFault; 25] = drop_attribute![
    "imageattr",
    "candidate",
    "fingerprint",
    "group",
    "ice-lite",
    "ice-options",
    "setup",
    "tls-id",
    "extmap",
    "end-of-candidates",
    "rtpmap",
    "fmtp",
    "ptime",
    "maxptime",
    "sendonly",
    "ssrc",
    "rtcp-fb",
    "rtcp-mux",
    "rtcp-mux-only",
    "rtcp-rsize",
    "msid",
    "rid",
    "simulcast",
    "sctp-port",
    "max-message-size",
];

const OTHERS: [SdpFault; 19] = [
    SdpFault {
        name: "sdp-ufrag-max-32",
        description: "SDP parser rejects an ice-ufrag longer than 32 characters (the sending limit)",
        effect: Effect::Refuse(|s| refuse_if(values(s, "ice-ufrag").any(|u| u.len() > 32), "ice-ufrag too long")),
    },
    SdpFault {
        name: "sdp-require-direction",
        description: "SDP parser rejects RTP m= sections without a direction attribute",
        effect: Effect::Refuse(|s| {
            let bare = s
                .split("\nm=")
                .skip(1)
                .filter(|section| section.lines().next().is_some_and(|m| m.contains("RTP/")))
                .any(|section| {
                    ["sendrecv", "sendonly", "recvonly", "inactive"].iter().all(|d| values(section, d).next().is_none())
                });
            refuse_if(bare, "no direction attribute")
        }),
    },
    SdpFault {
        name: "sdp-drop-bandwidth",
        description: "SDP round trip loses b= lines",
        effect: Effect::DropAttribute("b"),
    },
    SdpFault {
        name: "sdp-reject-lf",
        description: "SDP parser rejects LF-only line endings",
        effect: Effect::Refuse(|s| refuse_if(s.split_inclusive('\n').any(|l| !l.ends_with("\r\n")), "LF line ending")),
    },
    SdpFault {
        name: "sdp-accept-anything",
        description: "SDP parser accepts any text and echoes it back",
        effect: Effect::AcceptAnything,
    },
    SdpFault {
        name: "sdp-reject-unknown-attributes",
        description: "SDP parser rejects attributes outside a small known set",
        effect: Effect::Refuse(|s| {
            let unknown = s.lines().filter_map(|l| l.strip_prefix("a=")).any(|a| {
                let name = a.split(':').next().unwrap_or("");
                !KNOWN_ATTRIBUTES.contains(&name)
            });
            refuse_if(unknown, "unknown attribute")
        }),
    },
    SdpFault {
        name: "sdp-reject-bundle",
        description: "SDP parser rejects descriptions with a=group:BUNDLE",
        effect: Effect::Refuse(|s| refuse_if(s.contains("a=group:BUNDLE"), "BUNDLE is not supported")),
    },
    SdpFault {
        name: "sdp-udp-only",
        description: "SDP parser rejects candidates whose transport is not udp",
        effect: Effect::Refuse(|s| {
            refuse_if(candidates(s).any(|c| c.get(2).is_some_and(|t| *t != "udp")), "candidate transport")
        }),
    },
    SdpFault {
        name: "sdp-ipv4-only",
        description: "SDP parser rejects IPv6 addresses in candidates and c= lines",
        effect: Effect::Refuse(|s| {
            let v6 = candidates(s).any(|c| c.get(4).is_some_and(|a| a.contains(':'))) || s.contains("IN IP6 ");
            refuse_if(v6, "IPv6 address")
        }),
    },
    SdpFault {
        name: "sdp-ip-literals-only",
        description: "SDP parser rejects candidates whose address is a name (FQDN or mDNS .local)",
        effect: Effect::Refuse(|s| {
            let named = candidates(s)
                .any(|c| c.get(4).is_some_and(|a| a.parse::<std::net::IpAddr>().is_err() && !a.is_empty()));
            refuse_if(named, "candidate address is not an IP literal")
        }),
    },
    SdpFault {
        name: "sdp-host-candidates-only",
        description: "SDP parser rejects srflx, prflx and relay candidates",
        effect: Effect::Refuse(|s| {
            refuse_if(candidates(s).any(|c| c.get(7).is_some_and(|t| *t != "host")), "candidate type")
        }),
    },
    SdpFault {
        name: "sdp-reject-candidate-extensions",
        description: "SDP parser rejects candidates with extension attributes it does not know",
        effect: Effect::Refuse(|s| {
            let unknown = candidates(s)
                .any(|c| c.iter().skip(8).step_by(2).any(|name| !KNOWN_CANDIDATE_EXTENSIONS.contains(name)));
            refuse_if(unknown, "unknown candidate extension")
        }),
    },
    SdpFault {
        name: "sdp-case-sensitive-tokens",
        description: "SDP parser matches transport and hash names case-sensitively (lower case only)",
        effect: Effect::Refuse(|s| {
            let upper = |t: &str| t.bytes().any(|b| b.is_ascii_uppercase());
            let bad = candidates(s).any(|c| c.get(2).is_some_and(|t| upper(t)))
                || values(s, "fingerprint").any(|v| upper(v.split(' ').next().unwrap_or("")));
            refuse_if(bad, "unknown token")
        }),
    },
    SdpFault {
        name: "sdp-single-fingerprint",
        description: "SDP parser rejects more than one a=fingerprint in a section",
        effect: Effect::Refuse(|s| {
            let most = s.split("\nm=").map(|section| values(section, "fingerprint").count()).max();
            refuse_if(most.unwrap_or(0) > 1, "several fingerprints")
        }),
    },
    SdpFault {
        name: "sdp-reject-port-zero",
        description: "SDP parser rejects m= lines with port 0 (rejected or bundle-only sections)",
        effect: Effect::Refuse(|s| {
            let zero = s.lines().filter_map(|l| l.strip_prefix("m=")).any(|m| m.split(' ').nth(1) == Some("0"));
            refuse_if(zero, "port 0")
        }),
    },
    SdpFault { name: "sdp-lf-output", description: "SDP serializer ends lines with LF only", effect: Effect::LfOutput },
    SdpFault {
        name: "sdp-mangle-mid",
        description: "SDP round trip changes a=mid values",
        effect: Effect::Rewrite("a=mid:", |l| l.push('x')),
    },
    SdpFault {
        name: "sdp-mangle-ice",
        description: "SDP round trip changes ice-ufrag and ice-pwd",
        effect: Effect::Rewrite("a=ice-", |l| {
            if l.starts_with("a=ice-ufrag:") || l.starts_with("a=ice-pwd:") {
                l.push('Z')
            }
        }),
    },
    SdpFault {
        name: "sdp-drop-media",
        description: "SDP round trip loses the last m= section",
        effect: Effect::DropLastSection,
    },
];

/// Every SDP fault, in the order `rtcspec targets` lists them.
pub fn all() -> impl Iterator<Item = &'static SdpFault> {
    OTHERS.iter().chain(DROPS.iter())
}

/// An SDP codec with faults.
pub struct FaultySdp {
    inner: Box<dyn SdpCodec>,
    faults: Vec<&'static SdpFault>,
}

impl FaultySdp {
    /// Wraps `inner` with the SDP faults among `faults` (the others are not about SDP).
    pub fn new(inner: Box<dyn SdpCodec>, faults: &[super::Fault]) -> FaultySdp {
        let faults =
            faults.iter().filter_map(|f| all().find(|s| matches!(f, super::Fault::Sdp(n) if *n == s.name))).collect();
        FaultySdp { inner, faults }
    }
}

fn drops(line: &str, attr: &str) -> bool {
    if attr == "b" {
        return line.starts_with("b=");
    }
    let rest = line.strip_prefix("a=").and_then(|a| a.strip_prefix(attr));
    rest.is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
}

impl SdpCodec for FaultySdp {
    fn round_trip(&mut self, sdp: &str) -> Result<Result<String, String>, TargetError> {
        for f in &self.faults {
            match f.effect {
                Effect::AcceptAnything => return Ok(Ok(sdp.to_string())),
                Effect::Refuse(refuses) => {
                    if let Some(why) = refuses(sdp) {
                        return Ok(Err(format!("{why} ({})", f.name)));
                    }
                }
                _ => {}
            }
        }
        let out = match self.inner.round_trip(sdp)? {
            Ok(out) => out,
            rejected => return Ok(rejected),
        };
        let mut lines: Vec<String> = out.lines().map(str::to_string).collect();
        let mut eol = "\r\n";
        for f in &self.faults {
            match f.effect {
                Effect::DropAttribute(attr) => lines.retain(|l| !drops(l, attr)),
                Effect::Rewrite(prefix, rewrite) => {
                    lines.iter_mut().filter(|l| l.starts_with(prefix)).for_each(rewrite);
                }
                Effect::DropLastSection => {
                    if let Some(last_m) = lines.iter().rposition(|l| l.starts_with("m=")) {
                        lines.truncate(last_m);
                    }
                }
                Effect::LfOutput => eol = "\n",
                Effect::AcceptAnything | Effect::Refuse(_) => {}
            }
        }
        Ok(Ok(lines.iter().map(|l| format!("{l}{eol}")).collect()))
    }
}
