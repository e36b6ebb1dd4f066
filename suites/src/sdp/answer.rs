//! What the answer cases read from a description: each m= section's fields and attributes,
//! owned, so a case can hold the offer and the answer side by side.

use rtcspec_harness::sdp::Sdp;
use rtcspec_harness::{Capability, Case, Ctx, Level, Outcome, Spec, Verdict};

pub const ANSWERER: &[Capability] = &[Capability::SdpAnswerer];

pub const fn answer_case(
    id: &'static str,
    title: &'static str,
    section: &'static str,
    level: Level,
    text: &'static str,
    run: fn(&mut Ctx) -> Verdict,
) -> Case {
    Case {
        id,
        suite: "sdp",
        title,
        spec: Spec { doc: "RFC 9429", section, level, text },
        covers: &[],
        tags: &[],
        needs: ANSWERER,
        time_bound: None,
        run,
    }
}

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
    match ctx.sdp_answer(super::common::OFFER)? {
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
