//! Differential SDP parsing: the same description into several parsers. Where they disagree
//! on accept/reject, or on what they kept (m= lines, mids, candidates, fingerprints, ICE
//! credentials, payload types), that is a finding. Inputs are real descriptions (the
//! corpus) and seeded one-line mutations of them; each kind of disagreement is kept once,
//! with its input minimized line by line and the mutated line quoted.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use super::parse::Sdp;
use crate::driver::SdpCodec;
use crate::seed::SeedRng;

/// What one parser made of one description.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum View {
    Accepted {
        kept: Kept,
    },
    Rejected {
        reason: String,
    },
    /// The target failed (crash, garbage, unsupported): not compared, reported as such.
    Broken {
        reason: String,
    },
}

/// What a parser kept, read back from its output with rtcspec's reader and normalized the
/// way RFC 9429 §5.8 lets a parser normalize (case of tokens, candidate extensions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kept {
    pub m_lines: Vec<String>,
    pub mids: Vec<String>,
    pub candidates: Vec<String>,
    pub fingerprints: Vec<String>,
    pub ice: Vec<String>,
    pub payload_types: Vec<String>,
}

/// One seed description: where it came from and its text.
pub struct Seed {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    /// What disagrees, e.g. `accept/reject: reference,aiortc accept; str0m rejects`.
    pub kind: String,
    pub occurrences: usize,
    /// The seed file, and the mutation applied to it (with the line it touched), if any.
    pub source: String,
    pub input: String,
    pub minimized: String,
    pub views: BTreeMap<String, View>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub schema: &'static str,
    pub seed: String,
    pub targets: Vec<String>,
    pub inputs: usize,
    pub duration_ms: u64,
    pub disagreements: Vec<Disagreement>,
}

pub struct DiffOptions {
    pub seed: u64,
    /// Mutated variants to generate, on top of the seeds themselves.
    pub mutants: usize,
    /// How many parses minimizing one input may take.
    pub minimize_budget: usize,
}

pub type Parsers = [(String, Box<dyn SdpCodec>)];

/// One list of what a parser kept, by name.
type KeptField = fn(&Kept) -> &Vec<String>;

