//! Differential decoding: the same bytes into several STUN decoders. Where they disagree on
//! accept/reject, or on a field they all expose, that is a finding; each kind of
//! disagreement is kept once, with its input minimized, so a maintainer gets the smallest
//! datagram that shows it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::driver::{StunCodec, TargetError};
use crate::seed::SeedRng;
use crate::stun::generate::{corrupt, valid_message};
use crate::stun::{hex, Decoded};

/// What one decoder made of one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum View {
    Accepted {
        decoded: Box<Decoded>,
    },
    Rejected {
        reason: String,
    },
    /// The decoder declines this kind of input (str0m outside ICE usage): not compared.
    Declined {
        reason: String,
    },
    /// The target failed (crash, garbage): not compared, reported as such.
    Broken {
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    /// What disagrees, e.g. `accept/reject: reference,str0m accept; aioice rejects`.
    pub kind: String,
    /// How many inputs showed this kind of disagreement.
    pub occurrences: usize,
    /// The first input showing it was a real datagram from a capture (not generated).
    pub captured: bool,
    pub input_hex: String,
    pub minimized_hex: String,
    /// Each decoder's view of the minimized input.
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
    pub count: usize,
    /// Real datagrams to feed before the generated ones (STUN messages from captures).
    pub captured: Vec<Vec<u8>>,
    /// How many decode rounds minimizing one input may take.
    pub minimize_budget: usize,
}

fn view(codec: &mut dyn StunCodec, bytes: &[u8]) -> View {
    match codec.decode(bytes) {
        Ok(Ok(decoded)) => View::Accepted { decoded: Box::new(decoded) },
        Ok(Err(reason)) => View::Rejected { reason },
        Err(TargetError::Unsupported(reason)) => View::Declined { reason },
        Err(e) => View::Broken { reason: e.to_string() },
    }
}

/// Groups target names by an equal value, for messages: `a,b = x; c = y`.
fn groups<T: PartialEq + std::fmt::Debug>(items: &[(&str, T)]) -> String {
    let mut out: Vec<(Vec<&str>, &T)> = Vec::new();
    for (name, v) in items {
        match out.iter_mut().find(|(_, w)| *w == v) {
            Some((names, _)) => names.push(name),
            None => out.push((vec![name], v)),
        }
    }
    out.iter().map(|(n, v)| format!("{} = {v:?}", n.join(","))).collect::<Vec<_>>().join("; ")
}

/// The kind of disagreement among `views`, or `None` when they agree. The kind names the
/// targets on each side but not the values, so one kind is kept once.
pub fn disagreement(views: &[(String, View)]) -> Option<(String, String)> {
    let accepted: Vec<(&str, &Decoded)> = views
        .iter()
        .filter_map(
            |(n, v)| if let View::Accepted { decoded } = v { Some((n.as_str(), decoded.as_ref())) } else { None },
        )
        .collect();
    let rejected: Vec<&str> =
        views.iter().filter(|(_, v)| matches!(v, View::Rejected { .. })).map(|(n, _)| n.as_str()).collect();
    if !accepted.is_empty() && !rejected.is_empty() {
        let acc: Vec<&str> = accepted.iter().map(|(n, _)| *n).collect();
        let kind = format!("accept/reject: {} accept; {} reject", acc.join(","), rejected.join(","));
        return Some((kind.clone(), kind));
    }
    macro_rules! field {
        ($name:literal, $get:expr) => {{
            let values: Vec<(&str, _)> = accepted.iter().filter_map(|(n, d)| $get(d).map(|v| (*n, v))).collect();
            if values.windows(2).any(|w| w[0].1 != w[1].1) {
                let sides: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
                return Some((
                    format!("field {}: {}", $name, sides.join(",")),
                    format!("field {}: {}", $name, groups(&values)),
                ));
            }
        }};
    }
    field!("class", |d: &Decoded| Some(d.class));
    field!("method", |d: &Decoded| Some(d.method));
    field!("transaction id", |d: &Decoded| Some(hex(&d.transaction_id)));
    field!("XOR-MAPPED-ADDRESS", |d: &Decoded| d.fields.xor_mapped_address);
    field!("ALTERNATE-SERVER", |d: &Decoded| d.fields.alternate_server);
    field!("USERNAME", |d: &Decoded| d.fields.username.clone());
    field!("REALM", |d: &Decoded| d.fields.realm.clone());
    field!("NONCE", |d: &Decoded| d.fields.nonce.clone());
    field!("SOFTWARE", |d: &Decoded| d.fields.software.clone());
    field!("ERROR-CODE", |d: &Decoded| d.fields.error_code.clone());
    None
}

