//! RFC 9429 (JSEP) §5.8, Parsing a Session Description: a JSEP parser rejects any line that
//! is not well formed, and stores what later steps use.

use rtcspec_harness::{check, Case, Ctx, Spec, Verdict};

use super::kit::*;

const M_LINE: &str = "The \"m=\" line itself MUST be parsed as described in [RFC4566], \
    Section 5.14, and the <media>, <port>, <proto>, and <fmt> values \
    stored.";

const REJECT: &str = "If any line is not well formed or cannot be parsed as described, the \
    parser MUST stop with an error and reject the session description, \
    even if the value is to be discarded.";

const FINGERPRINT: &str = "a=fingerprint:sha-256 \
    19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2\r\n";

const STORED: &str = "Any \"a=candidate\" attributes MUST be parsed as specified in \
    [RFC8839], Section 5.1, and their values stored.";

pub const CASES: &[Case] = &[
    Case::new(
        "sdp.9429.5.8.well-formed-offer-accepted",
        "A well-formed offer (audio, video, data, bundled) is \
        accepted",
        Spec::must("RFC 9429", "5.8", REJECT),
        SDP,
        well_formed_accepted,
    ),
    Case::new(
        "sdp.9429.5.8.1.version-not-0-rejected",
        "v=1 is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "The \"v=\" line MUST have a version of 0, as specified in [RFC4566], \
                Section 5.1.",
        ),
        SDP,
        version_rejected,
    )
    .covers(&["rfc9429-5.8.1-5", "rfc9429-5.8-1"]),
    Case::new(
        "sdp.9429.5.8.1.origin-malformed-rejected",
        "\
        An o= line with missing fields is rejected",
        Spec::must("RFC 9429", "5.8.1", "The \"o=\" line MUST be parsed as specified in [RFC4566], Section 5.2."),
        SDP,
        origin_rejected,
    )
    .covers(&["rfc9429-5.8.1-6", "rfc9429-5.8-1"]),
    Case::new(
        "sdp.9429.5.8.1.line-order-rejected",
        "\
        Session lines out of the fixed order are rejected",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "These lines MUST occur in a specific order, and with a specific \
                syntax, as defined in [RFC4566], Section 5.",
        ),
        SDP,
        order_rejected,
    )
    .covers(&["rfc9429-5.8.1-1", "rfc9429-5.8.1-2"]),
    Case::new(
        "sdp.9429.5.8.ice-ufrag-too-short-rejected",
        "An ice-ufrag of 2 characters is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "If present, a single \"a=ice-ufrag\" line is parsed as specified in \
                [RFC8839], Section 5.4, and the ufrag value is stored.",
        ),
        SDP,
        ufrag_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
    Case::new(
        "sdp.9429.5.8.ice-pwd-too-short-rejected",
        "An ice-pwd of 8 characters is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "If present, a single \"a=ice-pwd\" line is parsed as specified in \
                [RFC8839], Section 5.4, and the password value is stored.",
        ),
        SDP,
        pwd_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
    Case::new(
        "sdp.9429.5.8.fingerprint-malformed-rejected",
        "A fingerprint that is \
        not hex pairs is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "Any \"a=fingerprint\" lines are parsed as specified in [RFC8122], \
                Section 5, and the set of fingerprint and algorithm values is stored.",
        ),
        SDP,
        fingerprint_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
    Case::new(
        "sdp.9429.5.8.2.m-line-malformed-rejected",
        "\
        An m= line with a non-numeric port is rejected",
        Spec::must("RFC 9429", "5.8.2", REJECT),
        SDP,
        m_line_rejected,
    )
    .covers(&["rfc9429-5.8.2-2", "rfc9429-5.8-1"]),
    Case::new(
        "sdp.9429.5.8.2.candidate-malformed-rejected",
        "\
        A candidate line that breaks the grammar is rejected",
        Spec::must("RFC 9429", "5.8.2", REJECT),
        SDP,
        candidate_rejected,
    )
    .covers(&["rfc9429-5.8.2-7", "rfc9429-5.8-1"]),
    Case::new(
        "sdp.9429.5.8.ice-credentials-kept",
        "The round trip keeps ice-ufrag \
        and ice-pwd",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "If present, a single \"a=ice-ufrag\" line is parsed as specified in \
                [RFC8839], Section 5.4, and the ufrag value is stored.",
        ),
        SDP,
        ice_kept,
    )
    .covers(&["rfc9429-5.8.2-6"]),
    Case::new(
        "sdp.9429.5.8.fingerprint-kept",
        "The round trip keeps the certificate \
        fingerprint",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "Any \"a=fingerprint\" lines are parsed as specified in [RFC8122], \
                Section 5, and the set of fingerprint and algorithm values is stored.",
        ),
        SDP,
        fingerprint_kept,
    )
    .covers(&["rfc9429-5.8.2-6"]),
    Case::new(
        "sdp.9429.5.8.2.m-lines-kept",
        "\
        The round trip keeps the m= sections, their order and payload types",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "The \"m=\" line itself MUST be parsed as described in [RFC4566], \
                Section 5.14, and the <media>, <port>, <proto>, and <fmt> values \
                stored.",
        ),
        SDP,
        m_lines_kept,
    )
    .covers(&["rfc9429-5.8.2-2", "rfc9429-5.8.2-11", "rfc9429-5.8.2-28"]),
    Case::new(
        "sdp.9429.5.8.2.zero-port-section-kept",
        "A rejected m= section (port \
        0) is parsed and kept",
        Spec::must("RFC 9429", "5.8.2", M_LINE),
        SDP,
        zero_port_kept,
    )
    .covers(&["rfc9429-5.8.2-2"]),
    Case::new(
        "sdp.9429.5.8.2.bundle-only-section-kept",
        "A bundle-only m= section \
        (port 0, a=bundle-only) is parsed and kept",
        Spec::must("RFC 9429", "5.8.2", M_LINE),
        SDP,
        bundle_only_kept,
    )
    .covers(&["rfc9429-5.8.2-2"]),
    Case::new(
        "sdp.9429.5.8.2.ipv6-connection-kept",
        "A c=IN IP6 line is parsed, and \
        the m= sections kept",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "As with the \"c=\" line at the session level, the \"c=\" line MUST be \
                parsed according to [RFC4566], Section 5.7, but its value is not used.",
        ),
        SDP,
        ipv6_connection_accepted,
    )
    .covers(&["rfc9429-5.8.2-4"]),
    Case::new(
        "sdp.9429.5.8.2.media-line-order-rejected",
        "A media section with c= \
        after its a= lines is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Like the session-level lines, the media section lines MUST occur in \
                the specific order and with the specific syntax defined in [RFC4566], \
                Section 5.",
        ),
        SDP,
        media_order_rejected,
    )
    .covers(&["rfc9429-5.8.2-1"]),
    Case::new(
        "sdp.9429.5.8.1.session-name-missing-rejected",
        "A description without s= is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "These lines MUST occur in a specific order, and with a specific \
                syntax, as defined in [RFC4566], Section 5.",
        ),
        SDP,
        missing_s_rejected,
    )
    .covers(&["rfc9429-5.8.1-1"]),
    Case::new(
        "sdp.9429.5.8.1.timing-malformed-rejected",
        "A t= line without a stop \
        time is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.1",
            "The \"i=\", \"u=\", \"e=\", \"p=\", \"t=\", \"r=\", \"z=\", and \
                \"k=\" lines MUST be checked for syntax, but their values are not \
                otherwise used.",
        ),
        SDP,
        timing_rejected,
    )
    .covers(&["rfc9429-5.8.1-4"]),
    Case::new(
        "sdp.9429.5.8.2.payload-type-128-rejected",
        "An RTP m= line with \
        payload type 128 is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "The \"m=\" <fmt> value MUST be parsed as specified in [RFC4566], \
                Section 5.14, and the individual values stored.",
        ),
        SDP,
        payload_type_rejected,
    )
    .covers(&["rfc9429-5.8.2-11"]),
    Case::new(
        "sdp.9429.5.8.2.sctp-port-malformed-rejected",
        "A non-numeric a=sctp-port is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "An \"a=sctp-port\" attribute MUST be present, and it MUST be parsed \
                as specified in [RFC8841], Section 5.2, and the value stored.",
        ),
        SDP,
        sctp_port_rejected,
    )
    .covers(&["rfc9429-5.8.2-29"]),
    Case::new(
        "sdp.9429.5.8.2.max-message-size-malformed-rejected",
        "A negative a=max-message-size is rejected",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "If present, a single \"a=max-message-size\" attribute MUST be parsed \
                as specified in [RFC8841], Section 6, and the value stored.",
        ),
        SDP,
        max_message_size_rejected,
    )
    .covers(&["rfc9429-5.8.2-30"]),
    Case::new(
        "sdp.9429.5.8.2.candidates-kept",
        "The round trip keeps a=candidate \
        lines",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Any \"a=candidate\" attributes MUST be parsed as specified in \
                [RFC8839], Section 5.1, and their values stored.",
        ),
        SDP,
        candidates_kept,
    )
    .covers(&["rfc9429-5.8.2-7"]),
    Case::new(
        "sdp.8122.5.1.several-fingerprints-kept",
        "Two fingerprints (sha-256 \
        and sha-1) in one section are both kept",
        Spec::must(
            "RFC 9429",
            "5.8.2",
            "Any \"a=fingerprint\" lines are parsed as specified in [RFC8122], \
                Section 5, and the set of fingerprint and algorithm values is stored.",
        ),
        SDP,
        several_kept,
    )
    .covers(&["rfc9429-5.8.2-6"]),
    Case::new(
        "sdp.8839.5.1.tcp-candidate-kept",
        "An ICE-TCP candidate (tcptype \
        active) is parsed and kept",
        Spec::must("RFC 9429", "5.8.2", STORED),
        SDP,
        tcp_kept,
    )
    .covers(&["rfc9429-5.8.2-7"]),
    Case::new(
        "sdp.8839.5.1.ipv6-candidate-kept",
        "An IPv6 host candidate is parsed \
        and kept",
        Spec::must("RFC 9429", "5.8.2", STORED),
        SDP,
        ipv6_kept,
    )
    .covers(&["rfc9429-5.8.2-7"]),
    Case::new(
        "sdp.8839.5.1.srflx-candidate-kept",
        "A server-reflexive candidate \
        with raddr/rport is parsed and kept",
        Spec::must("RFC 9429", "5.8.2", STORED),
        SDP,
        srflx_kept,
    )
    .covers(&["rfc9429-5.8.2-7"]),
    Case::new(
        "sdp.8839.5.1.relay-candidate-kept",
        "A relayed candidate with \
        raddr/rport is parsed and kept",
        Spec::must("RFC 9429", "5.8.2", STORED),
        SDP,
        relay_kept,
    )
    .covers(&["rfc9429-5.8.2-7"]),
    Case::new(
        "sdp.8839.5.1.port-not-numeric-rejected",
        "A candidate whose port is not \
        a number is rejected",
        Spec::must("RFC 9429", "5.8", REJECT),
        SDP,
        port_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
];

