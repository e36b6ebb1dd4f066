//! `rtcspec lint sdp`: the checks a developer wants on an SDP from a bug report. Each rule
//! quotes its RFC sentence; each finding names the line, the rule and a one-line fix.

use serde::Serialize;

use super::parse::{Line, Sdp};
use crate::rfc::Level;

/// One rule: what it checks and where the RFC says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub doc: &'static str,
    pub section: &'static str,
    pub level: Level,
    pub text: &'static str,
    pub hint: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// 1-based line; 0 for the description as a whole.
    pub line: usize,
    pub rule: &'static str,
    pub level: Level,
    pub doc: &'static str,
    pub section: &'static str,
    pub message: String,
    pub hint: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $doc:literal $section:literal $level:ident, $text:literal, $hint:literal;)*) => {
        $(pub const $name: Rule = Rule {
            id: $id,
            doc: $doc,
            section: $section,
            level: Level::$level,
            text: $text,
            hint: $hint,
        };)*
        /// Every rule the linter applies.
        pub const RULES: &[Rule] = &[$($name),*];
    };
}

rules! {
    SYNTAX = "sdp.8866.5.line-syntax", "RFC 8866" "5" Must,
        "An SDP description MUST conform to the syntax defined in Section 9.",
        "every line is one type letter, '=', then the value, with no space \
            around '='";
    UNKNOWN_TYPE = "sdp.8866.5.unknown-type-letter", "RFC 8866" "5" Must,
        "an SDP parser MUST completely ignore or reject any session \
            description that contains a type letter that it does not understand.",
        "use only v o s i u e p c b t r z k a m; extensions go in a= attributes";
    ORDER = "sdp.8866.5.line-order", "RFC 8866" "5" Must,
        "Some lines in each description are required and some are optional, \
            but when present, they must appear in exactly the order given here.",
        "session: v o s i u e p c b t r z k a; media: m i c b k a";
    REQUIRED = "sdp.8866.5.required-lines", "RFC 8866" "5" Must,
        "The session-level section starts with a \"v=\" line ... Session \
            description v= (protocol version) o= (originator and session \
            identifier) s= (session name) ... One or more time descriptions",
        "start with v=0, then o=, s=, and at least one t= line before the \
            first m=";
    VERSION = "sdp.8866.5.1.version-0", "RFC 8866" "5.1" Must,
        "The \"v=\" line (version-field) gives the version of the Session \
            Description Protocol. This memo defines version 0.",
        "write v=0";
    CRLF = "sdp.8866.5.crlf-line-endings", "RFC 8866" "5" Should,
        "The sequence CRLF (0x0d0a) is used to end a line, although parsers \
            SHOULD be tolerant and also accept lines terminated with a single \
            newline character.",
        "end every line with \\r\\n";
    TEXT = "sdp.8866.5.utf8-without-nul", "RFC 8866" "5" Must,
        "Text-containing fields ... may contain any octet with the exceptions \
            of 0x00 (Nul), 0x0a (ASCII newline), and 0x0d (ASCII carriage \
            return). ... these octet strings MUST be interpreted as containing \
            ISO-10646 characters in UTF-8 encoding.",
        "remove NUL and stray CR bytes; encode text as UTF-8";
    ORIGIN = "sdp.8866.5.2.origin-fields", "RFC 8866" "5.2" Must,
        "o=<username> <sess-id> <sess-version> <nettype> <addrtype> \
            <unicast-address> ... <sess-id> is a numeric string",
        "o=- <numeric id> <numeric version> IN IP4 <address>";
    CONNECTION = "sdp.8866.5.7.connection-present", "RFC 8866" "5.7" Must,
        "A session description MUST contain either at least one \"c=\" line in \
            each media description or a single \"c=\" line at the session level.",
        "add c=IN IP4 0.0.0.0 at session level or in every m= section";
    TIMING = "sdp.8866.5.9.timing-fields", "RFC 8866" "5.9" Must,
        "t=<start-time> <stop-time>",
        "write t=0 0 for an unbounded session";
    MEDIA_LINE = "sdp.8866.5.14.media-line", "RFC 8866" "5.14" Must,
        "m=<media> <port> <proto> <fmt> ...",
        "m=<audio|video|application> <port> <proto> followed by at least one \
            format";
    RTP_FORMATS = "sdp.8866.5.14.rtp-payload-types", "RFC 8866" "5.14" Must,
        "If the <proto> subfield is \"RTP/AVP\" or \"RTP/SAVP\", the <fmt> \
            subfields contain RTP payload type numbers.",
        "list payload types 0-127 on the m= line of an RTP section";
    RTPMAP_LISTED = "sdp.8866.6.6.rtpmap-payload-listed", "RFC 8866" "6.6" Must,
        "This attribute maps from an RTP payload type number (as used in an \
            \"m=\" line) to an encoding name",
        "add the payload type to the m= line, or remove the a=rtpmap/a=fmtp \
            line";
    DIRECTION = "sdp.8866.6.7.one-direction", "RFC 8866" "6.7" Must,
        "At most one occurrence of \"a=recvonly\", \"a=sendrecv\", \
            \"a=sendonly\", or \"a=inactive\" MAY appear at session level, and at \
            most one MAY appear in each media description.",
        "keep a single direction attribute per section";
    UFRAG = "sdp.8839.5.4.ice-ufrag-grammar", "RFC 8839" "5.4" Must,
        "ufrag = 4*256ice-char",
        "ice-ufrag is 4 to 256 characters of A-Z a-z 0-9 + /";
    PWD = "sdp.8839.5.4.ice-pwd-grammar", "RFC 8839" "5.4" Must,
        "password = 22*256ice-char",
        "ice-pwd is 22 to 256 characters of A-Z a-z 0-9 + /";
    UFRAG_SENDING = "sdp.8839.5.4.ice-ufrag-at-most-32", "RFC 8839" "5.4" Must,
        "the \"ice-ufrag\" attribute MUST NOT be longer than 32 characters \
            when sending",
        "generate ufrags of at most 32 characters";
    CREDENTIALS = "sdp.8839.5.4.ice-credentials-per-stream", "RFC 8839" "5.4" Must,
        "Whether present at the session or media-level, there MUST be an \
            \"ice-pwd\" and \"ice-ufrag\" attribute for each data stream.",
        "add a=ice-ufrag and a=ice-pwd at session level or in every m= section";
    SAME_UFRAG = "sdp.8839.5.4.same-ufrag-same-pwd", "RFC 8839" "5.4" Must,
        "If two data streams have identical \"ice-ufrag\"s, they MUST have \
            identical \"ice-pwd\"s.",
        "use one ice-pwd per ice-ufrag";
    CANDIDATE = "sdp.8839.5.1.candidate-grammar", "RFC 8839" "5.1" Must,
        "candidate-attribute = \"candidate\" \":\" foundation SP component-id \
            SP transport SP priority SP connection-address SP port SP cand-type \
            [SP rel-addr] [SP rel-port] *(SP cand-extension)",
        "a=candidate:<foundation> <component> <transport> <priority> <address> \
            <port> typ <type> [raddr <a> rport <p>]";
    COMPONENT = "sdp.8839.5.1.component-id-range", "RFC 8839" "5.1" Must,
        "<component-id>: is a positive integer between 1 and 256 (inclusive)",
        "component 1 for RTP (and data), 2 for RTCP";
    PRIORITY = "sdp.8839.5.1.priority-range", "RFC 8839" "5.1" Must,
        "<priority>: is a positive integer between 1 and (2**31 - 1) inclusive.",
        "compute priority as RFC 8445 §5.1.2 says; it fits in 31 bits";
    REL_ADDR = "sdp.8839.5.1.related-address", "RFC 8839" "5.1" Must,
        "<rel-addr> and <rel-port> MUST be present for server-reflexive, \
            peer-reflexive, and relayed candidates. ... If the candidate is a \
            host candidate, <rel-addr> and <rel-port> MUST be omitted.",
        "add raddr/rport to srflx, prflx and relay candidates (0.0.0.0 9 to \
            hide them); drop them from host";
    FINGERPRINT = "sdp.8122.5.fingerprint-grammar", "RFC 8122" "5" Must,
        "fingerprint = 2UHEX *(\":\" 2UHEX) ; Each byte in upper-case hex, \
            separated by colons.",
        "a=fingerprint:sha-256 AB:CD:... with upper-case hex pairs";
    FINGERPRINT_LENGTH = "sdp.8122.5.fingerprint-length", "RFC 8122" "5" Must,
        "The hash value is represented as a sequence of uppercase hexadecimal \
            bytes, separated by colons. The number of bytes is defined by the \
            hash function.",
        "sha-1 is 20 bytes, sha-224 28, sha-256 32, sha-384 48, sha-512 64";
    SCTP_PORT = "sdp.8841.5.2.sctp-port-syntax", "RFC 8841" "5.2" Must,
        "sctp-port-value = 1*5(DIGIT) ... The SCTP port range is between 0 and \
            65535 (both included). Leading zeroes MUST NOT be used.",
        "a=sctp-port:5000";
    OPUS_RTPMAP = "sdp.7587.7.opus-rtpmap", "RFC 7587" "7" Must,
        "The media subtype (\"opus\") goes in SDP \"a=rtpmap\" as the encoding \
            name. The RTP clock rate in \"a=rtpmap\" MUST be 48000, and the \
            number of channels MUST be 2.",
        "a=rtpmap:<pt> opus/48000/2 (stereo or mono is signalled in a=fmtp, \
            not here)";
    MAX_MESSAGE_SIZE = "sdp.8841.6.2.max-message-size-syntax", "RFC 8841" "6.2" Must,
        "max-message-size-value = 1*DIGIT",
        "a=max-message-size:262144 (0 means no limit)";
    CONNECTION_SYNTAX = "sdp.8866.5.7.connection-syntax", "RFC 8866" "5.7" Must,
        "c=<nettype> <addrtype> <connection-address>",
        "c=IN IP4 0.0.0.0 (three fields: network type, address type, address)";
    RTPMAP = "sdp.8866.6.6.rtpmap-syntax", "RFC 8866" "6.6" Must,
        "rtpmap-value = payload-type SP encoding-name \"/\" clock-rate [ \"/\" \
            encoding-params ]",
        "a=rtpmap:<pt> <name>/<clock rate>[/<channels>], e.g. a=rtpmap:96 \
            VP8/90000";
    EXTMAP = "sdp.8285.8.extmap-syntax", "RFC 8285" "8" Must,
        "extmap-value = mapentry SP extensionname [SP extensionattributes] ... \
            mapentry = \"extmap:\" 1*5DIGIT [\"/\" direction] ... direction = \
            \"sendonly\" / \"recvonly\" / \"sendrecv\" / \"inactive\"",
        "a=extmap:<id>[/<direction>] <URI>, e.g. a=extmap:1 \
            urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    SSRC = "sdp.5576.4.1.ssrc-syntax", "RFC 5576" "4.1" Must,
        "a=ssrc:<ssrc-id> <attribute> ... <ssrc-id> is the synchronization \
            source (SSRC) ID of the source being described, interpreted as a \
            32-bit unsigned integer in network byte order and represented in \
            decimal.",
        "a=ssrc:<0..4294967295> <attribute>[:<value>], e.g. a=ssrc:1001 \
            cname:abc";
    RTCP_FB = "sdp.4585.4.2.rtcp-fb-syntax", "RFC 4585" "4.2" Must,
        "rtcp-fb-syntax = \"a=rtcp-fb:\" rtcp-fb-pt SP rtcp-fb-val CRLF ... \
            rtcp-fb-pt = \"*\" / fmt ... rtcp-fb-id = 1*(alpha-numeric / \"-\" / \
            \"_\")",
        "a=rtcp-fb:<pt or *> <feedback type> [<parameter>], e.g. a=rtcp-fb:96 \
            nack pli";
    TLS_ID = "sdp.8842.4.tls-id-syntax", "RFC 8842" "4" Must,
        "tls-id-value = 20*255(tls-id-char) ... tls-id-char = ALPHA / DIGIT / \
            \"+\" / \"/\" / \"-\" / \"_\"",
        "a=tls-id:<20 to 255 characters of A-Z a-z 0-9 + / - _>";
}

