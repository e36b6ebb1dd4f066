//! RFC 9429 (JSEP) §5.8.1 and §5.8.2: the values a parser must store. Each case hands the
//! target a well-formed offer that carries the attribute, and judges the round trip: the
//! description must be accepted and every value must survive in its section (values moved to
//! the session level count, since they apply to every section).

use rtcspec_harness::{Case, Ctx, Level::*, Verdict};

use super::kit::*;

const AUDIO_FMTP: &str = "a=fmtp:111 minptime=10;useinbandfec=1\r\n";
const VIDEO_C: &str = "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\n";

/// One `...-kept` case: id suffix, title, section, quote, and its run function.
macro_rules! stored {
    ($(
        $fn:ident = $id:literal: $attr:literal, $section:literal, [$($covers:literal),*],
        $title:literal, $text:literal, $offer:expr;
    )*) => {
        pub const CASES: &[Case] = &[$(
            Case {
                covers: &[$($covers),*],
                ..case(
                    concat!("sdp.9429.", $section, ".", $id, "-kept"),
                    $title, "RFC 9429", $section, Must, $text, $fn,
                )
            },
        )*];
        $(fn $fn(ctx: &mut Ctx) -> Verdict {
            expect_kept(ctx, &$offer, $attr)
        })*
    };
}

fn simulcast_offer() -> String {
    inserted("a=fmtp:97 apt=96\r\n", "a=rid:hi send\r\na=rid:lo send\r\na=simulcast:send hi;lo")
}

