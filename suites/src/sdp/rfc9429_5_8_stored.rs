//! RFC 9429 (JSEP) §5.8.1 and §5.8.2: the values a parser must store. Each case hands the
//! target a well-formed offer that carries the attribute, and judges the round trip: the
//! description must be accepted and every value must survive in its section (values moved to
//! the session level count, since they apply to every section).

use rtcspec_harness::{Case, Spec};

use super::kit::*;

const AUDIO_FMTP: &str = "a=fmtp:111 minptime=10;useinbandfec=1\r\n";
const VIDEO_C: &str = "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\n";

fn simulcast_offer() -> String {
    inserted("a=fmtp:97 apt=96\r\n", "a=rid:hi send\r\na=rid:lo send\r\na=simulcast:send hi;lo")
}

pub const CASES: &[Case] = &[
    Case::new(
        "sdp.9429.5.8.2.bandwidth-kept",
        "The round trip keeps a media-level b= line",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "The \"b=\" line, if present, MUST be parsed as specified in \
            [RFC4566], Section 5.8, and the bwtype and bandwidth values stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &inserted(VIDEO_C, "b=AS:2000"), "b"),
    )
    .covers(&["rfc9429-5.8.2-5"]),
    Case::new(
        "sdp.9429.5.8.1.session-bandwidth-kept",
        "The round trip keeps a session-level \
        b= line",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "The \"b=\" line, if present, MUST be parsed as specified in \
            [RFC4566], Section 5.8, and the bwtype and bandwidth values stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &inserted("s=-\r\n", "b=AS:3000"), "b"),
    )
    .covers(&["rfc9429-5.8.1-7"]),
    Case::new(
        "sdp.9429.5.8.1.group-kept",
        "The round trip keeps a=group:BUNDLE and its mids",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "Any \"a=group\" lines are parsed as specified in [RFC5888], Section \
            5, and the group's semantics and MID values are stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "group"),
    )
    .covers(&["rfc9429-5.8.1-8"]),
    Case::new(
        "sdp.9429.5.8.1.ice-lite-kept",
        "The round trip keeps a=ice-lite",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "If present, a single \"a=ice-lite\" line is parsed as specified in \
            [RFC8839], Section 5.3, and a value indicating the presence of an \
            \"a=ice-lite\" line is stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &inserted("a=group:BUNDLE 0 1 2\r\n", "a=ice-lite"), "ice-lite"),
    )
    .covers(&["rfc9429-5.8.1-8"]),
    Case::new(
        "sdp.9429.5.8.2.ice-options-kept",
        "The round trip keeps a=ice-options",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=ice-options\" line is parsed as specified in \
            [RFC8839], Section 5.6, and the set of specified options is stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "ice-options"),
    )
    .covers(&["rfc9429-5.8.2-6"]),
    Case::new(
        "sdp.9429.5.8.1.setup-kept",
        "The round trip keeps a=setup",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "If present, a single \"a=setup\" line is parsed as specified in \
            [RFC4145], Section 4, and the setup value is stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "setup"),
    )
    .covers(&["rfc9429-5.8.1-8"]),
    Case::new(
        "sdp.9429.5.8.1.tls-id-kept",
        "The round trip keeps a=tls-id",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "If present, a single \"a=tls-id\" line is parsed as specified in \
            [RFC8842], Section 5, and the attribute value is stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &inserted("a=setup:actpass\r\n", "a=tls-id:89J2LRATQ3ULA24G9AHWVR31VJWSLB68"), "tls-id"),
    )
    .covers(&["rfc9429-5.8.1-8"]),
    Case::new(
        "sdp.9429.5.8.2.extmap-kept",
        "The round trip keeps a=extmap",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Any \"a=extmap\" attributes MUST be parsed as specified in [RFC5285], \
            Section 5, and their values stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "extmap"),
    )
    .covers(&["rfc9429-5.8.2-17"]),
    Case::new(
        "sdp.9429.5.8.2.end-of-candidates-kept",
        "The round trip keeps \
        a=end-of-candidates",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=end-of-candidates\" attribute MUST be parsed \
            as specified in [RFC8840], Section 8.1, and its presence or absence \
            flagged and stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &inserted("typ host generation 0\r\n", "a=end-of-candidates"), "end-of-candidates"),
    )
    .covers(&["rfc9429-5.8.2-9"]),
    Case::new(
        "sdp.9429.5.8.2.rtpmap-kept",
        "The round trip keeps every a=rtpmap",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Any \"a=rtpmap\" or \"a=fmtp\" lines MUST be parsed as specified in \
            [RFC4566], Section 6, and their values stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "rtpmap"),
    )
    .covers(&["rfc9429-5.8.2-12"]),
    Case::new(
        "sdp.9429.5.8.2.fmtp-kept",
        "The round trip keeps every a=fmtp parameter",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Any \"a=rtpmap\" or \"a=fmtp\" lines MUST be parsed as specified in \
            [RFC4566], Section 6, and their values stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "fmtp"),
    )
    .covers(&["rfc9429-5.8.2-12"]),
    Case::new(
        "sdp.9429.5.8.2.ptime-kept",
        "The round trip keeps a=ptime",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=ptime\" line MUST be parsed as described in \
            [RFC4566], Section 6, and its value stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &inserted(AUDIO_FMTP, "a=ptime:20"), "ptime"),
    )
    .covers(&["rfc9429-5.8.2-13"]),
    Case::new(
        "sdp.9429.5.8.2.maxptime-kept",
        "The round trip keeps a=maxptime",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=maxptime\" line MUST be parsed as described \
            in [RFC4566], Section 6, and its value stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &inserted(AUDIO_FMTP, "a=maxptime:120"), "maxptime"),
    )
    .covers(&["rfc9429-5.8.2-14"]),
    Case::new(
        "sdp.9429.5.8.2.direction-kept",
        "The round trip keeps a direction other than \
        sendrecv",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single direction attribute line (e.g., \"a=sendrecv\") \
            MUST be parsed as described in [RFC4566], Section 6, and its value \
            stored.",
        ),
        SDP,
        |ctx| {
            expect_kept(
                ctx,
                &variant("a=sendrecv\r\na=msid:stream0 track0", "a=sendonly\r\na=msid:stream0 track0"),
                "sendonly",
            )
        },
    )
    .covers(&["rfc9429-5.8.2-15"]),
    Case::new(
        "sdp.9429.5.8.2.ssrc-kept",
        "The round trip keeps every a=ssrc",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Any \"a=ssrc\" attributes MUST be parsed as specified in [RFC5576], \
            Section 4.1, and their values stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "ssrc"),
    )
    .covers(&["rfc9429-5.8.2-16"]),
    Case::new(
        "sdp.9429.5.8.2.rtcp-fb-kept",
        "The round trip keeps every a=rtcp-fb",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Any \"a=rtcp-fb\" attributes MUST be parsed as specified in \
            [RFC4585], Section 4.2, and their values stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "rtcp-fb"),
    )
    .covers(&["rfc9429-5.8.2-18"]),
    Case::new(
        "sdp.9429.5.8.2.rtcp-mux-kept",
        "The round trip keeps a=rtcp-mux",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=rtcp-mux\" attribute MUST be parsed as \
            specified in [RFC5761], Section 5.1.3, and its presence or absence \
            flagged and stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "rtcp-mux"),
    )
    .covers(&["rfc9429-5.8.2-19"]),
    Case::new(
        "sdp.9429.5.8.2.rtcp-mux-only-kept",
        "The round trip keeps \
        a=rtcp-mux-only",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=rtcp-mux-only\" attribute MUST be parsed as \
            specified in [RFC8858], Section 3, and its presence or absence \
            flagged and stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &inserted("a=rtcp-mux\r\n", "a=rtcp-mux-only"), "rtcp-mux-only"),
    )
    .covers(&["rfc9429-5.8.2-20"]),
    Case::new(
        "sdp.9429.5.8.2.rtcp-rsize-kept",
        "The round trip keeps a=rtcp-rsize",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=rtcp-rsize\" attribute MUST be parsed as \
            specified in [RFC5506], Section 5, and its presence or absence \
            flagged and stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "rtcp-rsize"),
    )
    .covers(&["rfc9429-5.8.2-21"]),
    Case::new(
        "sdp.9429.5.8.2.msid-kept",
        "The round trip keeps every a=msid stream id",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, \"a=msid\" attributes MUST be parsed as specified in \
            [RFC8830], Section 3.2, and their values stored, ignoring any \
            \"appdata\" field.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "msid"),
    )
    .covers(&["rfc9429-5.8.2-23"]),
    Case::new(
        "sdp.9429.5.8.2.rid-kept",
        "The round trip keeps every a=rid",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Any \"a=rid\" lines MUST be parsed as specified in [RFC8851], Section \
            10, and their values stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &simulcast_offer(), "rid"),
    )
    .covers(&["rfc9429-5.8.2-25"]),
    Case::new(
        "sdp.9429.5.8.2.simulcast-kept",
        "The round trip keeps a=simulcast",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=simulcast\" line MUST be parsed as specified \
            in [RFC8853], and its values stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, &simulcast_offer(), "simulcast"),
    )
    .covers(&["rfc9429-5.8.2-26"]),
    Case::new(
        "sdp.9429.5.8.2.imageattr-kept",
        "The round trip keeps a=imageattr",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Any \"a=imageattr\" attributes MUST be parsed as specified in \
            [RFC6236], Section 3, and their values stored.",
        ),
        SDP,
        |ctx| {
            expect_kept(
                ctx,
                &inserted("a=fmtp:97 apt=96\r\n", "a=imageattr:96 send [x=1280,y=720] recv [x=1280,y=720]"),
                "imageattr",
            )
        },
    )
    .covers(&["rfc9429-5.8.2-24"]),
    Case::new(
        "sdp.9429.5.8.2.sctp-port-kept",
        "The round trip keeps a=sctp-port",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "An \"a=sctp-port\" attribute MUST be present, and it MUST be parsed \
            as specified in [RFC8841], Section 5.2, and the value stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "sctp-port"),
    )
    .covers(&["rfc9429-5.8.2-29"]),
    Case::new(
        "sdp.9429.5.8.2.max-message-size-kept",
        "The round trip keeps \
        a=max-message-size",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=max-message-size\" attribute MUST be parsed \
            as specified in [RFC8841], Section 6, and the value stored.",
        ),
        SDP,
        |ctx| expect_kept(ctx, OFFER, "max-message-size"),
    )
    .covers(&["rfc9429-5.8.2-30"]),
];
