//! RFC 8839 §5.1: the candidate attribute. Every well-formed kind of candidate must be
//! parsed and kept (RFC 9429 §5.8.2); a grammatically broken one must make the parser
//! reject the description; a candidate whose address is a name must be ignored, not fatal.

use rtcspec_harness::{Case, Ctx, Level::*, Verdict};

use super::common::*;

const BASE: &str = "a=candidate:1467250027 1 udp 2122260223 192.0.2.1 46243 typ host generation 0\r\n";
const STORED: &str =
    "Any \"a=candidate\" attributes MUST be parsed as specified in [RFC8839], Section 5.1, and their values stored.";
const IGNORE_FQDN: &str = "An agent processing remote candidates MUST ignore \"candidate\" lines that include candidates with FQDNs or IP address versions that are not supported or recognized.";
const REJECT: &str = "If any line is not well formed or cannot be parsed as described, the parser MUST stop with an error and reject the session description, even if the value is to be discarded.";

/// The offer with `line` as a second candidate of the audio section.
fn with_candidate(line: &str) -> String {
    inserted(BASE, line)
}

/// The offer with its candidate replaced by `line`.
fn replaced_candidate(line: &str) -> String {
    variant(BASE, &format!("{line}\r\n"))
}

pub const CASES: &[Case] = &[
    Case { covers: &["rfc8839-5.4-4", "rfc9429-5.8.2-6"], ..case("sdp.8839.5.4.long-ice-ufrag-kept", "An ice-ufrag of 256 characters is accepted and kept", "RFC 8839", "5.4", Must,
        "For compatibility with the 512-character limitation for the STUN username attribute value and for bandwidth conservation considerations, the \"ice-ufrag\" attribute MUST NOT be longer than 32 characters when sending, but an implementation MUST accept up to 256 characters when receiving.", long_ufrag_kept) },
    Case { covers: &["rfc9429-5.8.2-7"], ..case("sdp.8839.5.1.tcp-candidate-kept", "An ICE-TCP candidate (tcptype active) is parsed and kept", "RFC 9429", "5.8.2", Must, STORED, tcp_kept) },
    Case { covers: &["rfc9429-5.8.2-7"], ..case("sdp.8839.5.1.ipv6-candidate-kept", "An IPv6 host candidate is parsed and kept", "RFC 9429", "5.8.2", Must, STORED, ipv6_kept) },
    Case { covers: &["rfc9429-5.8.2-7"], ..case("sdp.8839.5.1.srflx-candidate-kept", "A server-reflexive candidate with raddr/rport is parsed and kept", "RFC 9429", "5.8.2", Must, STORED, srflx_kept) },
    Case { covers: &["rfc9429-5.8.2-7"], ..case("sdp.8839.5.1.relay-candidate-kept", "A relayed candidate with raddr/rport is parsed and kept", "RFC 9429", "5.8.2", Must, STORED, relay_kept) },
    Case { covers: &["rfc9429-5.8.2-7"], ..case("sdp.8839.5.1.transport-case-insensitive", "A candidate with transport \"UDP\" in upper case is parsed and kept", "RFC 8839", "5.1", Must,
        "transport             = \"UDP\" / transport-extension", transport_upper_kept) },
    Case { covers: &["rfc8839-5.1-10", "rfc9429-5.8.2-7"], ..case("sdp.8839.5.1.unknown-extension-ignored", "A candidate with an extension the parser does not know is kept", "RFC 8839", "5.1", Must,
        "An implementation MUST ignore any name/value pairs it doesn't understand.", unknown_extension_kept) },
    Case { covers: &["rfc8839-5.1-2"], ..case("sdp.8839.5.1.fqdn-candidate-ignored", "A candidate with an FQDN address does not make the parser reject", "RFC 8839", "5.1", Must, IGNORE_FQDN, fqdn_accepted) },
    Case { covers: &["rfc8839-5.1-2"], ..case("sdp.8839.5.1.mdns-candidate-ignored", "A candidate with an mDNS .local name does not make the parser reject", "RFC 8839", "5.1", Must, IGNORE_FQDN, mdns_accepted) },
    Case { covers: &["rfc9429-5.8-1"], ..case("sdp.8839.5.1.component-zero-rejected", "A candidate with component-id 0 is rejected", "RFC 8839", "5.1", Must,
        "<component-id>:  is a positive integer between 1 and 256 (inclusive) that identifies the specific component of the data stream for which this is a candidate.", component_rejected) },
    Case { covers: &["rfc9429-5.8-1"], ..case("sdp.8839.5.1.priority-zero-rejected", "A candidate with priority 0 is rejected", "RFC 8839", "5.1", Must,
        "<priority>:  is a positive integer between 1 and (2**31 - 1) inclusive.", priority_rejected) },
    Case { covers: &["rfc9429-5.8-1"], ..case("sdp.8839.5.1.foundation-too-long-rejected", "A candidate foundation of 33 characters is rejected", "RFC 8839", "5.1", Must,
        "<foundation>:  is composed of 1 to 32 <ice-char>s.", foundation_rejected) },
    Case { covers: &["rfc9429-5.8-1"], ..case("sdp.8839.5.1.port-not-numeric-rejected", "A candidate whose port is not a number is rejected", "RFC 9429", "5.8", Must, REJECT, port_rejected) },
];