fn words(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads what a parser kept from its output.
pub fn kept(output: &str) -> Kept {
    let sdp = Sdp::parse(output.as_bytes());
    let attr = |name: &str| -> Vec<String> {
        Sdp::attributes(&sdp.lines, name).map(|(_, v)| words(v.unwrap_or(""))).collect()
    };
    let candidates = attr("candidate")
        .iter()
        .map(|c| {
            let f: Vec<&str> = c.split(' ').take(8).collect();
            f.iter()
                .enumerate()
                .map(|(i, w)| if i == 2 { w.to_ascii_lowercase() } else { w.to_string() })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let mut ice = attr("ice-ufrag");
    ice.extend(attr("ice-pwd"));
    ice.sort();
    ice.dedup();
    let mut fingerprints: Vec<String> = attr("fingerprint").iter().map(|f| f.to_ascii_uppercase()).collect();
    fingerprints.sort();
    fingerprints.dedup();
    Kept {
        m_lines: sdp.media.iter().map(|m| words(&sdp.m_line(m).value)).collect(),
        mids: attr("mid"),
        candidates,
        fingerprints,
        ice,
        payload_types: attr("rtpmap").iter().map(|r| r.to_ascii_lowercase()).collect(),
    }
}

fn view(codec: &mut dyn SdpCodec, text: &str) -> View {
    match codec.round_trip(text) {
        Ok(Ok(out)) => View::Accepted { kept: kept(&out) },
        Ok(Err(reason)) => View::Rejected { reason },
        Err(e) => View::Broken { reason: e.to_string() },
    }
}

fn views_of(parsers: &mut Parsers, text: &str) -> Vec<(String, View)> {
    parsers.iter_mut().map(|(n, c)| (n.clone(), view(c.as_mut(), text))).collect()
}

/// The kind of disagreement among `views`, or `None`. The kind names the parsers on each
/// side but not the values, so each kind is kept once.
pub fn disagreement(views: &[(String, View)]) -> Option<String> {
    let accepted: Vec<(&str, &Kept)> = views
        .iter()
        .filter_map(|(n, v)| if let View::Accepted { kept } = v { Some((n.as_str(), kept)) } else { None })
        .collect();
    let rejected: Vec<&str> =
        views.iter().filter(|(_, v)| matches!(v, View::Rejected { .. })).map(|(n, _)| n.as_str()).collect();
    if !accepted.is_empty() && !rejected.is_empty() {
        let acc: Vec<&str> = accepted.iter().map(|(n, _)| *n).collect();
        return Some(format!("accept/reject: {} accept; {} reject", acc.join(","), rejected.join(",")));
    }
    let fields: [(&str, KeptField); 6] = [
        ("m= lines", |k| &k.m_lines),
        ("mids", |k| &k.mids),
        ("candidates", |k| &k.candidates),
        ("fingerprints", |k| &k.fingerprints),
        ("ICE credentials", |k| &k.ice),
        ("payload types", |k| &k.payload_types),
    ];
    for (name, get) in fields {
        let first = accepted.first().map(|(_, k)| get(k));
        let differing: Vec<&str> = accepted.iter().filter(|(_, k)| Some(get(k)) != first).map(|(n, _)| *n).collect();
        if !differing.is_empty() {
            let all: Vec<&str> = accepted.iter().map(|(n, _)| *n).collect();
            return Some(format!("{name} kept differently: {}", all.join(",")));
        }
    }
    None
}

/// One seeded mutation of a description, described with the line it touched.
fn mutate(rng: &mut SeedRng, text: &str) -> (String, String) {
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end_matches('\r').to_string()).collect();
    if lines.is_empty() {
        return (text.to_string(), "unchanged (empty)".into());
    }
    let i = rng.below(lines.len() as u64) as usize;
    let original = lines[i].clone();
    let what = match rng.below(7) {
        0 => {
            lines.remove(i);
            format!("line {} deleted: {original}", i + 1)
        }
        1 => {
            lines.insert(i, original.clone());
            format!("line {} duplicated: {original}", i + 1)
        }
        2 if i + 1 < lines.len() => {
            lines.swap(i, i + 1);
            format!("lines {} and {} swapped: {original}", i + 1, i + 2)
        }
        3 => {
            let cut = 2 + rng.below(original.len().saturating_sub(2).max(1) as u64) as usize;
            lines[i] = original.chars().take(cut).collect();
            format!("line {} truncated to {:?}: {original}", i + 1, lines[i])
        }
        4 => {
            let chars: Vec<char> = original.chars().collect();
            let at = 2.min(chars.len()) + rng.below(chars.len().saturating_sub(2).max(1) as u64) as usize;
            let replacement = [' ', 'x', ':', '-', '9', '/', '\u{0}'][rng.below(7) as usize];
            lines[i] = chars.iter().enumerate().map(|(j, c)| if j == at { replacement } else { *c }).collect();
            format!("line {} character {} set to {replacement:?}: {original}", i + 1, at + 1)
        }
        5 => {
            // The type letter stays lower case; only the value changes case.
            let (kind, value) = (original.get(..2).unwrap_or(""), original.get(2..).unwrap_or(""));
            lines[i] = format!("{kind}{}", value.to_ascii_uppercase());
            format!("line {} value upper-cased: {original}", i + 1)
        }
        _ => {
            lines.insert(i, "a=x-rtcspec-unknown:1".into());
            format!("unknown attribute inserted before line {}: {original}", i + 1)
        }
    };
    (lines.iter().map(|l| format!("{l}\r\n")).collect(), what)
}

/// Greedy line deletion while the same kind of disagreement remains.
fn minimize(parsers: &mut Parsers, input: &str, kind: &str, budget: usize) -> String {
    let mut best: Vec<&str> = input.split_inclusive('\n').collect();
    let mut tries = 0;
    let mut progressed = true;
    while progressed && tries < budget {
        progressed = false;
        let mut i = best.len();
        while i > 0 && tries < budget {
            i -= 1;
            let mut candidate = best.clone();
            candidate.remove(i);
            tries += 1;
            if disagreement(&views_of(parsers, &candidate.concat())).is_some_and(|k| k == kind) {
                best = candidate;
                progressed = true;
            }
        }
    }
    best.concat()
}

pub fn run_diff(parsers: &mut Parsers, seeds: &[Seed], opts: &DiffOptions) -> DiffReport {
    let started = Instant::now();
    let mut rng = SeedRng::new(opts.seed);
    let mut found: BTreeMap<String, (usize, String, String)> = BTreeMap::new();
    let mut inputs = 0;
    let mut consider = |parsers: &mut Parsers, text: String, source: String| {
        if let Some(kind) = disagreement(&views_of(parsers, &text)) {
            found.entry(kind).or_insert_with(|| (0, source, text)).0 += 1;
        }
    };
    for s in seeds {
        inputs += 1;
        consider(parsers, s.text.clone(), s.name.clone());
    }
    for _ in 0..if seeds.is_empty() { 0 } else { opts.mutants } {
        let s = &seeds[rng.below(seeds.len() as u64) as usize];
        let (text, what) = mutate(&mut rng, &s.text);
        inputs += 1;
        consider(parsers, text, format!("{}, {what}", s.name));
    }
    let disagreements = found
        .into_iter()
        .map(|(kind, (occurrences, source, input))| {
            let minimized = minimize(parsers, &input, &kind, opts.minimize_budget);
            let views = views_of(parsers, &minimized).into_iter().collect();
            Disagreement { kind, occurrences, source, input, minimized, views }
        })
        .collect();
    DiffReport {
        schema: "rtcspec-sdp-diff",
        seed: opts.seed.to_string(),
        targets: parsers.iter().map(|(n, _)| n.clone()).collect(),
        inputs,
        duration_ms: started.elapsed().as_millis() as u64,
        disagreements,
    }
}

/// Markdown for an SDP diff: one section per kind, the minimized description with line
/// numbers, and what each parser made of it.
pub fn markdown(r: &DiffReport) -> String {
    let mut out = crate::stun::diff::markdown_header(
        "rtcspec SDP diff",
        &r.targets,
        r.inputs,
        &r.seed,
        r.duration_ms,
        r.disagreements.len(),
    );
    for d in &r.disagreements {
        out.push_str(&format!(
            "## {}\n\nSeen {} times. First input: {}.\n\nMinimized:\n\n```\n",
            d.kind, d.occurrences, d.source
        ));
        for (i, l) in d.minimized.lines().enumerate() {
            out.push_str(&format!("{:>3}  {}\n", i + 1, l.trim_end_matches('\r').replace('\0', "\\0")));
        }
        out.push_str("```\n\n");
        for (target, v) in &d.views {
            let s = match v {
                View::Accepted { kept } => format!(
                    "accepted; kept m= {:?}, mids {:?}, {} candidate(s), fingerprints {:?}, payload types {:?}",
                    kept.m_lines,
                    kept.mids,
                    kept.candidates.len(),
                    kept.fingerprints,
                    kept.payload_types
                ),
                View::Rejected { reason } => format!("rejected: {}", reason.trim()),
                View::Broken { reason } => format!("failed: {reason}"),
            };
            out.push_str(&format!("- **{target}**: {s}\n"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::mutant::{Fault, MutantDriver};
    use crate::driver::sdp_codec::ModelSdp;
    use crate::driver::Driver;

    const OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:4ZcD\r\na=ice-pwd:2/1muCWoOi3uLifh0NuRHlch\r\n\
a=fingerprint:sha-256 \
        19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2\r\n\
a=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtpmap:111 opus/48000/2\r\n\
a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host\r\n";

    fn faulty(fault: &'static str) -> Box<dyn SdpCodec> {
        let model = Box::new(crate::driver::model::ModelDriver { name: "model".into() });
        MutantDriver::new("mutant", model, vec![Fault::Sdp(fault)]).open(1).unwrap().sdp.unwrap()
    }

    #[test]
    fn a_lenient_parser_and_a_lossy_one_are_found_and_minimized() {
        let mut parsers: Vec<(String, Box<dyn SdpCodec>)> = vec![
            ("model".into(), Box::new(ModelSdp)),
            ("lenient".into(), faulty("sdp-accept-anything")),
            ("lossy".into(), faulty("sdp-drop-candidate")),
        ];
        let seeds = [Seed { name: "offer".into(), text: OFFER.into() }];
        let r = run_diff(&mut parsers, &seeds, &DiffOptions { seed: 5, mutants: 300, minimize_budget: 400 });
        let lossy = r.disagreements.iter().find(|d| d.kind.starts_with("candidates")).expect("the lost candidate");
        assert!(lossy.minimized.lines().count() < OFFER.lines().count() && lossy.minimized.contains("a=candidate:"));
        let reject =
            r.disagreements.iter().find(|d| d.kind.starts_with("accept/reject")).expect("a mutation only one rejects");
        assert!(reject.source.contains("line "), "the mutated line is quoted: {}", reject.source);
        assert!(disagreement(&views_of(&mut parsers, &reject.minimized)).is_some(), "minimized still disagrees");
        assert!(markdown(&r).contains("## candidates kept differently"));
    }

    #[test]
    fn identical_parsers_never_disagree() {
        let mut same: Vec<(String, Box<dyn SdpCodec>)> =
            vec![("a".into(), Box::new(ModelSdp)), ("b".into(), Box::new(ModelSdp))];
        let seeds = [Seed { name: "offer".into(), text: OFFER.into() }];
        let r = run_diff(&mut same, &seeds, &DiffOptions { seed: 5, mutants: 200, minimize_budget: 10 });
        assert!(r.disagreements.is_empty());
        assert_eq!(r.inputs, 201);
    }
}