/// Findings beyond this many are summarized: a 100,000-line description stays bounded.
pub const MAX_FINDINGS: usize = 1000;

struct Out {
    findings: Vec<Finding>,
    suppressed: usize,
}

impl Out {
    fn add(&mut self, rule: Rule, line: usize, message: impl Into<String>) {
        if self.findings.len() >= MAX_FINDINGS {
            self.suppressed += 1;
            return;
        }
        self.findings.push(Finding {
            line,
            rule: rule.id,
            level: rule.level,
            doc: rule.doc,
            section: rule.section,
            message: message.into(),
            hint: rule.hint,
        });
    }
}

const SESSION_ORDER: &str = "vosiuepcbtrzka";
const MEDIA_ORDER: &str = "micbka";

fn is_ice_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/'
}

fn digits(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
}

/// Each line's rank in the fixed order; t, r and z share one (time descriptions repeat).
fn rank(order: &str, k: char) -> Option<usize> {
    let k = if matches!(k, 'r' | 'z') { 't' } else { k };
    order.find(k)
}

fn check_order(out: &mut Out, lines: &[Line], order: &str, what: &str) {
    let mut last: Option<(usize, char)> = None;
    for l in lines {
        let Some(k) = l.kind else { continue };
        let Some(r) = rank(order, k) else { continue };
        match last {
            Some((lr, lk)) if r < lr => out.add(ORDER, l.number, format!("{k}= after {lk}= in the {what} section")),
            Some((lr, _)) if r == lr => {}
            _ => last = Some((r, k)),
        }
    }
}