stored! {
    bandwidth = "bandwidth": "b", "5.8.2", ["rfc9429-5.8.2-5"], "The round trip keeps a media-level b= line",
        "The \"b=\" line, if present, MUST be parsed as specified in \
            [RFC4566], Section 5.8, and the bwtype and bandwidth values stored.",
        inserted(VIDEO_C, "b=AS:2000");
    session_bandwidth = "session-bandwidth": "b", "5.8.1", ["rfc9429-5.8.1-7"], "The round trip keeps a session-level \
        b= line",
        "The \"b=\" line, if present, MUST be parsed as specified in \
            [RFC4566], Section 5.8, and the bwtype and bandwidth values stored.",
        inserted("s=-\r\n", "b=AS:3000");
    group = "group": "group", "5.8.1", ["rfc9429-5.8.1-8"], "The round trip keeps a=group:BUNDLE and its mids",
        "Any \"a=group\" lines are parsed as specified in [RFC5888], Section \
            5, and the group's semantics and MID values are stored.",
        OFFER;
    ice_lite = "ice-lite": "ice-lite", "5.8.1", ["rfc9429-5.8.1-8"], "The round trip keeps a=ice-lite",
        "If present, a single \"a=ice-lite\" line is parsed as specified in \
            [RFC8839], Section 5.3, and a value indicating the presence of an \
            \"a=ice-lite\" line is stored.",
        inserted("a=group:BUNDLE 0 1 2\r\n", "a=ice-lite");
    ice_options = "ice-options": "ice-options", "5.8.2", ["rfc9429-5.8.2-6"], "The round trip keeps a=ice-options",
        "If present, a single \"a=ice-options\" line is parsed as specified in \
            [RFC8839], Section 5.6, and the set of specified options is stored.",
        OFFER;
    setup = "setup": "setup", "5.8.1", ["rfc9429-5.8.1-8"], "The round trip keeps a=setup",
        "If present, a single \"a=setup\" line is parsed as specified in \
            [RFC4145], Section 4, and the setup value is stored.",
        OFFER;
    tls_id = "tls-id": "tls-id", "5.8.1", ["rfc9429-5.8.1-8"], "The round trip keeps a=tls-id",
        "If present, a single \"a=tls-id\" line is parsed as specified in \
            [RFC8842], Section 5, and the attribute value is stored.",
        inserted("a=setup:actpass\r\n", "a=tls-id:89J2LRATQ3ULA24G9AHWVR31VJWSLB68");
    extmap = "extmap": "extmap", "5.8.2", ["rfc9429-5.8.2-17"], "The round trip keeps a=extmap",
        "Any \"a=extmap\" attributes MUST be parsed as specified in [RFC5285], \
            Section 5, and their values stored.",
        OFFER;
    end_of_candidates = "end-of-candidates": "end-of-candidates", "5.8.2", ["rfc9429-5.8.2-9"], "The round trip keeps \
        a=end-of-candidates",
        "If present, a single \"a=end-of-candidates\" attribute MUST be parsed \
            as specified in [RFC8840], Section 8.1, and its presence or absence \
            flagged and stored.",
        inserted("typ host generation 0\r\n", "a=end-of-candidates");
    rtpmap = "rtpmap": "rtpmap", "5.8.2", ["rfc9429-5.8.2-12"], "The round trip keeps every a=rtpmap",
        "Any \"a=rtpmap\" or \"a=fmtp\" lines MUST be parsed as specified in \
            [RFC4566], Section 6, and their values stored.",
        OFFER;
    fmtp = "fmtp": "fmtp", "5.8.2", ["rfc9429-5.8.2-12"], "The round trip keeps every a=fmtp parameter",
        "Any \"a=rtpmap\" or \"a=fmtp\" lines MUST be parsed as specified in \
            [RFC4566], Section 6, and their values stored.",
        OFFER;
    ptime = "ptime": "ptime", "5.8.2", ["rfc9429-5.8.2-13"], "The round trip keeps a=ptime",
        "If present, a single \"a=ptime\" line MUST be parsed as described in \
            [RFC4566], Section 6, and its value stored.",
        inserted(AUDIO_FMTP, "a=ptime:20");
    maxptime = "maxptime": "maxptime", "5.8.2", ["rfc9429-5.8.2-14"], "The round trip keeps a=maxptime",
        "If present, a single \"a=maxptime\" line MUST be parsed as described \
            in [RFC4566], Section 6, and its value stored.",
        inserted(AUDIO_FMTP, "a=maxptime:120");
    direction = "direction": "sendonly", "5.8.2", ["rfc9429-5.8.2-15"], "The round trip keeps a direction other than \
        sendrecv",
        "If present, a single direction attribute line (e.g., \"a=sendrecv\") \
            MUST be parsed as described in [RFC4566], Section 6, and its value \
            stored.",
        variant("a=sendrecv\r\na=msid:stream0 track0", "a=sendonly\r\na=msid:stream0 track0");
    ssrc = "ssrc": "ssrc", "5.8.2", ["rfc9429-5.8.2-16"], "The round trip keeps every a=ssrc",
        "Any \"a=ssrc\" attributes MUST be parsed as specified in [RFC5576], \
            Section 4.1, and their values stored.",
        OFFER;
    rtcp_fb = "rtcp-fb": "rtcp-fb", "5.8.2", ["rfc9429-5.8.2-18"], "The round trip keeps every a=rtcp-fb",
        "Any \"a=rtcp-fb\" attributes MUST be parsed as specified in \
            [RFC4585], Section 4.2, and their values stored.",
        OFFER;
    rtcp_mux = "rtcp-mux": "rtcp-mux", "5.8.2", ["rfc9429-5.8.2-19"], "The round trip keeps a=rtcp-mux",
        "If present, a single \"a=rtcp-mux\" attribute MUST be parsed as \
            specified in [RFC5761], Section 5.1.3, and its presence or absence \
            flagged and stored.",
        OFFER;
    rtcp_mux_only = "rtcp-mux-only": "rtcp-mux-only", "5.8.2", ["rfc9429-5.8.2-20"], "The round trip keeps \
        a=rtcp-mux-only",
        "If present, a single \"a=rtcp-mux-only\" attribute MUST be parsed as \
            specified in [RFC8858], Section 3, and its presence or absence \
            flagged and stored.",
        inserted("a=rtcp-mux\r\n", "a=rtcp-mux-only");
    rtcp_rsize = "rtcp-rsize": "rtcp-rsize", "5.8.2", ["rfc9429-5.8.2-21"], "The round trip keeps a=rtcp-rsize",
        "If present, a single \"a=rtcp-rsize\" attribute MUST be parsed as \
            specified in [RFC5506], Section 5, and its presence or absence \
            flagged and stored.",
        OFFER;
    msid = "msid": "msid", "5.8.2", ["rfc9429-5.8.2-23"], "The round trip keeps every a=msid stream id",
        "If present, \"a=msid\" attributes MUST be parsed as specified in \
            [RFC8830], Section 3.2, and their values stored, ignoring any \
            \"appdata\" field.",
        OFFER;
    rid = "rid": "rid", "5.8.2", ["rfc9429-5.8.2-25"], "The round trip keeps every a=rid",
        "Any \"a=rid\" lines MUST be parsed as specified in [RFC8851], Section \
            10, and their values stored.",
        simulcast_offer();
    simulcast = "simulcast": "simulcast", "5.8.2", ["rfc9429-5.8.2-26"], "The round trip keeps a=simulcast",
        "If present, a single \"a=simulcast\" line MUST be parsed as specified \
            in [RFC8853], and its values stored.",
        simulcast_offer();
    imageattr = "imageattr": "imageattr", "5.8.2", ["rfc9429-5.8.2-24"], "The round trip keeps a=imageattr",
        "Any \"a=imageattr\" attributes MUST be parsed as specified in \
            [RFC6236], Section 3, and their values stored.",
        inserted("a=fmtp:97 apt=96\r\n", "a=imageattr:96 send [x=1280,y=720] recv [x=1280,y=720]");
    sctp_port = "sctp-port": "sctp-port", "5.8.2", ["rfc9429-5.8.2-29"], "The round trip keeps a=sctp-port",
        "An \"a=sctp-port\" attribute MUST be present, and it MUST be parsed \
            as specified in [RFC8841], Section 5.2, and the value stored.",
        OFFER;
    max_message_size = "max-message-size": "max-message-size", "5.8.2", ["rfc9429-5.8.2-30"], "The round trip keeps \
        a=max-message-size",
        "If present, a single \"a=max-message-size\" attribute MUST be parsed \
            as specified in [RFC8841], Section 6, and the value stored.",
        OFFER;
}
