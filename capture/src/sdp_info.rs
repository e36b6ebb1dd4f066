//! What replay needs from the session descriptions of a call: ICE credentials (to verify
//! MESSAGE-INTEGRITY) and certificate fingerprints (to check the DTLS certificates).

use std::collections::BTreeMap;

use rtcspec_engine::sdp::Sdp;

/// A fingerprint from `a=fingerprint:<hash> <hex>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Lower case, as in the IANA registry ("sha-256").
    pub hash: String,
    pub value: Vec<u8>,
    /// "file:line" where it was read.
    pub source: String,
}

#[derive(Debug, Clone, Default)]
pub struct SessionInfo {
    /// ice-ufrag → ice-pwd, from every description given.
    pub passwords: BTreeMap<String, String>,
    pub fingerprints: Vec<Fingerprint>,
    /// TURN username → password (long-term credentials, RFC 8489 §9.2).
    pub turn_passwords: BTreeMap<String, String>,
}

impl SessionInfo {
    /// Adds TURN long-term credentials given as `USER:PASSWORD` (the password may hold ':').
    pub fn add_turn_credentials(&mut self, credentials: &str) -> Result<(), String> {
        let Some((user, password)) = credentials.split_once(':') else {
            return Err(format!("TURN credentials {credentials:?} are not USER:PASSWORD"));
        };
        self.turn_passwords.insert(user.to_string(), password.to_string());
        Ok(())
    }

    /// Adds what one description holds; `name` is used in messages.
    pub fn add(&mut self, name: &str, text: &[u8]) -> Result<(), String> {
        let sdp = Sdp::parse(text);
        if !sdp.lines.iter().any(|l| l.kind == Some('v')) {
            return Err(format!("{name}: not an SDP (no v= line)"));
        }
        let session = sdp.session();
        let pick = |lines: &[rtcspec_engine::sdp::parse::Line<'_>], attr: &str| {
            Sdp::attributes(lines, attr).find_map(|(_, v)| v.map(|v| v.trim().to_string()))
        };
        let session_ufrag = pick(session, "ice-ufrag");
        let session_pwd = pick(session, "ice-pwd");
        let mut sections: Vec<&[rtcspec_engine::sdp::parse::Line<'_>]> = vec![session];
        sections.extend(sdp.media.iter().map(|m| sdp.body(m)));
        for lines in sections {
            let ufrag = pick(lines, "ice-ufrag").or_else(|| session_ufrag.clone());
            let pwd = pick(lines, "ice-pwd").or_else(|| session_pwd.clone());
            if let (Some(u), Some(p)) = (ufrag, pwd) {
                self.passwords.insert(u, p);
            }
            for (line, value) in Sdp::attributes(lines, "fingerprint") {
                let Some((hash, hex)) = value.and_then(|v| v.trim().split_once(' ')) else {
                    return Err(format!("{name}:{}: a=fingerprint without a hash and a value", line.number));
                };
                let bytes: Result<Vec<u8>, _> = hex.trim().split(':').map(|b| u8::from_str_radix(b, 16)).collect();
                let value = bytes
                    .map_err(|_| format!("{name}:{}: fingerprint {hex:?} is not colon-separated hex", line.number))?;
                let fp =
                    Fingerprint { hash: hash.to_ascii_lowercase(), value, source: format!("{name}:{}", line.number) };
                if !self.fingerprints.iter().any(|f| f.hash == fp.hash && f.value == fp.value) {
                    self.fingerprints.push(fp);
                }
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.passwords.is_empty() && self.fingerprints.is_empty()
    }
}