fn tcp_kept(ctx: &mut Ctx) -> Verdict {
    let offer = with_candidate("a=candidate:2 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active");
    expect_kept(ctx, &offer, "candidate")
}

fn ipv6_kept(ctx: &mut Ctx) -> Verdict {
    let offer = with_candidate("a=candidate:3 1 udp 2122262783 2001:db8::1 46244 typ host generation 0");
    expect_kept(ctx, &offer, "candidate")
}

fn srflx_kept(ctx: &mut Ctx) -> Verdict {
    let offer =
        with_candidate("a=candidate:4 1 udp 1686052607 198.51.100.7 46245 typ srflx raddr 192.0.2.1 rport 46243");
    expect_kept(ctx, &offer, "candidate")
}

fn relay_kept(ctx: &mut Ctx) -> Verdict {
    let offer =
        with_candidate("a=candidate:5 1 udp 41885439 203.0.113.9 50000 typ relay raddr 198.51.100.7 rport 46245");
    expect_kept(ctx, &offer, "candidate")
}

fn transport_upper_kept(ctx: &mut Ctx) -> Verdict {
    let offer = replaced_candidate("a=candidate:1467250027 1 UDP 2122260223 192.0.2.1 46243 typ host generation 0");
    expect_kept(ctx, &offer, "candidate")
}

fn unknown_extension_kept(ctx: &mut Ctx) -> Verdict {
    let offer = replaced_candidate(
        "a=candidate:1467250027 1 udp 2122260223 192.0.2.1 46243 typ host generation 0 x-rtcspec-extension 42",
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
    let offer =
        with_candidate("a=candidate:7 1 udp 2122260223 0b6c4a3e-6f2b-4c55-9b1a-1d8f1e0e6a47.local 46247 typ host");
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

fn port_rejected(ctx: &mut Ctx) -> Verdict {
    let bad = replaced_candidate("a=candidate:1467250027 1 udp 2122260223 192.0.2.1 port typ host");
    expect_rejected(ctx, &bad, "candidate port \"port\"")
}

/// The offer with ice-ufrag values of 256 ice-chars: the longest a receiver MUST accept.
pub fn long_ufrag_offer() -> String {
    OFFER.replace("a=ice-ufrag:4ZcD", &format!("a=ice-ufrag:{}", "4ZcD".repeat(64)))
}

fn long_ufrag_kept(ctx: &mut Ctx) -> Verdict {
    expect_kept(ctx, &long_ufrag_offer(), "ice-ufrag")
}