fn well_formed_accepted(ctx: &mut Ctx) -> Verdict {
    expect_accepted(ctx, OFFER, "the well-formed offer")
}

fn version_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("v=0\r\n", "v=1\r\n"), "v=1")
}

fn origin_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(
        ctx,
        &variant("o=- 4611731400430051336 2 IN IP4 127.0.0.1", "o=- 4611731400430051336"),
        "an o= line with 2 fields",
    )
}

fn order_rejected(ctx: &mut Ctx) -> Verdict {
    let swapped = variant(
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n",
        "s=-\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n",
    );
    expect_rejected(ctx, &swapped, "s= before o=")
}

fn ufrag_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &OFFER.replace("a=ice-ufrag:4ZcD", "a=ice-ufrag:4Z"), "ice-ufrag \"4Z\"")
}

fn pwd_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(
        ctx,
        &OFFER.replace("a=ice-pwd:2/1muCWoOi3uLifh0NuRHlch", "a=ice-pwd:2/1muCWo"),
        "an 8-character ice-pwd",
    )
}

fn fingerprint_rejected(ctx: &mut Ctx) -> Verdict {
    let bad = OFFER.replace("sha-256 19:E2:1C:3B", "sha-256 XY:E2:1C:3B");
    expect_rejected(ctx, &bad, "a fingerprint with \"XY\"")
}

