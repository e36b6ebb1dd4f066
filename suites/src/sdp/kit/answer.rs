//! What the answer cases read from a description: each m= section's fields and attributes,
//! owned, so a case can hold the offer and the answer side by side.

use rtcspec_harness::sdp::Sdp;

use super::OFFER;
use rtcspec_harness::{Capability, Ctx, Outcome, Verdict};

pub const ANSWERER: &[Capability] = &[Capability::SdpAnswerer];

pub struct Section {
    pub media: String,
    pub port: String,
    pub proto: String,
    pub fmts: Vec<String>,
    /// Type letter of the line right after the m= line.
    pub next_kind: Option<char>,
    pub c_line: Option<String>,
    attributes: Vec<(String, String)>,
}

pub struct Description {
    session: Vec<(String, String)>,
    pub sections: Vec<Section>,
}

fn attributes(lines: &[rtcspec_harness::sdp::parse::Line]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter(|l| l.kind == Some('a'))
        .map(|l| {
            let (name, value) = l.attribute();
            (name.to_string(), value.unwrap_or("").to_string())
        })
        .collect()
}

impl Description {
    pub fn parse(text: &str) -> Description {
        let sdp = Sdp::parse(text.as_bytes());
        let sections = sdp
            .media
            .iter()
            .map(|m| {
                let mut f = sdp.m_line(m).value.split_whitespace().map(str::to_string);
                let body = sdp.body(m);
                Section {
                    media: f.next().unwrap_or_default(),
                    port: f.next().unwrap_or_default(),
                    proto: f.next().unwrap_or_default(),
                    fmts: f.collect(),
                    next_kind: body.first().and_then(|l| l.kind),
                    c_line: body.iter().find(|l| l.kind == Some('c')).map(|l| l.value.to_string()),
                    attributes: attributes(body),
                }
            })
            .collect();
        Description { session: attributes(sdp.session()), sections }
    }

    pub fn session_attr(&self, name: &str) -> Option<&str> {
        self.session.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// `name` in the section, or else at session level (where it applies to every section).
    pub fn effective(&self, section: &Section, name: &str) -> Option<String> {
        section.attr(name).or(self.session_attr(name)).map(str::to_string)
    }

    /// The mids of the a=group:BUNDLE lines, per group.
    pub fn bundle_groups(&self) -> Vec<Vec<String>> {
        self.session
            .iter()
            .filter(|(n, _)| n == "group")
            .filter_map(|(_, v)| v.strip_prefix("BUNDLE").map(|m| m.split_whitespace().map(str::to_string).collect()))
            .collect()
    }
}

impl Section {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn attrs<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.attr(name).is_some()
    }

    pub fn rejected(&self) -> bool {
        self.port == "0"
    }

    pub fn direction(&self) -> Option<&'static str> {
        ["sendrecv", "sendonly", "recvonly", "inactive"].into_iter().find(|d| self.has(d))
    }

    /// The codec (name in lower case, clock rate) a payload type maps to, with the static
    /// types JSEP offers use.
    pub fn codec(&self, pt: &str) -> Option<(String, String)> {
        let map = self.attrs("rtpmap").find(|v| v.split(' ').next() == Some(pt));
        let encoding = match (map, pt) {
            (Some(m), _) => m.split_once(' ')?.1.to_string(),
            (None, "0") => "PCMU/8000".into(),
            (None, "8") => "PCMA/8000".into(),
            _ => return None,
        };
        let mut parts = encoding.split('/');
        Some((parts.next()?.to_ascii_lowercase(), parts.next()?.to_string()))
    }

    pub fn label(&self, i: usize) -> String {
        format!("m= section {} ({})", i + 1, self.media)
    }
}

/// Accepted sections that carry their own transport: those outside any BUNDLE group and the
/// first (tagged) section of each group. The others may omit TRANSPORT and IDENTICAL
/// attributes (RFC 9429 §5.3.1: "Each m= section that is not bundled into another").
pub fn transport_sections(answer: &Description) -> Vec<(usize, &Section)> {
    let groups = answer.bundle_groups();
    answer
        .sections
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.rejected())
        .filter(|(_, a)| {
            let mid = a.attr("mid").unwrap_or("");
            groups.iter().all(|g| !g.iter().any(|m| m == mid))
                || groups.iter().any(|g| g.first().is_some_and(|m| m == mid))
        })
        .collect()
}

