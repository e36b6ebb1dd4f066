//! RFC 8839 §5.1: the candidate attribute. A grammatically broken candidate must make the
//! parser reject the description; a candidate whose address is a name must be ignored, not
//! fatal; transports are case-insensitive and unknown extensions ignored. (That every kind of
//! well-formed candidate is kept is RFC 9429 §5.8's file.)

use rtcspec_harness::{Case, Ctx, Spec, Verdict};

use super::kit::*;

const IGNORE_FQDN: &str = "An agent processing remote candidates MUST ignore \"candidate\" lines \
    that include candidates with FQDNs or IP address versions that are \
    not supported or recognized.";

pub const CASES: &[Case] = &[
    Case::new(
        "sdp.8839.5.1.transport-case-insensitive",
        "A candidate with transport \
        \"UDP\" in upper case is parsed and kept",
        Spec::must("RFC 8839", "5.1", "transport             = \"UDP\" / transport-extension"),
        SDP,
        transport_upper_kept,
    )
    .covers(&["rfc9429-5.8.2-7"]),
    Case::new(
        "sdp.8839.5.1.unknown-extension-ignored",
        "\
        A candidate with an extension the parser does not know is kept",
        Spec::must(
            "RFC 8839",
            "5.1",
            "An implementation MUST ignore any name/value pairs it doesn't \
                understand.",
        ),
        SDP,
        unknown_extension_kept,
    )
    .covers(&["rfc8839-5.1-10", "rfc9429-5.8.2-7"]),
    Case::new(
        "sdp.8839.5.1.fqdn-candidate-ignored",
        "A candidate with an FQDN address \
        does not make the parser reject",
        Spec::must("RFC 8839", "5.1", IGNORE_FQDN),
        SDP,
        fqdn_accepted,
    )
    .covers(&["rfc8839-5.1-2"]),
    Case::new(
        "sdp.8839.5.1.mdns-candidate-ignored",
        "A candidate with an mDNS .local \
        name does not make the parser reject",
        Spec::must("RFC 8839", "5.1", IGNORE_FQDN),
        SDP,
        mdns_accepted,
    )
    .covers(&["rfc8839-5.1-2"]),
    Case::new(
        "sdp.8839.5.1.component-zero-rejected",
        "A candidate with component-id 0 \
        is rejected",
        Spec::must(
            "RFC 8839",
            "5.1",
            "<component-id>:  is a positive integer between 1 and 256 (inclusive) \
                that identifies the specific component of the data stream for which \
                this is a candidate.",
        ),
        SDP,
        component_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
    Case::new(
        "sdp.8839.5.1.priority-zero-rejected",
        "A candidate with priority 0 is \
        rejected",
        Spec::must(
            "RFC 8839",
            "5.1",
            "<priority>:  is a positive integer between 1 and (2**31 - 1) \
                inclusive.",
        ),
        SDP,
        priority_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
    Case::new(
        "sdp.8839.5.1.foundation-too-long-rejected",
        "A candidate foundation of \
        33 characters is rejected",
        Spec::must("RFC 8839", "5.1", "<foundation>:  is composed of 1 to 32 <ice-char>s."),
        SDP,
        foundation_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
];

fn transport_upper_kept(ctx: &mut Ctx) -> Verdict {
    let offer = replaced_candidate(
        "a=candidate:1467250027 1 UDP 2122260223 192.0.2.1 46243 typ host \
            generation 0",
    );
    expect_kept(ctx, &offer, "candidate")
}

fn unknown_extension_kept(ctx: &mut Ctx) -> Verdict {
    let offer = replaced_candidate(
        "a=candidate:1467250027 1 udp 2122260223 192.0.2.1 46243 typ host \
            generation 0 x-rtcspec-extension 42",
    );
    expect_kept(ctx, &offer, "candidate")
}

fn fqdn_accepted(ctx: &mut Ctx) -> Verdict {
    control(ctx)?;
    let offer = with_candidate("a=candidate:6 1 udp 2122260223 host.example.test 46246 typ host");
    expect_accepted(ctx, &offer, "the offer with an FQDN candidate")
}

fn mdns_accepted(ctx: &mut Ctx) -> Verdict {
    control(ctx)?;
    let offer = with_candidate(
        "a=candidate:7 1 udp 2122260223 \
            0b6c4a3e-6f2b-4c55-9b1a-1d8f1e0e6a47.local 46247 typ host",
    );
    expect_accepted(ctx, &offer, "the offer with an mDNS candidate")
}

fn component_rejected(ctx: &mut Ctx) -> Verdict {
    let bad = replaced_candidate("a=candidate:1467250027 0 udp 2122260223 192.0.2.1 46243 typ host");
    expect_rejected(ctx, &bad, "component-id 0")
}

fn priority_rejected(ctx: &mut Ctx) -> Verdict {
    let bad = replaced_candidate("a=candidate:1467250027 1 udp 0 192.0.2.1 46243 typ host");
    expect_rejected(ctx, &bad, "priority 0")
}

fn foundation_rejected(ctx: &mut Ctx) -> Verdict {
    let foundation = "f".repeat(33);
    let bad = replaced_candidate(&format!("a=candidate:{foundation} 1 udp 2122260223 192.0.2.1 46243 typ host"));
    expect_rejected(ctx, &bad, "a 33-character foundation")
}