fn views_of(codecs: &mut [(String, Box<dyn StunCodec>)], bytes: &[u8]) -> Vec<(String, View)> {
    codecs.iter_mut().map(|(n, c)| (n.clone(), view(c.as_mut(), bytes))).collect()
}

/// Greedy delta debugging: drop chunks while the same kind of disagreement remains, keeping
/// the header's length field consistent where the input had it consistent.
fn minimize(codecs: &mut [(String, Box<dyn StunCodec>)], input: &[u8], kind: &str, budget: usize) -> Vec<u8> {
    let same = |codecs: &mut [(String, Box<dyn StunCodec>)], b: &[u8]| {
        disagreement(&views_of(codecs, b)).is_some_and(|(k, _)| k == kind)
    };
    let length_consistent =
        input.len() >= 20 && usize::from(u16::from_be_bytes([input[2], input[3]])) + 20 == input.len();
    let fix_length = |mut b: Vec<u8>| {
        if length_consistent && b.len() >= 20 {
            let len = (b.len() - 20) as u16;
            b[2..4].copy_from_slice(&len.to_be_bytes());
        }
        b
    };
    let mut best = input.to_vec();
    let mut tries = 0;
    // First whole attributes, last to first, so what remains is still a readable message.
    let mut spans = attribute_spans(&best);
    while let Some((start, end)) = spans.pop() {
        if tries >= budget {
            break;
        }
        let mut candidate = best.clone();
        candidate.drain(start..end);
        let candidate = fix_length(candidate);
        tries += 1;
        if same(codecs, &candidate) {
            best = candidate;
        }
    }
    let mut chunk = best.len() / 2;
    while chunk >= 1 && tries < budget {
        let mut at = 20.min(best.len());
        let mut progressed = false;
        while at + chunk <= best.len() && tries < budget {
            let mut candidate = best.clone();
            candidate.drain(at..at + chunk);
            let candidate = fix_length(candidate);
            tries += 1;
            if same(codecs, &candidate) {
                best = candidate;
                progressed = true;
            } else {
                at += chunk;
            }
        }
        if !progressed {
            chunk /= 2;
        }
    }
    best
}

/// Byte ranges of the attributes that fit, walking TLVs from the header on.
fn attribute_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut at = 20;
    while at + 4 <= b.len() {
        let end = at + 4 + crate::stun::padded(usize::from(u16::from_be_bytes([b[at + 2], b[at + 3]])));
        if end > b.len() {
            break;
        }
        spans.push((at, end));
        at = end;
    }
    spans
}

