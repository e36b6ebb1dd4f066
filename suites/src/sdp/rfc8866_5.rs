//! RFC 8866 §5 as it binds parsers and serializers: line endings, NUL bytes and empty lines,
//! unknown type letters, unknown attributes, and the c= line (§5.7).

use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};

use super::kit::*;

pub const CASES: &[Case] = &[
    Case::new(
        "sdp.8866.5.lf-line-endings-accepted",
        "A parser accepts lines ended by LF alone",
        Spec::should(
            "RFC 8866",
            "5",
            "The sequence CRLF (0x0d0a) is used to end a line, although parsers \
            SHOULD be tolerant and also accept lines terminated with a single \
            newline character.",
        ),
        SDP,
        lf_accepted,
    ),
    Case::new(
        "sdp.8866.5.crlf-written",
        "A serializer ends every line with CRLF",
        Spec::must(
            "RFC 8866",
            "5",
            "The sequence CRLF (0x0d0a) is used to end a line, although parsers \
            SHOULD be tolerant and also accept lines terminated with a single \
            newline character.",
        ),
        SDP,
        crlf_written,
    ),
    Case::new(
        "sdp.8866.5.unknown-type-letter-rejected",
        "A description with an unknown type letter is \
        rejected",
        Spec::must(
            "RFC 8866",
            "5",
            "an SDP parser MUST completely ignore or reject any session \
            description that contains a type letter that it does not understand.",
        ),
        SDP,
        unknown_type_rejected,
    ),
    Case::new(
        "sdp.8866.5.unknown-attribute-ignored",
        "\
        An unknown attribute does not make the parser reject",
        Spec::must("RFC 8866", "5", "An SDP parser MUST ignore any attribute it doesn't understand."),
        SDP,
        unknown_attribute_ignored,
    )
    .covers(&["rfc9429-5.8.1-10", "rfc9429-5.8.2-32"]),
    Case::new(
        "sdp.9429.5.8.2.connection-malformed-rejected",
        "A c= line without an address is rejected",
        Spec::must("RFC 8866", "5.7", "c=<nettype> <addrtype> <connection-address>"),
        SDP,
        connection_rejected,
    )
    .covers(&["rfc9429-5.8.1-3", "rfc9429-5.8.2-4"]),
    Case::new(
        "sdp.9429.5.8.1.nul-byte-rejected",
        "A line holding a NUL byte is \
        rejected",
        Spec::must(
            "RFC 8866",
            "5",
            "Furthermore, charset-dependent fields MUST NOT contain the bytes 0x00 \
                (Nul), 0x0a (ASCII newline), and 0x0d (ASCII carriage return).",
        ),
        SDP,
        nul_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
    Case::new(
        "sdp.9429.5.8.1.empty-line-rejected",
        "An empty line inside the \
        description is rejected",
        Spec::must(
            "RFC 8866",
            "5",
            "An SDP description consists of a number of lines of text of the form: \
                <type>=<value>",
        ),
        SDP,
        empty_line_rejected,
    )
    .covers(&["rfc9429-5.8-1"]),
];

fn lf_accepted(ctx: &mut Ctx) -> Verdict {
    control(ctx)?;
    Ok(match ctx.sdp_round_trip(&OFFER.replace("\r\n", "\n"))? {
        Ok(_) => Outcome::Pass,
        Err(reason) => Outcome::NonStrict { why: format!("rejected the offer with LF line endings: {reason}") },
    })
}

fn crlf_written(ctx: &mut Ctx) -> Verdict {
    let out = control(ctx)?;
    let bare = out.split_inclusive('\n').filter(|l| !l.ends_with("\r\n")).count();
    Ok(if bare == 0 {
        Outcome::Pass
    } else {
        Outcome::fail("every line ended by CRLF", format!("{bare} line(s) without CRLF"))
    })
}

fn unknown_type_rejected(ctx: &mut Ctx) -> Verdict {
    // Rejecting, or ignoring the whole description, both satisfy the RFC; a parse that
    // succeeds and returns the description does neither.
    let bad = variant("s=-\r\n", "s=-\r\ny=unknown type letter\r\n");
    expect_rejected(ctx, &bad, "a description with a y= line")
}

fn unknown_attribute_ignored(ctx: &mut Ctx) -> Verdict {
    control(ctx)?;
    let with = variant("a=mid:0\r\n", "a=mid:0\r\na=x-rtcspec-unknown:some value\r\n");
    expect_accepted(ctx, &with, "the offer with a=x-rtcspec-unknown")
}

fn connection_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("c=IN IP4 0.0.0.0\r\n", "c=IN IP4\r\n"), "c=IN IP4")
}

fn empty_line_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("s=-\r\n", "s=-\r\n\r\n"), "an empty line after s=")
}

fn nul_rejected(ctx: &mut Ctx) -> Verdict {
    expect_rejected(ctx, &variant("s=-\r\n", "s=-\0\r\n"), "s= holding a NUL byte")
}
