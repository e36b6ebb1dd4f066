//! NSS key log files (SSLKEYLOGFILE): `<label> <client random hex> <secret hex>` per line.
//!
//! Lines that cannot be read become warnings naming the line, and the rest of the file is
//! still used: a key log is often concatenated from several processes.

use std::collections::HashMap;

/// Secrets for one TLS/DTLS session, found by its ClientHello random.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    /// DTLS 1.2: the 48-byte master secret (`CLIENT_RANDOM`).
    pub master_secret: Option<Vec<u8>>,
    /// DTLS 1.3: secrets by label (`CLIENT_HANDSHAKE_TRAFFIC_SECRET`, `EXPORTER_SECRET`, ...).
    pub tls13: HashMap<String, Vec<u8>>,
}

#[derive(Debug, Clone, Default)]
pub struct KeyLog {
    pub sessions: HashMap<Vec<u8>, Secrets>,
    pub warnings: Vec<String>,
    pub lines: usize,
}

const TLS13_LABELS: [&str; 7] = [
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EXPORTER_SECRET",
    "EARLY_EXPORTER_SECRET",
    "CLIENT_EARLY_TRAFFIC_SECRET",
];

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

impl KeyLog {
    /// Reads key log text; `name` prefixes the warnings ("keys.log:12: ...").
    pub fn add(&mut self, name: &str, text: &[u8]) {
        for (i, raw) in text.split(|b| *b == b'\n').enumerate() {
            let line = String::from_utf8_lossy(raw);
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            self.lines += 1;
            let warn = |why: &str| format!("{name}:{}: {why}: {:.80}", i + 1, line);
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [label, random, secret] = parts[..] else {
                self.warnings.push(warn("not `<label> <client random> <secret>`"));
                continue;
            };
            let (Some(random), Some(secret)) = (unhex(random), unhex(secret)) else {
                self.warnings.push(warn("client random or secret is not hex"));
                continue;
            };
            if random.len() != 32 {
                self.warnings.push(warn("the client random is not 32 bytes"));
                continue;
            }
            let entry = self.sessions.entry(random).or_default();
            match label {
                "CLIENT_RANDOM" if secret.len() == 48 => entry.master_secret = Some(secret),
                "CLIENT_RANDOM" => self.warnings.push(warn("a CLIENT_RANDOM master secret is 48 bytes")),
                l if TLS13_LABELS.contains(&l) => {
                    entry.tls13.insert(l.to_string(), secret);
                }
                _ => self.warnings.push(warn("unknown label (RSA and TLS 1.3 early labels are not used by DTLS-SRTP)")),
            }
        }
    }

    pub fn secrets(&self, client_random: &[u8]) -> Option<&Secrets> {
        self.sessions.get(client_random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_lines_are_kept_and_bad_ones_named() {
        let random = "ab".repeat(32);
        let text = format!(
            "# comment\nCLIENT_RANDOM {random} {}\n\ngarbage\nCLIENT_RANDOM {random} \
                    zz\nEXPORTER_SECRET {random} {}\nCLIENT_RANDOM 00 {}\n\u{0}\u{ff}\n",
            "11".repeat(48),
            "22".repeat(32),
            "33".repeat(48)
        );
        let mut k = KeyLog::default();
        k.add("keys.log", text.as_bytes());
        let s = k.secrets(&[0xAB; 32]).unwrap();
        assert_eq!(s.master_secret.as_deref(), Some(&[0x11; 48][..]));
        assert!(s.tls13.contains_key("EXPORTER_SECRET"));
        let lines: Vec<&str> = k.warnings.iter().map(|w| w.split(':').nth(1).unwrap()).collect();
        assert_eq!(lines, vec!["4", "5", "7", "8"]);
    }
}