pub fn run_diff(codecs: &mut [(String, Box<dyn StunCodec>)], opts: &DiffOptions) -> DiffReport {
    let started = Instant::now();
    let mut rng = SeedRng::new(opts.seed);
    // (occurrences, first input, whether that input came from a capture)
    let mut found: BTreeMap<String, (usize, Vec<u8>, bool)> = BTreeMap::new();
    for bytes in &opts.captured {
        if let Some((kind, _)) = disagreement(&views_of(codecs, bytes)) {
            found.entry(kind).or_insert_with(|| (0, bytes.clone(), true)).0 += 1;
        }
    }
    for i in 0..opts.count {
        let (model, _key) = valid_message(&mut rng);
        let mut bytes = model.to_bytes();
        // Half the inputs are corrupted once or twice; the other half stay well-formed.
        if i % 2 == 1 {
            for _ in 0..1 + rng.below(2) {
                bytes = corrupt(&mut rng, &bytes);
            }
        }
        if let Some((kind, _)) = disagreement(&views_of(codecs, &bytes)) {
            found.entry(kind).or_insert_with(|| (0, bytes.clone(), false)).0 += 1;
        }
    }
    let disagreements = found
        .into_iter()
        .map(|(kind, (occurrences, input, captured))| {
            let minimized = minimize(codecs, &input, &kind, opts.minimize_budget);
            let views = views_of(codecs, &minimized);
            let kind = disagreement(&views).map(|(_, described)| described).unwrap_or(kind);
            Disagreement {
                kind,
                occurrences,
                captured,
                input_hex: hex(&input),
                minimized_hex: hex(&minimized),
                views: views.into_iter().collect(),
            }
        })
        .collect();
    DiffReport {
        schema: "rtcspec-diff",
        seed: opts.seed.to_string(),
        targets: codecs.iter().map(|(n, _)| n.clone()).collect(),
        inputs: opts.count + opts.captured.len(),
        duration_ms: Duration::as_millis(&started.elapsed()) as u64,
        disagreements,
    }
}

/// The first lines of a diff's Markdown, for STUN and SDP alike.
pub(crate) fn markdown_header(
    title: &str,
    targets: &[String],
    inputs: usize,
    seed: &str,
    duration_ms: u64,
    kinds: usize,
) -> String {
    format!(
        "# {title}: {}\n\n{inputs} inputs, seed `{seed}`, {duration_ms} ms: **{kinds} kinds of disagreement**.\n\n",
        targets.join(" vs ")
    )
}

/// Markdown for a diff report: one section per kind of disagreement.
pub fn markdown(r: &DiffReport) -> String {
    let mut out = markdown_header("rtcspec diff", &r.targets, r.inputs, &r.seed, r.duration_ms, r.disagreements.len());
    for d in &r.disagreements {
        out.push_str(&format!(
            "## {}\n\nSeen {} times{}. Minimized input:\n\n```\n{}\n```\n\n",
            d.kind,
            d.occurrences,
            if d.captured { ", first in a real datagram from a capture" } else { "" },
            d.minimized_hex
        ));
        for (target, v) in &d.views {
            let s = match v {
                View::Accepted { decoded } => format!("accepted as {:?}", decoded.class),
                View::Rejected { reason } => format!("rejected: {reason}"),
                View::Declined { reason } => format!("declined: {reason}"),
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
    use crate::driver::model::ModelCodec;
    use crate::driver::mutant::Fault;
    use crate::driver::Driver;

    #[test]
    fn a_decoder_that_ignores_the_top_bits_is_found_and_minimized() {
        let faulty = crate::driver::mutant::MutantDriver::new(
            "mutant",
            Box::new(crate::driver::model::ModelDriver { name: "model".into() }),
            vec![Fault::LenientFraming],
        )
        .open(1)
        .unwrap()
        .codec
        .unwrap();
        let mut codecs: Vec<(String, Box<dyn StunCodec>)> =
            vec![("model".into(), Box::new(ModelCodec)), ("lenient".into(), faulty)];
        let r = run_diff(&mut codecs, &DiffOptions { seed: 3, count: 400, captured: vec![], minimize_budget: 500 });
        let d = r.disagreements.iter().find(|d| d.kind.starts_with("accept/reject")).expect("a framing disagreement");
        assert!(d.minimized_hex.len() <= d.input_hex.len());
        let minimized = crate::stun::unhex(&d.minimized_hex).unwrap();
        assert!(disagreement(&views_of(&mut codecs, &minimized)).is_some(), "the minimized input still shows it");
        // Identical decoders never disagree.
        let mut same: Vec<(String, Box<dyn StunCodec>)> =
            vec![("a".into(), Box::new(ModelCodec)), ("b".into(), Box::new(ModelCodec))];
        assert!(run_diff(&mut same, &DiffOptions { seed: 3, count: 200, captured: vec![], minimize_budget: 10 })
            .disagreements
            .is_empty());
    }
}
