//! RFC 9429 (JSEP) §5.8.3: applying a remote offer: the answer has as many m= sections as the
//! offer, and an offer that lacks what JSEP requires is refused.

use super::kit::answer::*;
use super::kit::{inserted, variant, OFFER};
use rtcspec_harness::Case;
use rtcspec_harness::{Ctx, Spec, Verdict};

const VERIFY_STOP: &str = "If any of the preceding checks failed, processing MUST stop and an \
    error MUST be returned.";

pub const CASES: &[Case] = &[
    Case::new(
        "sdp.9429.5.8.3.answer-section-count",
        "The answer has as many m= sections as the offer, in the same order of \
                media",
        Spec::must(
            "RFC 9429",
            "5.8.3",
            "The session description MUST follow the rules defined in [RFC3264], \
                Section 6, including the requirement that the number of \"m=\" \
                sections MUST exactly match the number of \"m=\" sections in the \
                associated offer.",
        ),
        ANSWERER,
        section_count,
    )
    .covers(&["rfc9429-5.8.3-11"]),
    Case::new(
        "sdp.9429.5.8.3.offer-without-fingerprint-refused",
        "An offer without any a=fingerprint is refused",
        Spec::must("RFC 9429", "5.8.3", VERIFY_STOP),
        ANSWERER,
        no_fingerprint_refused,
    )
    .covers(&["rfc9429-5.8.3-6", "rfc9429-5.8.3-13"]),
    Case::new(
        "sdp.9429.5.8.3.offer-without-ice-ufrag-refused",
        "An offer without ice-ufrag is refused",
        Spec::must("RFC 9429", "5.8.3", VERIFY_STOP),
        ANSWERER,
        no_ufrag_refused,
    )
    .covers(&["rfc9429-5.8.3-1", "rfc9429-5.8.3-13"]),
    Case::new(
        "sdp.9429.5.8.3.offer-without-rtcp-mux-refused",
        "An offer without a=rtcp-mux is refused under the default require \
                policy",
        Spec::must(
            "RFC 9429",
            "5.8.3",
            "If the RTP/RTCP multiplexing policy is \"require\", each \"m=\" \
                section MUST contain an \"a=rtcp-mux\" attribute.",
        ),
        ANSWERER,
        no_mux_refused,
    )
    .covers(&["rfc9429-5.8.3-8", "rfc9429-5.8.3-13"]),
    Case::new(
        "sdp.9429.5.8.3.offer-short-ufrag-refused",
        "\
        An offer whose ice-ufrag has 2 characters is refused",
        Spec::must(
            "RFC 9429",
            "5.8.3",
            "ICE ufrag and password values, which MUST comply with the size limits \
                specified in [RFC8839], Section 5.4.",
        ),
        ANSWERER,
        short_ufrag_refused,
    )
    .covers(&["rfc9429-5.8.3-2", "rfc9429-5.8.3-13"]),
    Case::new(
        "sdp.9429.5.8.3.simulcast-unknown-rid-refused",
        "\
        An offer whose a=simulcast names an undeclared rid is refused",
        Spec::must(
            "RFC 9429",
            "5.8.3",
            "All rid-ids referenced in an \"a=simulcast\" line MUST exist as \
                \"a=rid\" lines.",
        ),
        ANSWERER,
        simulcast_refused,
    )
    .covers(&["rfc9429-5.8.3-7", "rfc9429-5.8.3-13"]),
    Case::new(
        "sdp.9429.5.8.3.rtcp-mux-only-without-rtcp-mux-refused",
        "\
        An offer with a=rtcp-mux-only but no a=rtcp-mux is refused",
        Spec::must(
            "RFC 9429",
            "5.8.3",
            "If an \"m=\" section contains an \"a=rtcp-mux-only\" attribute, that \
                section MUST also contain an \"a=rtcp-mux\" attribute.",
        ),
        ANSWERER,
        mux_only_refused,
    )
    .covers(&["rfc9429-5.8.3-9", "rfc9429-5.8.3-13"]),
];

fn mux_only_refused(ctx: &mut Ctx) -> Verdict {
    let bad = variant("a=rtcp-mux\r\n", "a=rtcp-mux-only\r\n");
    expect_refused(ctx, &bad, "a=rtcp-mux-only without a=rtcp-mux")
}

fn no_fingerprint_refused(ctx: &mut Ctx) -> Verdict {
    let bad: String = OFFER.split_inclusive("\r\n").filter(|l| !l.starts_with("a=fingerprint:")).collect();
    expect_refused(ctx, &bad, "no a=fingerprint")
}

fn no_mux_refused(ctx: &mut Ctx) -> Verdict {
    // The default policy is "require" (RFC 9429 §4.1.1: "The default multiplexing policy MUST
    // be set to 'require'"), and the targets are default-configured peer connections.
    expect_refused(ctx, &OFFER.replace("a=rtcp-mux\r\n", ""), "no a=rtcp-mux in its RTP sections")
}

fn no_ufrag_refused(ctx: &mut Ctx) -> Verdict {
    let bad: String = OFFER.split_inclusive("\r\n").filter(|l| !l.starts_with("a=ice-ufrag:")).collect();
    expect_refused(ctx, &bad, "no a=ice-ufrag")
}

fn section_count(ctx: &mut Ctx) -> Verdict {
    let (offer, answer) = answer_to(ctx, OFFER)?;
    let pairs = paired(&offer, &answer)?;
    let problems = pairs
        .iter()
        .enumerate()
        .filter(|(_, (o, a))| o.media != a.media)
        .map(|(i, (o, a))| format!("{} answered as {}", o.label(i), a.media))
        .collect();
    verdict("the offer's m= sections, in order", problems)
}

fn short_ufrag_refused(ctx: &mut Ctx) -> Verdict {
    expect_refused(ctx, &OFFER.replace("a=ice-ufrag:4ZcD", "a=ice-ufrag:4Z"), "ice-ufrag \"4Z\"")
}

fn simulcast_refused(ctx: &mut Ctx) -> Verdict {
    let bad = inserted("a=fmtp:97 apt=96\r\n", "a=rid:hi send\r\na=simulcast:send hi;lo");
    expect_refused(ctx, &bad, "a=simulcast naming rid \"lo\" that has no a=rid")
}
