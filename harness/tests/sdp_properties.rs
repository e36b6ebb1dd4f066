//! Property tests over generated JSEP offers (`sdp::generate`, an `arbitrary` model driven
//! by proptest's bytes), through every in-process SDP parser and the model answerer.
//!
//! - Every generated offer is clean for the linter (no MUST-level finding).
//! - Round trip: the reference (rtc-sdp) and the model accept every offer and keep the same
//!   m= lines, mids, candidates, fingerprints, ICE credentials and payload types (the
//!   differential view of `sdp::diff`); str0m, where it accepts, keeps the same.
//! - Targeted corruptions: the linter flags each one at MUST level, and the model rejects.
//! - The model answerer answers every offer with one m= section per offered one, except
//!   offers without rtcp-mux, which the default "require" policy refuses.

mod common;

use proptest::prelude::*;
use rtcspec_harness::case::Level;
use rtcspec_harness::driver::model_answerer::ModelAnswerer;
use rtcspec_harness::driver::sdp_codec::{ModelSdp, ReferenceSdp, Str0mSdp};
use rtcspec_harness::driver::{SdpAnswerer, SdpCodec};
use rtcspec_harness::sdp::diff::{disagreement, kept, View};
use rtcspec_harness::sdp::generate::{corrupt, Offer};
use rtcspec_harness::sdp::{lint, Sdp};

fn offers() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), 0..600).prop_map(|bytes| Offer::from_bytes(&bytes).to_sdp())
}

fn view(codec: &mut dyn SdpCodec, sdp: &str) -> View {
    match codec.round_trip(sdp) {
        Ok(Ok(out)) => View::Accepted { kept: kept(&out) },
        Ok(Err(reason)) => View::Rejected { reason },
        Err(e) => View::Broken { reason: e.to_string() },
    }
}

proptest! {
    #![proptest_config(common::seeded(300))]

    #[test]
    fn generated_offers_are_lint_clean(sdp in offers()) {
        let musts: Vec<String> = lint(sdp.as_bytes()).0.into_iter()
            .filter(|f| f.level == Level::Must)
            .map(|f| format!("line {}: {} ({})", f.line, f.message, f.rule))
            .collect();
        prop_assert!(musts.is_empty(), "{musts:?}\n{sdp}");
    }

    #[test]
    fn parsers_keep_what_the_offer_says(sdp in offers()) {
        let model = view(&mut ModelSdp, &sdp);
        let reference = view(&mut ReferenceSdp, &sdp);
        prop_assert!(matches!(model, View::Accepted { .. }), "model: {model:?}\n{sdp}");
        prop_assert!(matches!(reference, View::Accepted { .. }), "reference: {reference:?}\n{sdp}");
        let mut views = vec![("model".to_string(), model), ("reference".to_string(), reference)];
        let str0m = view(&mut Str0mSdp, &sdp);
        if matches!(str0m, View::Accepted { .. }) {
            views.push(("str0m".to_string(), str0m));
        }
        prop_assert_eq!(disagreement(&views), None, "{:?}\n{}", views, sdp);
    }

    #[test]
    fn corruptions_are_flagged_and_rejected(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        which in 0usize..8,
    ) {
        let sdp = Offer::from_bytes(&bytes).to_sdp();
        if let Some((name, bad)) = corrupt(&sdp, which) {
            prop_assert!(lint(bad.as_bytes()).0.iter().any(|f| f.level == Level::Must), "{name} not flagged\n{bad}");
            prop_assert!(matches!(ModelSdp.round_trip(&bad), Ok(Err(_))), "{name} accepted by the model");
        }
    }

    #[test]
    fn the_model_answers_every_offer_the_require_policy_allows(sdp in offers(), seed in any::<u64>()) {
        let answer = ModelAnswerer::new(seed).answer(&sdp).unwrap();
        // RTCP on its own component is refused under the default "require" mux policy.
        let unmuxed = sdp.split("\r\nm=").skip(1).any(|s| s.contains("RTP/") && !s.contains("\r\na=rtcp-mux\r\n"));
        prop_assert_eq!(answer.is_err(), unmuxed, "{:?}\n{}", answer, sdp);
        let Ok(answer) = answer else { return Ok(()) };
        let sections = |t: &str| Sdp::parse(t.as_bytes()).media.len();
        prop_assert_eq!(sections(&answer), sections(&sdp));
    }
}

/// The generator reaches every feature the properties are meant to cover, from modest inputs.
#[test]
fn the_generator_reaches_every_feature() {
    let mut rng = rtcspec_harness::seed::SeedRng::new(1);
    let features = [
        ("m=audio", "audio"),
        ("m=video", "video"),
        ("m=application", "data"),
        ("a=group:BUNDLE", "BUNDLE"),
        ("a=rtcp-mux-only", "rtcp-mux-only"),
        (" 2 udp ", "RTCP candidates (no mux)"),
        ("a=simulcast:", "simulcast"),
        (" tcp ", "TCP candidates"),
        (".local ", "mDNS candidates"),
        ("typ srflx raddr", "srflx"),
        ("typ relay raddr", "relay"),
        ("a=end-of-candidates", "end-of-candidates"),
        ("a=inactive", "inactive"),
    ];
    let mut seen = vec![0usize; features.len()];
    let mut ipv6 = 0;
    for _ in 0..300 {
        let bytes: Vec<u8> = (0..400).map(|_| rng.below(256) as u8).collect();
        let sdp = Offer::from_bytes(&bytes).to_sdp();
        for (i, (needle, _)) in features.iter().enumerate() {
            seen[i] += usize::from(sdp.contains(needle));
        }
        ipv6 += usize::from(
            sdp.lines().any(|l| l.starts_with("a=candidate:") && l.split(' ').nth(4).is_some_and(|a| a.contains(':'))),
        );
    }
    for ((_, name), n) in features.iter().zip(&seen) {
        assert!(*n > 0, "no generated offer has {name}");
    }
    assert!(ipv6 > 0, "no generated offer has an IPv6 candidate");
}