fn m_line_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("m=video 9 UDP", "m=video nine UDP"), "m=video nine ...")
}

fn candidate_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(
        ctx,
        &variant("2122260223 192.0.2.1 46243 typ host", "2122260223 192.0.2.1 46243 host"),
        "a candidate without \"typ\"",
    )
}

fn ice_kept(ctx: &mut Ctx) -> Verdict {
    match expect_kept(ctx, OFFER, "ice-ufrag")? {
        rtcspec_harness::Outcome::Pass => expect_kept(ctx, OFFER, "ice-pwd"),
        other => Ok(other),
    }
}

fn fingerprint_kept(ctx: &mut Ctx) -> Verdict {
    expect_kept(ctx, OFFER, "fingerprint")
}

fn candidates_kept(ctx: &mut Ctx) -> Verdict {
    expect_kept(ctx, OFFER, "candidate")
}

fn m_lines_kept(ctx: &mut Ctx) -> Verdict {
    let out = control(ctx)?;
    let (want, got) = (m_lines(OFFER), m_lines(&out));
    Ok(check(want == got, format!("m= lines {want:?}"), || format!("{got:?}")))
}

/// Accepts `text` and keeps its m= lines (ports included).
fn expect_m_lines_kept(ctx: &mut Ctx, text: &str, what: &str) -> Verdict {
    control(ctx)?;
    let out = match ctx.sdp_round_trip(text)? {
        Ok(out) => out,
        Err(reason) => {
            return Ok(rtcspec_harness::Outcome::fail(format!("{what} accepted"), format!("rejected: {reason}")))
        }
    };
    let (want, got) = (m_lines(text), m_lines(&out));
    Ok(check(want == got, format!("m= lines {want:?}"), || format!("{got:?}")))
}

