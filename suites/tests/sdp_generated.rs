//! Generated JSEP offers (`sdp::generate`) and the corpus's offers, through every SDP
//! target, in process and through the shims:
//!
//! - parsers: each must accept every generated offer and keep what the model keeps (m= lines,
//!   mids, candidates, fingerprints, ICE credentials, payload types);
//! - answerers: each answer is judged on the structural rules of RFC 9429 §5.3.1 and §5.8.3
//!   (one m= section per offered one, same media and proto, mids echoed, a=setup active or
//!   passive). The model must have no problem; the others' problems are printed per rule, and
//!   must match the counts recorded here, so a change in a stack shows up as a test failure.

mod common;

use std::collections::BTreeMap;

use common::*;
use rtcspec_harness::sdp::diff::{disagreement, kept, View};
use rtcspec_harness::sdp::generate::Offer;
use rtcspec_harness::seed::SeedRng;
use rtcspec_suites::sdp::kit::answer::{transport_sections, Description};

fn generated(count: usize) -> Vec<String> {
    let mut rng = SeedRng::new(2026);
    (0..count)
        .map(|_| {
            let bytes: Vec<u8> = (0..400).map(|_| rng.below(256) as u8).collect();
            Offer::from_bytes(&bytes).to_sdp()
        })
        .collect()
}

/// What RFC 9429 says about the answer to `offer`, as (rule, detail) problems.
fn judge(offer: &str, answer: &str) -> Vec<(&'static str, String)> {
    let (o, a) = (Description::parse(offer), Description::parse(answer));
    let mut problems = Vec::new();
    if o.sections.len() != a.sections.len() {
        problems
            .push(("5.8.3 m= section count", format!("{} offered, {} answered", o.sections.len(), a.sections.len())));
        return problems;
    }
    for (i, (os, ans)) in o.sections.iter().zip(&a.sections).enumerate() {
        if (os.media.as_str(), os.proto.as_str()) != (ans.media.as_str(), ans.proto.as_str()) {
            problems.push((
                "5.3.1 media and proto",
                format!("section {}: {} {} vs {} {}", i + 1, os.media, os.proto, ans.media, ans.proto),
            ));
        }
        if os.attr("mid") != ans.attr("mid") {
            problems.push((
                "5.3.1 mid echoed",
                format!("section {}: {:?} vs {:?}", i + 1, os.attr("mid"), ans.attr("mid")),
            ));
        }
    }
    for (i, s) in transport_sections(&a) {
        let setup = a.effective(s, "setup");
        if !matches!(setup.as_deref(), Some("active" | "passive")) {
            problems.push(("5.3.1 setup active or passive", format!("section {}: {setup:?}", i + 1)));
        }
    }
    problems
}

#[test]
fn generated_offers_through_every_parser() {
    let offers = generated(60);
    let mut lost: BTreeMap<String, usize> = BTreeMap::new();
    for name in ["model", "reference", "str0m", "aiortc", "sdp-transform", "werift"] {
        let mut target = driver(name);
        let mut session = target.open(1).unwrap();
        let parser = session.sdp.as_mut().unwrap();
        for sdp in &offers {
            let v = match parser.round_trip(sdp) {
                Ok(Ok(out)) => View::Accepted { kept: kept(&out) },
                Ok(Err(reason)) => View::Rejected { reason },
                Err(e) => panic!("{name} failed on a generated offer: {e}"),
            };
            let model = View::Accepted { kept: kept(sdp) };
            if let Some(kind) = disagreement(&[("model".into(), model), (name.into(), v)]) {
                *lost.entry(format!("{name}: {kind}")).or_default() += 1;
            }
        }
    }
    eprintln!("generated offers where a parser differs from the model: {lost:#?}");
    let expected: BTreeMap<String, usize> = BTreeMap::new();
    assert_eq!(lost, expected, "a parser now treats generated offers differently; update FINDINGS.md and this test");
}

#[test]
fn answers_to_generated_and_corpus_offers_are_judged() {
    let mut offers = generated(40);
    let dir = root().join("corpora/sdp");
    for stack in std::fs::read_dir(&dir).unwrap().flatten().filter(|e| e.path().is_dir()) {
        for f in std::fs::read_dir(stack.path()).unwrap().flatten() {
            if f.file_name().to_string_lossy().starts_with("offer") {
                offers.push(std::fs::read_to_string(f.path()).unwrap());
            }
        }
    }
    let mut problems: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples: BTreeMap<String, String> = BTreeMap::new();
    for name in ["model", "reference", "str0m", "aiortc", "werift"] {
        let mut target = driver(name);
        let mut session = target.open(1).unwrap();
        let answerer = session.answerer.as_mut().unwrap();
        for offer in &offers {
            match answerer.answer(offer) {
                Ok(Ok(answer)) => {
                    for (rule, detail) in judge(offer, &answer) {
                        let key = format!("{name}: {rule}");
                        examples
                            .entry(key.clone())
                            .or_insert_with(|| format!("{detail}; offer begins {:?}", &offer[..offer.len().min(120)]));
                        *problems.entry(key).or_default() += 1;
                    }
                }
                Ok(Err(reason)) => {
                    let key = format!("{name}: refused");
                    examples.entry(key.clone()).or_insert(reason);
                    *problems.entry(key).or_default() += 1
                }
                Err(e) => panic!("{name} failed on an offer: {e}"),
            }
        }
    }
    eprintln!("answers judged ({} offers): {problems:#?}\nfirst example of each: {examples:#?}", offers.len());
    assert!(!problems.keys().any(|k| k.starts_with("model:") && !k.ends_with("refused")), "{problems:?}");
    // What the stacks do today (targets/FINDINGS.md, "Answers to the corpus and to generated
    // offers"); "model: refused" are the offers without rtcp-mux the require policy refuses.
    let expected: BTreeMap<String, usize> = [
        ("aiortc: 5.3.1 mid echoed", 8),
        ("aiortc: refused", 23),
        ("model: refused", 21),
        ("reference: refused", 27),
        ("str0m: 5.3.1 media and proto", 1),
        ("str0m: refused", 31),
        ("werift: 5.3.1 media and proto", 1),
        ("werift: 5.3.1 mid echoed", 20),
        ("werift: refused", 7),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(problems, expected, "an answerer now answers differently; update FINDINGS.md and this test");
}
