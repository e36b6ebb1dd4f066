//! A total SDP reader: any bytes in, a line-numbered structure out, never a panic.
//!
//! It borrows from the input (no per-line allocation) because the linter must read tens of
//! thousands of descriptions a second. Bytes that are not UTF-8 are reported, and the line
//! is read lossily so the rest of the description can still be checked.

use std::borrow::Cow;

/// One `<type>=<value>` line (or what stood where one should be).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// Byte offset of the line in the input.
    pub offset: usize,
    /// The type letter; `None` when the line is not `<char>=...`.
    pub kind: Option<char>,
    pub value: Cow<'a, str>,
    /// The whole line as read (without its terminator).
    pub raw: Cow<'a, str>,
    /// The line ended with CRLF (`false`: LF only, or end of input without a terminator).
    pub crlf: bool,
    pub terminated: bool,
    pub has_nul: bool,
    pub valid_utf8: bool,
    /// Position of the first ':' in `value`, found once while reading (attribute lookups
    /// are the linter's hot path).
    colon: Option<usize>,
}

impl Line<'_> {
    /// For `a=` lines: the attribute name and its value (after the first `:`).
    pub fn attribute(&self) -> (&str, Option<&str>) {
        match self.colon {
            Some(i) => (&self.value[..i], Some(&self.value[i + 1..])),
            None => (&self.value, None),
        }
    }
}

/// A media description: its `m=` line and the lines up to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// Index into `Sdp::lines` of the `m=` line.
    pub m_line: usize,
    /// Index range (exclusive end) of the lines after `m=` that belong to this section.
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp<'a> {
    pub lines: Vec<Line<'a>>,
    /// Lines before the first `m=`: `lines[..session_end]`.
    pub session_end: usize,
    pub media: Vec<Media>,
}

impl<'a> Sdp<'a> {
    pub fn parse(input: &'a [u8]) -> Sdp<'a> {
        let mut lines = Vec::with_capacity(input.len() / 24 + 1);
        let mut offset = 0;
        let mut number = 0;
        while offset < input.len() {
            number += 1;
            let rest = &input[offset..];
            let (len, terminated) = match rest.iter().position(|b| *b == b'\n') {
                Some(nl) => (nl, true),
                None => (rest.len(), false),
            };
            let mut content = &rest[..len];
            let crlf = terminated && content.last() == Some(&b'\r');
            if crlf {
                content = &content[..content.len() - 1];
            }
            let (raw, valid_utf8) = match std::str::from_utf8(content) {
                Ok(s) => (Cow::Borrowed(s), true),
                Err(_) => (String::from_utf8_lossy(content), false),
            };
            let has_nul = content.contains(&0);
            let bytes = content;
            let (kind, value) = if bytes.len() >= 2 && bytes[1] == b'=' && bytes[0].is_ascii() {
                let value = match &raw {
                    Cow::Borrowed(s) => Cow::Borrowed(&s[2..]),
                    Cow::Owned(s) => Cow::Owned(s.get(2..).unwrap_or_default().to_string()),
                };
                (Some(bytes[0] as char), value)
            } else {
                (None, Cow::Borrowed(""))
            };
            let colon = if kind == Some('a') { value.find(':') } else { None };
            lines.push(Line { number, offset, kind, value, raw, crlf, terminated, has_nul, valid_utf8, colon });
            offset += len + usize::from(terminated);
        }
        let m_lines: Vec<usize> =
            lines.iter().enumerate().filter(|(_, l)| l.kind == Some('m')).map(|(i, _)| i).collect();
        let session_end = m_lines.first().copied().unwrap_or(lines.len());
        let media = m_lines
            .iter()
            .enumerate()
            .map(|(k, &i)| Media { m_line: i, end: m_lines.get(k + 1).copied().unwrap_or(lines.len()) })
            .collect();
        Sdp { lines, session_end, media }
    }

    pub fn session(&self) -> &[Line<'a>] {
        &self.lines[..self.session_end]
    }

    /// The lines of a media section after its `m=` line.
    pub fn body(&self, m: &Media) -> &[Line<'a>] {
        &self.lines[m.m_line + 1..m.end]
    }

    pub fn m_line(&self, m: &Media) -> &Line<'a> {
        &self.lines[m.m_line]
    }

    /// `a=` lines named `name` in `lines`.
    pub fn attributes<'s>(
        lines: &'s [Line<'a>],
        name: &'s str,
    ) -> impl Iterator<Item = (&'s Line<'a>, Option<&'s str>)> + 's {
        lines.iter().filter(|l| l.kind == Some('a')).filter_map(move |l| {
            let (n, v) = l.attribute();
            (n == name).then_some((l, v))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_numbers_endings_and_sections() {
        let sdp = Sdp::parse(
            b"v=0\r\no=- 1 1 IN IP4 0.0.0.0\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF \
            111\r\na=mid:0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1",
        );
        assert_eq!(sdp.lines.len(), 8);
        assert!(!sdp.lines[1].crlf && sdp.lines[1].terminated);
        assert!(!sdp.lines[7].terminated);
        assert_eq!(sdp.session_end, 4);
        assert_eq!(sdp.media.len(), 2);
        assert_eq!(sdp.body(&sdp.media[0])[0].attribute(), ("mid", Some("0")));
        assert_eq!(sdp.lines[7].number, 8);
    }

    #[test]
    fn garbage_is_read_not_refused() {
        for input in [&b""[..], b"\n\n\n", b"\xff\xfe=\x00", b"=", b"a", b"v=0\r", b"\r\n\r\n"] {
            let sdp = Sdp::parse(input);
            assert!(sdp.lines.iter().all(|l| l.number >= 1));
        }
        let sdp = Sdp::parse(b"v=\xff\n");
        assert!(!sdp.lines[0].valid_utf8 && sdp.lines[0].kind == Some('v'));
    }
}
