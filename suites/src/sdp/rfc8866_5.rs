//! RFC 8866 §5 as it binds parsers and serializers: line endings, unknown type letters,
//! unknown attributes.

use rtcspec_harness::{Case, Ctx, Level::*, Outcome, Verdict};

use super::common::*;

pub const CASES: &[Case] = &[
    case("sdp.8866.5.lf-line-endings-accepted", "A parser accepts lines ended by LF alone", "RFC 8866", "5", Should,
        "The sequence CRLF (0x0d0a) is used to end a line, although parsers SHOULD be tolerant and also accept lines terminated with a single newline character.", lf_accepted),
    case("sdp.8866.5.crlf-written", "A serializer ends every line with CRLF", "RFC 8866", "5", Must,
        "The sequence CRLF (0x0d0a) is used to end a line, although parsers SHOULD be tolerant and also accept lines terminated with a single newline character.", crlf_written),
    case("sdp.8866.5.unknown-type-letter-rejected", "A description with an unknown type letter is rejected", "RFC 8866", "5", Must,
        "an SDP parser MUST completely ignore or reject any session description that contains a type letter that it does not understand.", unknown_type_rejected),
    Case { covers: &["rfc9429-5.8.1-10", "rfc9429-5.8.2-32"], ..case("sdp.8866.5.unknown-attribute-ignored", "An unknown attribute does not make the parser reject", "RFC 8866", "5", Must,
        "An SDP parser MUST ignore any attribute it doesn't understand.", unknown_attribute_ignored) },
    case("sdp.8866.6.7.no-direction-accepted", "An m= section without a direction attribute is accepted (sendrecv assumed)", "RFC 8866", "6.7", Should,
        "If none of the media direction attributes is present at either session level or media level, \"a=sendrecv\" SHOULD be assumed as the default.", no_direction_accepted),
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

fn no_direction_accepted(ctx: &mut Ctx) -> Verdict {
    control(ctx)?;
    let without = variant("a=sendrecv\r\na=msid:stream0 track0\r\n", "a=msid:stream0 track0\r\n");
    expect_accepted(ctx, &without, "the offer whose audio section has no direction attribute")
}