fn check_connection_lines(sdp: &Sdp, out: &mut Out) {
    for c in sdp.lines.iter().filter(|l| l.kind == Some('c')) {
        let f: Vec<&str> = c.value.split(' ').collect();
        if f.len() != 3 || f.iter().any(|x| x.is_empty()) {
            out.add(CONNECTION_SYNTAX, c.number, format!("c={}", short(&c.value)));
        }
    }
}

fn check_lines(sdp: &Sdp, out: &mut Out) {
    let mut lf_only = 0usize;
    let mut first_lf = 0;
    for l in &sdp.lines {
        if l.raw.is_empty() && !l.terminated {
            continue;
        }
        if l.terminated && !l.crlf {
            lf_only += 1;
            if first_lf == 0 {
                first_lf = l.number;
            }
        }
        if !l.valid_utf8 || l.has_nul || l.raw.contains('\r') {
            out.add(TEXT, l.number, "line holds invalid UTF-8, a NUL byte or a stray CR");
        }
        match l.kind {
            None if l.raw.is_empty() => out.add(SYNTAX, l.number, "empty line"),
            None => out.add(SYNTAX, l.number, format!("not a <type>=<value> line: {:?}", short(&l.raw))),
            Some(k) if !k.is_ascii_lowercase() || !"vosiuepcbtrzkam".contains(k) => {
                out.add(UNKNOWN_TYPE, l.number, format!("unknown type letter {k:?}"))
            }
            Some(_) if l.value.starts_with(' ') && !l.raw.starts_with("s= ") && !l.raw.starts_with("i= ") => {
                out.add(SYNTAX, l.number, "whitespace after '='")
            }
            Some(_) => {}
        }
    }
    if lf_only > 0 {
        out.add(CRLF, first_lf, format!("{lf_only} line(s) end with LF only (first: line {first_lf})"));
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

fn check_session(sdp: &Sdp, out: &mut Out) {
    let session = sdp.session();
    let typed: Vec<&Line> = session.iter().filter(|l| l.kind.is_some()).collect();
    let expect = [('v', 0), ('o', 1), ('s', 2)];
    for (k, i) in expect {
        if typed.get(i).and_then(|l| l.kind) != Some(k) {
            let at = typed.get(i).map_or(0, |l| l.number);
            out.add(REQUIRED, at, format!("line {} of the description should be {k}=", i + 1));
        }
    }
    if !session.iter().any(|l| l.kind == Some('t')) {
        out.add(REQUIRED, 0, "no t= line in the session section");
    }
    if let Some(v) = session.iter().find(|l| l.kind == Some('v')) {
        if v.value != "0" {
            out.add(VERSION, v.number, format!("v={}", short(&v.value)));
        }
    }
    if let Some(o) = session.iter().find(|l| l.kind == Some('o')) {
        let f: Vec<&str> = o.value.split(' ').collect();
        if f.len() != 6 || !digits(f[1], 20) || !digits(f[2], 20) {
            out.add(ORIGIN, o.number, format!("o= has {} fields (6 expected) or a non-numeric id/version", f.len()));
        }
    }
    for t in session.iter().filter(|l| l.kind == Some('t')) {
        let f: Vec<&str> = t.value.split(' ').collect();
        if f.len() != 2 || !f.iter().all(|x| digits(x, 20)) {
            out.add(TIMING, t.number, format!("t={}", short(&t.value)));
        }
    }
    check_order(out, session, SESSION_ORDER, "session");
}

/// What the section rules need from one section, gathered in a single pass over its lines.
#[derive(Default)]
struct Section<'s> {
    mid: Option<&'s str>,
    ufrag: Option<(usize, &'s str)>,
    pwd: Option<(usize, &'s str)>,
    has_c: bool,
    directions: usize,
    second_direction: usize,
    /// (line, attribute, payload type) of a=rtpmap and a=fmtp.
    payload_refs: Vec<(usize, &'static str, &'s str)>,
}

fn summarize<'s>(lines: &'s [Line]) -> Section<'s> {
    let mut s = Section::default();
    for l in lines {
        match l.kind {
            Some('c') => s.has_c = true,
            Some('a') => match l.attribute() {
                ("mid", v) if s.mid.is_none() => s.mid = v,
                ("ice-ufrag", v) if s.ufrag.is_none() => s.ufrag = Some((l.number, v.unwrap_or(""))),
                ("ice-pwd", v) if s.pwd.is_none() => s.pwd = Some((l.number, v.unwrap_or(""))),
                ("sendrecv" | "sendonly" | "recvonly" | "inactive", None) => {
                    s.directions += 1;
                    if s.directions == 2 {
                        s.second_direction = l.number;
                    }
                }
                (name @ ("rtpmap" | "fmtp"), v) => {
                    let pt = v.unwrap_or("").split(' ').next().unwrap_or("");
                    s.payload_refs.push((l.number, if name == "rtpmap" { "rtpmap" } else { "fmtp" }, pt));
                }
                _ => {}
            },
            _ => {}
        }
    }
    s
}

fn check_media_line(out: &mut Out, mline: &Line, section: &Section) {
    let f: Vec<&str> = mline.value.split(' ').collect();
    let port_ok = f.get(1).is_some_and(|p| {
        let (port, count) = p.split_once('/').unwrap_or((p, "1"));
        digits(port, 5) && port.parse::<u32>().is_ok_and(|n| n <= 65535) && digits(count, 5)
    });
    if f.len() < 4 || f.iter().any(|x| x.is_empty()) || !port_ok {
        out.add(MEDIA_LINE, mline.number, format!("m={}", short(&mline.value)));
    }
    if !f.get(2).is_some_and(|p| p.contains("RTP/")) {
        return;
    }
    let fmts = &f[3.min(f.len())..];
    for fmt in fmts {
        if !digits(fmt, 3) || fmt.parse::<u32>().is_ok_and(|n| n > 127) {
            out.add(RTP_FORMATS, mline.number, format!("{fmt:?} is not an RTP payload type"));
        }
    }
    for (line, name, pt) in &section.payload_refs {
        if !fmts.contains(pt) {
            out.add(RTPMAP_LISTED, *line, format!("a={name} for payload type {pt:?}, not on the m= line"));
        }
    }
}

/// Rules over whole sections: m= lines, c= coverage, directions, ICE credentials per stream.
fn check_sections(sdp: &Sdp, out: &mut Out, uses_ice: bool) {
    let session = summarize(sdp.session());
    let sections: Vec<Section> = sdp.media.iter().map(|m| summarize(sdp.body(m))).collect();
    if session.directions > 1 {
        out.add(
            DIRECTION,
            session.second_direction,
            format!("{} direction attributes at session level", session.directions),
        );
    }
    // Sections bundled together share the transport of their group (RFC 9143): credentials on
    // any member cover the others.
    let bundles: Vec<Vec<&str>> = Sdp::attributes(sdp.session(), "group")
        .filter_map(|(_, v)| v?.strip_prefix("BUNDLE ").map(|m| m.split(' ').collect()))
        .collect();
    let credentialed: Vec<&str> =
        sections.iter().filter(|s| s.ufrag.is_some() && s.pwd.is_some()).filter_map(|s| s.mid).collect();
    let mut by_ufrag: Vec<(&str, &str, usize)> = Vec::new();
    for (m, section) in sdp.media.iter().zip(&sections) {
        let mline = sdp.m_line(m);
        check_media_line(out, mline, section);
        if !session.has_c && !section.has_c {
            out.add(CONNECTION, mline.number, "no c= line here and none at session level");
        }
        check_order(out, sdp.body(m), MEDIA_ORDER, "media");
        if section.directions > 1 {
            out.add(
                DIRECTION,
                section.second_direction,
                format!("{} direction attributes in one section", section.directions),
            );
        }
        // A rejected section (port 0) carries no transport.
        if !uses_ice || mline.value.split(' ').nth(1) == Some("0") {
            continue;
        }
        let covered_by_bundle = section
            .mid
            .is_some_and(|mid| bundles.iter().any(|g| g.contains(&mid) && g.iter().any(|x| credentialed.contains(x))));
        match (section.ufrag.or(session.ufrag), section.pwd.or(session.pwd)) {
            (Some((n, u)), Some((_, p))) => match by_ufrag.iter().find(|(bu, _, _)| *bu == u) {
                Some((_, other, at)) if *other != p => {
                    out.add(SAME_UFRAG, n, format!("ice-ufrag {u:?} has a different ice-pwd than at line {at}"))
                }
                Some(_) => {}
                None => by_ufrag.push((u, p, n)),
            },
            _ if covered_by_bundle => {}
            (u, p) => {
                let missing: Vec<&str> = [("ice-ufrag", u.is_none()), ("ice-pwd", p.is_none())]
                    .into_iter()
                    .filter_map(|(n, m)| m.then_some(n))
                    .collect();
                out.add(CREDENTIALS, mline.number, format!("no {} for this m= section", missing.join(" or ")))
            }
        }
    }
}

/// Rules on single attribute lines, in one pass; says whether the description uses ICE.
fn check_attribute_lines(sdp: &Sdp, out: &mut Out) -> bool {
    let mut uses_ice = false;
    for l in sdp.lines.iter().filter(|l| l.kind == Some('a')) {
        match l.attribute() {
            ("ice-ufrag", v) => {
                uses_ice = true;
                let v = v.unwrap_or("");
                if !(4..=256).contains(&v.chars().count()) || !v.chars().all(is_ice_char) {
                    out.add(UFRAG, l.number, format!("ice-ufrag {:?}", short(v)));
                } else if v.len() > 32 {
                    out.add(UFRAG_SENDING, l.number, format!("ice-ufrag of {} characters", v.len()));
                }
            }
            ("ice-pwd", v) => {
                uses_ice = true;
                let v = v.unwrap_or("");
                let chars_ok = v.chars().all(is_ice_char);
                if !(22..=256).contains(&v.chars().count()) || !chars_ok {
                    let outside = if chars_ok { "" } else { " with characters outside ice-char" };
                    out.add(PWD, l.number, format!("ice-pwd of {} characters{outside}", v.chars().count()));
                }
            }
            ("candidate", v) => {
                uses_ice = true;
                check_candidate(out, l.number, v.unwrap_or(""));
            }
            ("ice-options", _) => uses_ice = true,
            ("fingerprint", v) => check_fingerprint(out, l.number, v.unwrap_or("")),
            ("rtpmap", Some(v)) => {
                if !rtpmap_ok(v) {
                    out.add(RTPMAP, l.number, format!("a=rtpmap:{}", short(v)));
                }
                // Media subtype names are case-insensitive (RFC 6838 §4.2): OPUS is opus.
                let codec = v.split_once(' ').map_or("", |(_, c)| c);
                // Byte-wise: the value may hold multi-byte characters (a str slice would panic).
                let (name, rate) = codec.as_bytes().split_at(codec.len().min(5));
                if name.eq_ignore_ascii_case(b"opus/") && rate != b"48000/2" {
                    out.add(OPUS_RTPMAP, l.number, format!("a=rtpmap:{v}"));
                }
            }
            ("sctp-port", v) => {
                let v = v.unwrap_or("");
                let ok =
                    digits(v, 5) && (v == "0" || !v.starts_with('0')) && v.parse::<u32>().is_ok_and(|p| p <= 65535);
                if !ok {
                    out.add(SCTP_PORT, l.number, format!("sctp-port:{}", short(v)));
                }
            }
            ("rtpmap", None) => out.add(RTPMAP, l.number, "a=rtpmap without a value"),
            ("extmap", v) if !extmap_ok(v.unwrap_or("")) => {
                out.add(EXTMAP, l.number, format!("a=extmap:{}", short(v.unwrap_or(""))))
            }
            ("ssrc", v) if !ssrc_ok(v.unwrap_or("")) => {
                out.add(SSRC, l.number, format!("a=ssrc:{}", short(v.unwrap_or(""))))
            }
            ("rtcp-fb", v) if !rtcp_fb_ok(v.unwrap_or("")) => {
                out.add(RTCP_FB, l.number, format!("a=rtcp-fb:{}", short(v.unwrap_or(""))))
            }
            ("tls-id", v) if !tls_id_ok(v.unwrap_or("")) => {
                out.add(TLS_ID, l.number, format!("a=tls-id:{}", short(v.unwrap_or(""))))
            }
            ("max-message-size", v) if !v.is_some_and(|v| digits(v, 20)) => {
                out.add(MAX_MESSAGE_SIZE, l.number, format!("max-message-size:{}", short(v.unwrap_or(""))));
            }
            _ => {}
        }
    }
    uses_ice
}

fn is_token(s: &str) -> bool {
    // RFC 8866 §9: token-char is any visible ASCII except the tspecials it lists.
    !s.is_empty()
        && s.bytes().all(
            |b| matches!(b, 0x21 | 0x23..=0x27 | 0x2A..=0x2B | 0x2D..=0x2E | 0x30..=0x39 | 0x41..=0x5A | 0x5E..=0x7E),
        )
}

/// `<pt> <name>/<clock rate>[/<channels>]`.
fn rtpmap_ok(v: &str) -> bool {
    let Some((pt, encoding)) = v.split_once(' ') else { return false };
    let mut parts = encoding.split('/');
    let (name, clock, channels) = (parts.next(), parts.next(), parts.next());
    digits(pt, 3)
        && name.is_some_and(is_token)
        && clock.is_some_and(|c| digits(c, 10))
        && channels.is_none_or(|c| digits(c, 10))
        && parts.next().is_none()
}

/// `<1*5DIGIT>[/<direction>] <URI> [<attributes>]`.
fn extmap_ok(v: &str) -> bool {
    let mut f = v.split(' ');
    let (entry, uri) = (f.next().unwrap_or(""), f.next().unwrap_or(""));
    let (id, direction) = entry.split_once('/').map_or((entry, None), |(i, d)| (i, Some(d)));
    digits(id, 5)
        && direction.is_none_or(|d| matches!(d, "sendonly" | "recvonly" | "sendrecv" | "inactive"))
        && !uri.is_empty()
}

/// `<ssrc-id> <attribute>[:<value>]`, the id a 32-bit unsigned integer in decimal.
fn ssrc_ok(v: &str) -> bool {
    let Some((id, attribute)) = v.split_once(' ') else { return false };
    digits(id, 10) && id.parse::<u64>().is_ok_and(|n| n <= u64::from(u32::MAX)) && !attribute.is_empty()
}

/// `<pt or *> <feedback id> [<parameters>]`.
fn rtcp_fb_ok(v: &str) -> bool {
    let Some((pt, fb)) = v.split_once(' ') else { return false };
    let id = fb.split(' ').next().unwrap_or("");
    (pt == "*" || digits(pt, 3))
        && !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn tls_id_ok(v: &str) -> bool {
    (20..=255).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

fn check_fingerprint(out: &mut Out, line: usize, v: &str) {
    let Some((hash, fp)) = v.split_once(' ') else {
        out.add(FINGERPRINT, line, format!("fingerprint:{}", short(v)));
        return;
    };
    let mut pairs = 0;
    let mut lower = false;
    for p in fp.split(':') {
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.add(FINGERPRINT, line, format!("fingerprint value {:?}", short(fp)));
            return;
        }
        lower |= p.bytes().any(|b| b.is_ascii_lowercase());
        pairs += 1;
    }
    if lower {
        out.add(FINGERPRINT, line, "fingerprint uses lower-case hex");
    }
    let expected =
        [("sha-1", 20), ("sha-224", 28), ("sha-256", 32), ("sha-384", 48), ("sha-512", 64), ("md5", 16), ("md2", 16)]
            .into_iter()
            .find(|(name, _)| hash.eq_ignore_ascii_case(name))
            .map(|(_, n)| n);
    if let Some(n) = expected.filter(|n| *n != pairs) {
        out.add(FINGERPRINT_LENGTH, line, format!("{hash} fingerprint of {pairs} bytes, {n} expected"));
    }
}

fn check_candidate(out: &mut Out, line: usize, v: &str) {
    let f: Vec<&str> = v.split(' ').collect();
    let grammar = f.len() >= 8
        && (1..=32).contains(&f[0].len())
        && f[0].chars().all(is_ice_char)
        && digits(f[1], 3)
        && !f[2].is_empty()
        && digits(f[3], 10)
        && !f[4].is_empty()
        && digits(f[5], 5)
        && f[6] == "typ"
        && !f[7].is_empty();
    if !grammar {
        out.add(CANDIDATE, line, format!("candidate:{}", short(v)));
        return;
    }
    if !f[1].parse::<u32>().is_ok_and(|c| (1..=256).contains(&c)) {
        out.add(COMPONENT, line, format!("component-id {}", f[1]));
    }
    if !f[3].parse::<u64>().is_ok_and(|p| (1..=0x7FFF_FFFF).contains(&p)) {
        out.add(PRIORITY, line, format!("priority {}", f[3]));
    }
    let rest = &f[8..];
    let has_raddr = rest.windows(2).any(|w| w[0] == "raddr") && rest.windows(2).any(|w| w[0] == "rport");
    match f[7] {
        "host" if rest.contains(&"raddr") || rest.contains(&"rport") => {
            out.add(REL_ADDR, line, "host candidate with raddr/rport")
        }
        "srflx" | "prflx" | "relay" if !has_raddr => {
            out.add(REL_ADDR, line, format!("{} candidate without raddr/rport", f[7]))
        }
        _ => {}
    }
}

/// All findings for one description, in line order.
pub fn lint(input: &[u8]) -> (Vec<Finding>, usize) {
    let sdp = Sdp::parse(input);
    let mut out = Out { findings: Vec::new(), suppressed: 0 };
    if sdp.lines.is_empty() {
        out.add(REQUIRED, 0, "the description is empty");
        return (out.findings, 0);
    }
    check_lines(&sdp, &mut out);
    check_connection_lines(&sdp, &mut out);
    check_session(&sdp, &mut out);
    let uses_ice = check_attribute_lines(&sdp, &mut out);
    check_sections(&sdp, &mut out, uses_ice);
    out.findings.sort_by_key(|f| f.line);
    (out.findings, out.suppressed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 \
        0\r\na=group:BUNDLE 0 1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN \
        IP4 \
        0.0.0.0\r\na=ice-ufrag:4ZcD\r\na=ice-pwd:2/1muCWoOi3uLifh0NuRHlch\r\n\
        a=fingerprint:sha-256 \
        19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0\
        E:05:E9:26:33:E8:70:88:A2\r\na=setup:actpass\r\na=mid:0\r\n\
        a=sendrecv\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 \
        minptime=10\r\na=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ \
        host\r\na=candidate:2 1 udp 1686052607 198.51.100.1 54321 typ srflx \
        raddr 192.0.2.1 rport 54321\r\nm=application 9 UDP/DTLS/SCTP \
        webrtc-datachannel\r\nc=IN IP4 \
        0.0.0.0\r\na=mid:1\r\na=sctp-port:5000\r\n\
        a=max-message-size:262144\r\n";

    fn rules_hit(sdp: &str) -> Vec<&'static str> {
        lint(sdp.as_bytes()).0.into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_clean_offer_has_no_findings() {
        assert_eq!(lint(GOOD.as_bytes()).0, vec![]);
    }

    #[test]
    fn each_rule_fires_on_its_defect() {
        let cases: &[(&str, &str, Rule)] = &[
            ("a=mid:0\r\n", "a=mid:0\r\nx=1\r\n", UNKNOWN_TYPE),
            ("a=mid:0\r\n", "a=mid:0\r\nfoo\r\n", SYNTAX),
            ("v=0\r\n", "v=1\r\n", VERSION),
            ("t=0 0\r\n", "", REQUIRED),
            ("t=0 0\r\n", "t=now\r\n", TIMING),
            ("o=- 4611731400430051336 2", "o=- x 2", ORIGIN),
            ("a=sendrecv\r\n", "a=sendrecv\r\na=recvonly\r\n", DIRECTION),
            ("a=fmtp:111", "a=fmtp:112", RTPMAP_LISTED),
            ("RTP/SAVPF 111", "RTP/SAVPF 111 200", RTP_FORMATS),
            ("a=ice-ufrag:4ZcD", "a=ice-ufrag:4Zc", UFRAG),
            ("a=ice-pwd:2/1muCWoOi3uLifh0NuRHlch", "a=ice-pwd:short", PWD),
            ("a=ice-ufrag:4ZcD", "a=ice-ufrag:4ZcDaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", UFRAG_SENDING),
            ("udp 2122260223", "udp 0", PRIORITY),
            ("1 1 udp", "1 0 udp", COMPONENT),
            (" typ srflx raddr 192.0.2.1 rport 54321", " typ srflx", REL_ADDR),
            ("typ host", "host", CANDIDATE),
            ("19:E2:1C", "19:e2:1C", FINGERPRINT),
            (":88:A2\r\n", ":88\r\n", FINGERPRINT_LENGTH),
            ("sctp-port:5000", "sctp-port:05000", SCTP_PORT),
            ("opus/48000/2", "OPUS/48000", OPUS_RTPMAP),
            ("max-message-size:262144", "max-message-size:big", MAX_MESSAGE_SIZE),
            ("opus/48000/2", "opus", RTPMAP),
            ("c=IN IP4 0.0.0.0\r\na=ice-ufrag", "c=IN IP4\r\na=ice-ufrag", CONNECTION_SYNTAX),
            ("a=mid:0\r\n", "a=mid:0\r\na=extmap:one urn:x\r\n", EXTMAP),
            ("a=mid:0\r\n", "a=mid:0\r\na=extmap:1/both urn:x\r\n", EXTMAP),
            ("a=mid:0\r\n", "a=mid:0\r\na=ssrc:4294967296 cname:x\r\n", SSRC),
            ("a=mid:0\r\n", "a=mid:0\r\na=rtcp-fb:abc nack\r\n", RTCP_FB),
            ("a=mid:0\r\n", "a=mid:0\r\na=tls-id:short\r\n", TLS_ID),
            (
                "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 \
                    0.0.0.0\r\n",
                "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n",
                CONNECTION,
            ),
            ("m=application 9 UDP", "m=application nine UDP", MEDIA_LINE),
            ("a=setup:actpass\r\na=mid:0\r\n", "a=mid:0\r\nc=IN IP4 0.0.0.0\r\n", ORDER),
        ];
        for (from, to, rule) in cases {
            assert!(GOOD.contains(from), "fixture lacks {from:?}");
            let bad = GOOD.replacen(from, to, 1);
            assert!(rules_hit(&bad).contains(&rule.id), "{} did not fire on {to:?}: {:?}", rule.id, rules_hit(&bad));
        }
        assert_eq!(rules_hit(&GOOD.replace("\r\n", "\n")), vec![CRLF.id]);
        let no_creds = GOOD.replace("a=ice-ufrag:4ZcD\r\na=ice-pwd:2/1muCWoOi3uLifh0NuRHlch\r\n", "");
        assert!(rules_hit(&no_creds).contains(&CREDENTIALS.id));
        // Outside the BUNDLE group, the data section needs its own credentials.
        let unbundled = GOOD.replace("a=group:BUNDLE 0 1\r\n", "");
        assert!(rules_hit(&unbundled).contains(&CREDENTIALS.id));
        assert!(rules_hit(&format!("{GOOD}a=x:\u{0}\r\n")).contains(&TEXT.id));
    }

    #[test]
    fn every_rule_is_tested_and_quoted() {
        for r in RULES {
            assert!(!r.text.is_empty() && !r.hint.is_empty() && r.id.starts_with("sdp."), "{}", r.id);
        }
    }

    #[test]
    fn hostile_inputs_are_bounded() {
        let huge_line = format!("v=0\r\ns={}\r\n", "x".repeat(10 * 1024 * 1024));
        assert!(lint(huge_line.as_bytes()).0.iter().any(|f| f.rule == REQUIRED.id));
        let many: String = std::iter::once("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n".to_string())
            .chain((0..100_000).map(|_| "m=audio 0 RTP/AVP x\r\n".to_string()))
            .collect();
        let (findings, suppressed) = lint(many.as_bytes());
        assert_eq!(findings.len(), MAX_FINDINGS);
        assert!(suppressed > 100_000);
        let garbage: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        assert!(!lint(&garbage).0.is_empty());
        assert!(!lint(b"\xff\xfe\x00\x00").0.is_empty());
    }
}
