//! Faults in what the peer says or reads in its descriptions and candidates (RFC 8842,
//! RFC 8122, RFC 8445 §6.1.1, RFC 8838, RFC 8841 §5).

use crate::peer::stage::Stage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalingFault {
    /// Its descriptions announce the other DTLS role than the one it takes (`active` and
    /// `passive` swapped, `actpass` offered as `active`).
    SetupMislabelled,
    /// Its descriptions carry no `a=sctp-port`.
    NoSctpPort,
    /// It reads the answer's `a=setup` as the opposite role.
    IgnoresAnswerSetup,
    /// It does not see a remote `a=ice-lite`.
    IgnoresRemoteLite,
    /// A fingerprint whose hash name is not lowercase is not understood (as by a
    /// case-sensitive parser).
    HashNameCaseSensitive,
    /// Of several fingerprints only the first is kept.
    FirstFingerprintOnly,
    /// A remote candidate given after the description (trickled) is dropped.
    IgnoresTrickledCandidates,
}

/// `a=setup:` with `active` and `passive` swapped and `actpass` turned into `active`.
fn swap_setup(line: &str) -> String {
    match line.trim_end().strip_prefix("a=setup:") {
        Some("active") => line.replacen("active", "passive", 1),
        Some("passive") => line.replacen("passive", "active", 1),
        Some("actpass") => line.replacen("actpass", "active", 1),
        _ => line.to_string(),
    }
}

impl Stage for SignalingFault {
    fn local_description(&self, sdp: String) -> String {
        match self {
            SignalingFault::SetupMislabelled => sdp
                .split_inclusive('\n')
                .map(|l| if l.starts_with("a=setup:") { swap_setup(l) } else { l.to_string() })
                .collect(),
            SignalingFault::NoSctpPort => {
                sdp.split_inclusive('\n').filter(|l| !l.starts_with("a=sctp-port:")).collect()
            }
            _ => sdp,
        }
    }

    fn remote_description(&self, sdp: String, is_answer: bool) -> String {
        let mut seen = false;
        sdp.split_inclusive('\n')
            .filter_map(|line| match self {
                SignalingFault::IgnoresRemoteLite if line.trim_end() == "a=ice-lite" => None,
                SignalingFault::IgnoresAnswerSetup if is_answer && line.starts_with("a=setup:") => {
                    Some(swap_setup(line))
                }
                SignalingFault::FirstFingerprintOnly if line.starts_with("a=fingerprint:") => {
                    (!std::mem::replace(&mut seen, true)).then(|| line.to_string())
                }
                SignalingFault::HashNameCaseSensitive if line.starts_with("a=fingerprint:") => {
                    let hash = line["a=fingerprint:".len()..].split(' ').next().unwrap_or_default();
                    if hash == hash.to_ascii_lowercase() {
                        Some(line.to_string())
                    } else {
                        Some(line.replacen(hash, "unknown-hash", 1))
                    }
                }
                _ => Some(line.to_string()),
            })
            .collect()
    }

    fn takes_trickled_candidate(&self) -> bool {
        *self != SignalingFault::IgnoresTrickledCandidates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fault_changes_only_its_lines() {
        let sdp = "v=0\r\na=ice-lite\r\na=setup:actpass\r\na=fingerprint:SHA-256 AB\r\na=fingerprint:sha-1 \
                CD\r\na=sctp-port:5000\r\n";
        let local = |f: SignalingFault| f.local_description(sdp.into());
        let remote = |f: SignalingFault| f.remote_description(sdp.into(), true);
        assert!(local(SignalingFault::SetupMislabelled).contains("a=setup:active\r\n"));
        assert!(!local(SignalingFault::NoSctpPort).contains("sctp-port"));
        assert!(!remote(SignalingFault::IgnoresRemoteLite).contains("ice-lite"));
        assert!(remote(SignalingFault::IgnoresAnswerSetup).contains("a=setup:active\r\n"));
        assert!(!remote(SignalingFault::FirstFingerprintOnly).contains("sha-1"));
        assert!(remote(SignalingFault::HashNameCaseSensitive).contains("a=fingerprint:unknown-hash AB"));
        assert_eq!(remote(SignalingFault::NoSctpPort), sdp, "a local fault leaves the remote description alone");
        assert!(!SignalingFault::IgnoresTrickledCandidates.takes_trickled_candidate());
    }
}