fn zero_port_kept(ctx: &mut Ctx) -> Verdict {
    let rejected = format!(
        "{OFFER}m=audio 0 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 \
            0.0.0.0\r\na=mid:3\r\na=inactive\r\na=rtpmap:0 PCMU/8000\r\n"
    );
    expect_m_lines_kept(ctx, &rejected, "the offer with a rejected fourth section")
}

fn bundle_only_kept(ctx: &mut Ctx) -> Verdict {
    let offer = variant("m=video 9 UDP", "m=video 0 UDP").replacen("a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n", 1);
    expect_m_lines_kept(ctx, &offer, "the offer with a bundle-only video section")
}

fn ipv6_connection_accepted(ctx: &mut Ctx) -> Verdict {
    let offer = variant("c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0", "c=IN IP6 ::\r\na=rtcp:9 IN IP6 ::");
    expect_m_lines_kept(ctx, &offer, "the offer with c=IN IP6 ::")
}

fn media_order_rejected(ctx: &mut Ctx) -> Verdict {
    let swapped = variant(
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN \
            IP4 0.0.0.0\r\n",
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=rtcp:9 IN IP4 0.0.0.0\r\nc=IN \
            IP4 0.0.0.0\r\n",
    );
    expect_rejected(ctx, &swapped, "c= after a=rtcp in the video section")
}

fn missing_s_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("s=-\r\n", ""), "a description without s=")
}

fn timing_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("t=0 0\r\n", "t=0\r\n"), "t=0")
}

fn payload_type_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("SAVPF 111 0\r\n", "SAVPF 111 0 128\r\n"), "payload type 128")
}

fn sctp_port_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("a=sctp-port:5000", "a=sctp-port:http"), "a=sctp-port:http")
}

fn max_message_size_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("a=max-message-size:262144", "a=max-message-size:-1"), "a=max-message-size:-1")
}

fn several_kept(ctx: &mut Ctx) -> Verdict {
    let offer = inserted(
        FINGERPRINT,
        "a=fingerprint:sha-1 \
            4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB",
    );
    expect_kept(ctx, &offer, "fingerprint")
}

fn ipv6_kept(ctx: &mut Ctx) -> Verdict {
    let offer = with_candidate("a=candidate:3 1 udp 2122262783 2001:db8::1 46244 typ host generation 0");
    expect_kept(ctx, &offer, "candidate")
}

fn port_rejected(ctx: &mut Ctx) -> Verdict {
    let bad = replaced_candidate("a=candidate:1467250027 1 udp 2122260223 192.0.2.1 port typ host");
    expect_rejected(ctx, &bad, "candidate port \"port\"")
}

fn relay_kept(ctx: &mut Ctx) -> Verdict {
    let offer = with_candidate(
        "a=candidate:5 1 udp 41885439 203.0.113.9 50000 typ relay raddr \
            198.51.100.7 rport 46245",
    );
    expect_kept(ctx, &offer, "candidate")
}

fn srflx_kept(ctx: &mut Ctx) -> Verdict {
    let offer = with_candidate(
        "a=candidate:4 1 udp 1686052607 198.51.100.7 46245 typ srflx raddr \
            192.0.2.1 rport 46243",
    );
    expect_kept(ctx, &offer, "candidate")
}

fn tcp_kept(ctx: &mut Ctx) -> Verdict {
    let offer = with_candidate("a=candidate:2 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active");
    expect_kept(ctx, &offer, "candidate")
}