/// The target's answer to `offer`, read; a refusal fails the case.
pub fn answer_to(ctx: &mut Ctx, offer: &str) -> Result<(Description, Description), Outcome> {
    match ctx.sdp_answer(offer)? {
        Ok(answer) => Ok((Description::parse(offer), Description::parse(&answer))),
        Err(reason) => Err(Outcome::fail("the offer answered", format!("refused: {reason}"))),
    }
}

/// The pairs of offered and answered m= sections; a count mismatch fails the case.
pub fn paired<'d>(offer: &'d Description, answer: &'d Description) -> Result<Vec<(&'d Section, &'d Section)>, Outcome> {
    if offer.sections.len() != answer.sections.len() {
        return Err(Outcome::fail(
            format!("{} m= sections, as offered", offer.sections.len()),
            format!("{}", answer.sections.len()),
        ));
    }
    Ok(offer.sections.iter().zip(&answer.sections).collect())
}

/// The answerer must refuse `offer` (RFC 9429 §5.8.3).
pub fn expect_refused(ctx: &mut Ctx, offer: &str, what: &str) -> Verdict {
    match ctx.sdp_answer(super::OFFER)? {
        Ok(_) => {}
        Err(reason) => {
            return Err(Outcome::Error { why: format!("control: the well-formed offer was refused ({reason})") })
        }
    }
    Ok(match ctx.sdp_answer(offer)? {
        Err(_) => Outcome::Pass,
        Ok(_) => Outcome::fail(format!("an offer with {what} refused with an error"), "answered"),
    })
}

/// Fails with every problem found, or passes.
pub fn verdict(expected: impl Into<String>, problems: Vec<String>) -> Verdict {
    Ok(if problems.is_empty() { Outcome::Pass } else { Outcome::fail(expected, problems.join("; ")) })
}

/// The accepted pairs of the answer to the base offer.
pub fn accepted(ctx: &mut Ctx, offer_text: &str) -> Result<(Description, Description), Outcome> {
    let (offer, answer) = answer_to(ctx, offer_text)?;
    paired(&offer, &answer)?;
    Ok((offer, answer))
}

pub fn fingerprint(ctx: &mut Ctx) -> Verdict {
    let (_, answer) = accepted(ctx, OFFER)?;
    let well_formed = |v: &str| {
        v.split_once(' ').is_some_and(|(hash, fp)| {
            !hash.is_empty() && fp.split(':').all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()))
        })
    };
    let problems = transport_sections(&answer)
        .into_iter()
        .filter_map(|(i, a)| match answer.effective(a, "fingerprint") {
            Some(v) if well_formed(&v) => None,
            Some(v) => Some(format!("{}: a=fingerprint:{v}", a.label(i))),
            None => Some(format!("{}: no a=fingerprint", a.label(i))),
        })
        .collect();
    verdict("a well-formed a=fingerprint for every accepted section", problems)
}

pub fn answered(ctx: &mut Ctx) -> Verdict {
    answer_to(ctx, OFFER)?;
    Ok(Outcome::Pass)
}

/// The base offer with a fourth audio section: `mid` 3, the given payload type and rtpmap,
/// in the BUNDLE group (with the group's ICE credentials) or outside it (with its own).
pub fn with_fourth_section(pt: &str, rtpmap: &str, bundled: bool) -> String {
    let base = if bundled {
        OFFER.replace("a=group:BUNDLE 0 1 2\r\n", "a=group:BUNDLE 0 1 2 3\r\n")
    } else {
        OFFER.to_string()
    };
    let (ufrag, pwd) =
        if bundled { ("4ZcD", "2/1muCWoOi3uLifh0NuRHlch") } else { ("8xQw", "Zq3/8b1PnqAcV0c8wFc9Pqs1") };
    format!(
        "{base}m=audio 9 UDP/TLS/RTP/SAVPF {pt}\r\nc=IN IP4 \
            0.0.0.0\r\na=ice-ufrag:{ufrag}\r\na=ice-pwd:{pwd}\r\n\
            a=fingerprint:sha-256 \
            19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0\
            E:05:E9:26:33:E8:70:88:A2\r\na=setup:actpass\r\na=mid:3\r\n\
            a=sendrecv\r\na=rtcp-mux\r\na=rtpmap:{pt} {rtpmap}\r\n"
    )
}
