//! RFC 9429 (JSEP) §5.8.3: applying a remote offer: the answer has as many m= sections as the
//! offer, and an offer that lacks what JSEP requires is refused.

use super::kit::answer::*;
use super::kit::{inserted, variant, OFFER};
use rtcspec_harness::Case;
use rtcspec_harness::{Ctx, Level::*, Verdict};

const VERIFY_STOP: &str = "If any of the preceding checks failed, processing MUST stop and an \
    error MUST be returned.";

pub const CASES: &[Case] = &[
    Case {
        covers: &["rfc9429-5.8.3-11"],
        ..answer_case(
            "sdp.9429.5.8.3.answer-section-count",
            "The answer has as many m= sections as the offer, in the same order of \
                media",
            "RFC 9429",
            "5.8.3",
            Must,
            "The session description MUST follow the rules defined in [RFC3264], \
                Section 6, including the requirement that the number of \"m=\" \
                sections MUST exactly match the number of \"m=\" sections in the \
                associated offer.",
            section_count,
        )
    },
    Case {
        covers: &["rfc9429-5.8.3-6", "rfc9429-5.8.3-13"],
        ..answer_case(
            "sdp.9429.5.8.3.offer-without-fingerprint-refused",
            "An offer without any a=fingerprint is refused",
            "RFC 9429",
            "5.8.3",
            Must,
            VERIFY_STOP,
            no_fingerprint_refused,
        )
    },
    Case {
        covers: &["rfc9429-5.8.3-1", "rfc9429-5.8.3-13"],
        ..answer_case(
            "sdp.9429.5.8.3.offer-without-ice-ufrag-refused",
            "An offer without ice-ufrag is refused",
            "RFC 9429",
            "5.8.3",
            Must,
            VERIFY_STOP,
            no_ufrag_refused,
        )
    },
    Case {
        covers: &["rfc9429-5.8.3-8", "rfc9429-5.8.3-13"],
        ..answer_case(
            "sdp.9429.5.8.3.offer-without-rtcp-mux-refused",
            "An offer without a=rtcp-mux is refused under the default require \
                policy",
            "RFC 9429",
            "5.8.3",
            Must,
            "If the RTP/RTCP multiplexing policy is \"require\", each \"m=\" \
                section MUST contain an \"a=rtcp-mux\" attribute.",
            no_mux_refused,
        )
    },
    Case {
        covers: &["rfc9429-5.8.3-2", "rfc9429-5.8.3-13"],
        ..answer_case(
            "sdp.9429.5.8.3.offer-short-ufrag-refused",
            "\
        An offer whose ice-ufrag has 2 characters is refused",
            "RFC 9429",
            "5.8.3",
            Must,
            "ICE ufrag and password values, which MUST comply with the size limits \
                specified in [RFC8839], Section 5.4.",
            short_ufrag_refused,
        )
    },
    Case {
        covers: &["rfc9429-5.8.3-7", "rfc9429-5.8.3-13"],
        ..answer_case(
            "sdp.9429.5.8.3.simulcast-unknown-rid-refused",
            "\
        An offer whose a=simulcast names an undeclared rid is refused",
            "RFC 9429",
            "5.8.3",
            Must,
            "All rid-ids referenced in an \"a=simulcast\" line MUST exist as \
                \"a=rid\" lines.",
            simulcast_refused,
        )
    },
    Case {
        covers: &["rfc9429-5.8.3-9", "rfc9429-5.8.3-13"],
        ..answer_case(
            "sdp.9429.5.8.3.rtcp-mux-only-without-rtcp-mux-refused",
            "\
        An offer with a=rtcp-mux-only but no a=rtcp-mux is refused",
            "RFC 9429",
            "5.8.3",
            Must,
            "If an \"m=\" section contains an \"a=rtcp-mux-only\" attribute, that \
                section MUST also contain an \"a=rtcp-mux\" attribute.",
            mux_only_refused,
        )
    },
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
