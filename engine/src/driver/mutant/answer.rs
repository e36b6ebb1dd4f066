//! JSEP answerer faults: each row is one way real answerers get RFC 9429 §5.3.1 or §5.8.3
//! wrong. Most rewrite the answer; `answer-lenient-offer` repairs the offer first, so an
//! offer the RFC says to refuse gets answered.

use super::super::{SdpAnswerer, TargetError};
use super::Fault;

pub struct AnswerFault {
    pub name: &'static str,
    pub description: &'static str,
    effect: Effect,
}

enum Effect {
    /// Refuses offers for which this gives a reason.
    Refuse(fn(&str) -> Option<&'static str>),
    /// Rewrites the offer before the answerer sees it.
    Repair(fn(&str) -> String),
    /// Rewrites the answer's lines; the offer is there for faults that copy from it.
    Rewrite(fn(&str, &mut Vec<String>)),
}

/// Applies `f` to the lines that start with `prefix`.
fn each(lines: &mut [String], prefix: &str, f: impl Fn(&mut String)) {
    lines.iter_mut().filter(|l| l.starts_with(prefix)).for_each(f);
}

/// The m= line's fields, rewritten by `f` (fields: media, port, proto, formats...).
fn m_fields(lines: &mut [String], f: impl Fn(&mut Vec<String>)) {
    each(lines, "m=", |l| {
        let mut fields: Vec<String> = l[2..].split(' ').map(str::to_string).collect();
        f(&mut fields);
        *l = format!("m={}", fields.join(" "));
    });
}

const FAULTS: [AnswerFault; 23] = [
    AnswerFault {
        name: "answer-bundle-rejected-mids",
        description: "the answer's BUNDLE group keeps the mids of m= sections it rejected",
        effect: Effect::Rewrite(|_, l| {
            let mut rejected = Vec::new();
            let mut in_rejected = false;
            for x in l.iter() {
                if let Some(m) = x.strip_prefix("m=") {
                    in_rejected = m.split(' ').nth(1) == Some("0");
                } else if let Some(mid) = x.strip_prefix("a=mid:").filter(|_| in_rejected) {
                    rejected.push(mid.to_string());
                }
            }
            each(l, "a=group:BUNDLE", |g| {
                for mid in &rejected {
                    if !g.split(' ').any(|m| m == mid) {
                        g.push_str(&format!(" {mid}"));
                    }
                }
            });
        }),
    },
    AnswerFault {
        name: "answer-refuse-long-ufrag",
        description: "offers whose ice-ufrag is longer than 32 characters are refused",
        effect: Effect::Refuse(|o| {
            let long = o.lines().filter_map(|l| l.trim_end().strip_prefix("a=ice-ufrag:")).any(|u| u.len() > 32);
            long.then_some("ice-ufrag too long")
        }),
    },
    AnswerFault {
        name: "answer-refuse-mdns-candidates",
        description: "offers with a candidate whose address is an mDNS name are refused",
        effect: Effect::Refuse(|o| {
            let named = o
                .lines()
                .filter(|l| l.starts_with("a=candidate:"))
                .any(|l| l.split(' ').nth(4).is_some_and(|a| a.ends_with(".local")));
            named.then_some("failed to parse address")
        }),
    },
    AnswerFault {
        name: "answer-refuse-data-channels",
        description: "offers with a data channel m= section are refused",
        effect: Effect::Refuse(|o| o.contains("m=application ").then_some("data channels are not supported")),
    },
    AnswerFault {
        name: "answer-drop-section",
        description: "the answer has one m= section fewer than the offer",
        effect: Effect::Rewrite(|_, l| {
            if let Some(last) = l.iter().rposition(|x| x.starts_with("m=")) {
                l.truncate(last);
            }
        }),
    },
    AnswerFault {
        name: "answer-proto-mismatch",
        description: "the answer's m= lines change the offered proto (UDP/TLS/RTP/SAVPF, DTLS/SCTP)",
        effect: Effect::Rewrite(|_, l| {
            m_fields(l, |f| {
                f[2] = match f[2].as_str() {
                    "UDP/TLS/RTP/SAVPF" => "RTP/SAVPF".into(),
                    "DTLS/SCTP" => "UDP/DTLS/SCTP".into(),
                    other => other.into(),
                }
            })
        }),
    },
    AnswerFault {
        name: "answer-mangle-mid",
        description: "the answer's a=mid values differ from the offer's",
        effect: Effect::Rewrite(|_, l| each(l, "a=mid:", |x| x.push('x'))),
    },
    AnswerFault {
        name: "answer-port-not-9",
        description: "accepted m= sections get port 50000 although no candidate exists yet",
        effect: Effect::Rewrite(|_, l| {
            m_fields(l, |f| {
                if f[1] != "0" {
                    f[1] = "50000".into()
                }
            })
        }),
    },
    AnswerFault {
        name: "answer-no-c-line",
        description: "the answer has no c= lines",
        effect: Effect::Rewrite(|_, l| l.retain(|x| !x.starts_with("c="))),
    },
    AnswerFault {
        name: "answer-renumber-codec",
        description: "the answer maps an offered payload type to a different codec",
        effect: Effect::Rewrite(|_, l| {
            if let Some(x) = l.iter_mut().find(|x| x.starts_with("a=rtpmap:")) {
                if let Some((pt, _)) = x.split_once(' ') {
                    *x = format!("{pt} x-renamed/90000");
                }
            }
        }),
    },
    AnswerFault {
        name: "answer-reverse-formats",
        description: "the answer lists payload types in the reverse of the offered order",
        effect: Effect::Rewrite(|_, l| m_fields(l, |f| f[3..].reverse())),
    },
    AnswerFault {
        name: "answer-always-sendrecv",
        description: "the answer says sendrecv whatever the offered direction",
        effect: Effect::Rewrite(|_, l| {
            for d in ["a=sendonly", "a=recvonly", "a=inactive"] {
                each(l, d, |x| *x = "a=sendrecv".into());
            }
        }),
    },
    AnswerFault {
        name: "answer-setup-actpass",
        description: "the answer says a=setup:actpass",
        effect: Effect::Rewrite(|_, l| each(l, "a=setup:", |x| *x = "a=setup:actpass".into())),
    },
    AnswerFault {
        name: "answer-setup-passive",
        description: "the answer always says a=setup:passive",
        effect: Effect::Rewrite(|_, l| each(l, "a=setup:", |x| *x = "a=setup:passive".into())),
    },
    AnswerFault {
        name: "answer-echo-ice",
        description: "the answer reuses the offer's ice-ufrag and ice-pwd",
        effect: Effect::Rewrite(|offer, l| {
            for name in ["a=ice-ufrag:", "a=ice-pwd:"] {
                if let Some(theirs) = offer.lines().find(|x| x.starts_with(name)) {
                    each(l, name, |x| *x = theirs.trim_end().to_string());
                }
            }
        }),
    },
    AnswerFault {
        name: "answer-no-fingerprint",
        description: "the answer has no a=fingerprint",
        effect: Effect::Rewrite(|_, l| l.retain(|x| !x.starts_with("a=fingerprint:"))),
    },
    AnswerFault {
        name: "answer-drop-bundle",
        description: "the answer has no a=group:BUNDLE although the offer had one",
        effect: Effect::Rewrite(|_, l| l.retain(|x| !x.starts_with("a=group:BUNDLE"))),
    },
    AnswerFault {
        name: "answer-bundle-only",
        description: "the answer marks its m= sections a=bundle-only",
        effect: Effect::Rewrite(|_, l| {
            *l = l
                .iter()
                .flat_map(|x| {
                    let extra = x.starts_with("a=mid:").then(|| "a=bundle-only".to_string());
                    std::iter::once(x.clone()).chain(extra)
                })
                .collect();
        }),
    },
    AnswerFault {
        name: "answer-no-rtcp-mux",
        description: "the answer has no a=rtcp-mux although the offer had it",
        effect: Effect::Rewrite(|_, l| l.retain(|x| x != "a=rtcp-mux")),
    },
    AnswerFault {
        name: "answer-always-trickle",
        description: "the answer says a=ice-options:trickle although the offer did not",
        effect: Effect::Rewrite(|_, l| {
            if !l.iter().any(|x| x.starts_with("a=ice-options:")) {
                let at = l.iter().position(|x| x.starts_with("m=")).unwrap_or(l.len());
                l.insert(at, "a=ice-options:trickle".into());
            }
        }),
    },
    AnswerFault {
        name: "answer-no-sctp-port",
        description: "the answer's data section has no a=sctp-port",
        effect: Effect::Rewrite(|_, l| l.retain(|x| !x.starts_with("a=sctp-port:"))),
    },
    AnswerFault {
        name: "answer-accept-unsupported",
        description: "m= sections the answerer cannot use get port 9 instead of being rejected",
        effect: Effect::Rewrite(|_, l| {
            m_fields(l, |f| {
                if f[1] == "0" {
                    f[1] = "9".into()
                }
            })
        }),
    },
    AnswerFault {
        name: "answer-lenient-offer",
        description: "offers that RFC 9429 §5.8.3 refuses are repaired and answered",
        effect: Effect::Repair(repair),
    },
];

/// What a lenient answerer does with a broken offer: fills in what is missing and drops what
/// does not add up, so verification and parsing pass.
fn repair(offer: &str) -> String {
    let mut lines: Vec<String> = offer.lines().map(|l| l.trim_end_matches('\r').to_string()).collect();
    let first_m = lines.iter().position(|l| l.starts_with("m=")).unwrap_or(lines.len());
    let mut session = Vec::new();
    for (name, filler) in [
        ("a=ice-ufrag:", "a=ice-ufrag:lnnt"),
        ("a=ice-pwd:", "a=ice-pwd:lenientlenientlenient1"),
        (
            "a=fingerprint:",
            "a=fingerprint:sha-256 \
                00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
        ),
    ] {
        if !lines.iter().any(|l| l.starts_with(name)) {
            session.push(filler.to_string());
        }
    }
    lines.splice(first_m..first_m, session);
    lines.retain(|l| !l.starts_with("a=simulcast:") && l != "a=rtcp-mux-only");
    // Credentials too short are padded; RTP sections get the rtcp-mux they lack.
    for l in lines.iter_mut().filter(|l| l.starts_with("a=ice-ufrag:") && l.len() < "a=ice-ufrag:".len() + 4) {
        l.push_str("pad0");
    }
    let mut at = lines.len();
    while let Some(m) = lines[..at].iter().rposition(|l| l.starts_with("m=")) {
        let section = &lines[m..at];
        if section[0].contains("RTP/") && !section.iter().any(|l| l == "a=rtcp-mux") {
            lines.insert(at, "a=rtcp-mux".into());
        }
        at = m;
    }
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

pub fn all() -> impl Iterator<Item = &'static AnswerFault> {
    FAULTS.iter()
}

/// An answerer with faults.
pub struct FaultyAnswerer {
    inner: Box<dyn SdpAnswerer>,
    faults: Vec<&'static AnswerFault>,
}

impl FaultyAnswerer {
    /// Wraps `inner` with the answer faults among `faults`.
    pub fn new(inner: Box<dyn SdpAnswerer>, faults: &[Fault]) -> FaultyAnswerer {
        let faults =
            faults.iter().filter_map(|f| all().find(|a| matches!(f, Fault::Answer(n) if *n == a.name))).collect();
        FaultyAnswerer { inner, faults }
    }
}

impl SdpAnswerer for FaultyAnswerer {
    fn answer(&mut self, offer: &str) -> Result<Result<String, String>, TargetError> {
        let mut offer = offer.to_string();
        for f in &self.faults {
            match f.effect {
                Effect::Refuse(refuses) => {
                    if let Some(why) = refuses(&offer) {
                        return Ok(Err(format!("{why} ({})", f.name)));
                    }
                }
                Effect::Repair(repair) => offer = repair(&offer),
                Effect::Rewrite(_) => {}
            }
        }
        let answer = match self.inner.answer(&offer)? {
            Ok(answer) => answer,
            refused => return Ok(refused),
        };
        let mut lines: Vec<String> = answer.lines().map(str::to_string).collect();
        for f in &self.faults {
            if let Effect::Rewrite(rewrite) = f.effect {
                rewrite(&offer, &mut lines);
            }
        }
        Ok(Ok(lines.iter().map(|l| format!("{l}\r\n")).collect()))
    }
}
