//! SDPs in signaling traffic: offers and answers sent in the clear over UDP or TCP (plain
//! text, JSON strings, HTTP bodies, WebSocket text frames), taken out as fuzzing seeds.
//!
//! Signaling is not standardised (RFC 8829 leaves it to the application), so this looks for
//! what every SDP starts with, `v=0` at the start of a line, and takes the lines after it
//! that have the SDP shape `<letter>=`. Inside a JSON string the line ends are escaped
//! (`\r\n`), so the string is unescaped first. WebSocket frames from a client are masked
//! (RFC 6455 §5.3) and are unmasked when a segment starts with a frame header.

/// At most this many SDPs are taken from one payload (a payload is at most 64 KiB).
const MAX_PER_PAYLOAD: usize = 16;

/// The SDPs in one UDP payload or TCP segment.
pub fn sdps_in(payload: &[u8]) -> Vec<Vec<u8>> {
    let unmasked = websocket_payload(payload);
    let bytes = unmasked.as_deref().unwrap_or(payload);
    let mut found = Vec::new();
    let mut from = 0;
    while found.len() < MAX_PER_PAYLOAD {
        let Some(at) = find(&bytes[from..], b"v=0").map(|i| i + from) else { break };
        from = at + 3;
        let line_start = at == 0 || matches!(bytes[at - 1], b'\n' | b'"' | b'\'' | b'>');
        let escaped_start = at >= 2 && &bytes[at - 2..at] == b"\\n";
        let (sdp, consumed) =
            if escaped_start || bytes[at + 3..].starts_with(b"\\r\\n") || bytes[at + 3..].starts_with(b"\\n") {
                json_sdp(&bytes[at..])
            } else if line_start {
                plain_sdp(&bytes[at..])
            } else {
                continue;
            };
        from = at + consumed.max(3);
        if let Some(sdp) = sdp {
            found.push(sdp);
        }
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether `line` has the SDP shape `<letter>=` (RFC 8866 §5: `type=value`).
fn sdp_line(line: &[u8]) -> bool {
    line.len() >= 2 && line[0].is_ascii_lowercase() && line[1] == b'='
}

/// Plain text: the lines from `v=0` while they look like SDP. An SDP has at least `v=`,
/// `o=`, `s=` and `t=` (RFC 8866 §5), so fewer than four lines is not one.
fn plain_sdp(bytes: &[u8]) -> (Option<Vec<u8>>, usize) {
    let mut end = 0;
    let mut lines = 0;
    while end < bytes.len() {
        let rest = &bytes[end..];
        let len = rest.iter().position(|b| *b == b'\n').map_or(rest.len(), |i| i + 1);
        if !sdp_line(&rest[..len]) || rest[..len].iter().any(|b| *b == 0 || *b == b'"') {
            break;
        }
        end += len;
        lines += 1;
    }
    ((lines >= 4).then(|| bytes[..end].to_vec()), end)
}

/// Inside a JSON string: up to the closing quote, unescaped.
fn json_sdp(bytes: &[u8]) -> (Option<Vec<u8>>, usize) {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => break,
            b'\\' if i + 1 < bytes.len() => {
                i += 1;
                match bytes[i] {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'u' if i + 4 < bytes.len() => {
                        let code = std::str::from_utf8(&bytes[i + 1..i + 5])
                            .ok()
                            .and_then(|h| u32::from_str_radix(h, 16).ok());
                        match code.and_then(char::from_u32) {
                            Some(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                            None => return (None, i),
                        }
                        i += 4;
                    }
                    other => out.push(other),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    let (sdp, _) = plain_sdp(&out);
    (sdp, i)
}

/// The unmasked payload when `segment` is one whole WebSocket text frame (RFC 6455 §5.2).
fn websocket_payload(segment: &[u8]) -> Option<Vec<u8>> {
    let (&b0, &b1) = (segment.first()?, segment.get(1)?);
    // FIN set, no extension bits, opcode text (1) or continuation (0); masked.
    if b0 & 0x70 != 0 || (b0 & 0x0F) > 1 || b1 & 0x80 == 0 {
        return None;
    }
    let (len, mut at) = match b1 & 0x7F {
        126 => (u16::from_be_bytes(segment.get(2..4)?.try_into().ok()?) as usize, 4),
        127 => (usize::try_from(u64::from_be_bytes(segment.get(2..10)?.try_into().ok()?)).ok()?, 10),
        n => (n as usize, 2),
    };
    let key: [u8; 4] = segment.get(at..at + 4)?.try_into().ok()?;
    at += 4;
    let data = segment.get(at..at.checked_add(len)?)?;
    Some(data.iter().enumerate().map(|(i, b)| b ^ key[i % 4]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDP: &str =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:abcd\r\n";

    fn json_escaped(s: &str) -> String {
        s.replace('\r', "\\r").replace('\n', "\\n")
    }

    #[test]
    fn plain_http_body() {
        let p = format!("POST /offer HTTP/1.1\r\nContent-Type: application/sdp\r\n\r\n{SDP}");
        assert_eq!(sdps_in(p.as_bytes()), vec![SDP.as_bytes().to_vec()]);
    }

    #[test]
    fn json_string_is_unescaped() {
        let p = format!("{{\"type\": \"offer\", \"sdp\": \"{}\"}}\n", json_escaped(SDP));
        assert_eq!(sdps_in(p.as_bytes()), vec![SDP.as_bytes().to_vec()]);
    }

    #[test]
    fn masked_websocket_frame_is_unmasked() {
        let text = format!("{{\"sdp\":\"{}\"}}", json_escaped(SDP));
        let key = [0x12, 0x34, 0x56, 0x78];
        let mut frame = vec![0x81, 0x80 | 126];
        frame.extend_from_slice(&(text.len() as u16).to_be_bytes());
        frame.extend_from_slice(&key);
        frame.extend(text.bytes().enumerate().map(|(i, b)| b ^ key[i % 4]));
        assert_eq!(sdps_in(&frame), vec![SDP.as_bytes().to_vec()]);
    }

    #[test]
    fn text_that_merely_contains_v0_is_not_an_sdp() {
        for p in [&b"version v=0 of the thing"[..], b"v=0\r\no=x\r\n", b"xv=0\r\no=- 1 2 IN IP4 1\r\ns=-\r\nt=0 0\r\n"]
        {
            assert!(sdps_in(p).is_empty(), "{:?}", String::from_utf8_lossy(p));
        }
    }

    #[test]
    fn two_sdps_in_one_payload() {
        let p = format!("{SDP}\n--\n{SDP}");
        assert_eq!(sdps_in(p.as_bytes()).len(), 2);
    }

    #[test]
    fn broken_escapes_and_frames_do_not_panic() {
        for p in [&b"\"v=0\\n\\u12"[..], b"\"v=0\\n\\", b"\x81\xFF\x00", b"\x81\xFE\xFF\xFF\x00\x00\x00\x00v=0", b"v=0"]
        {
            let _ = sdps_in(p);
        }
    }
}
