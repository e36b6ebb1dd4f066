//! SRTP and SRTCP decryption with keys from a DTLS 1.2 key log: the master secret of the
//! session (`CLIENT_RANDOM` line), the TLS exporter with label "EXTRACTOR-dtls_srtp" and an
//! empty context (RFC 5764 §4.2, RFC 5705), and the reference stack's SRTP contexts
//! (webrtc-rs `rtc-srtp`), one per direction: packets from the DTLS client are protected with
//! the client_write keys.

use hmac::{Hmac, Mac};
use rtc_srtp::context::Context;
use rtc_srtp::protection_profile::ProtectionProfile;
use serde::{Deserialize, Serialize};

use super::checks::{CheckId, Tallies};
use super::flow::Direction;

const EXPORTER_LABEL: &[u8] = b"EXTRACTOR-dtls_srtp";

/// TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label + seed) with the suite's hash.
pub fn prf(sha384: bool, secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    fn p_hash<M: Mac + hmac::digest::KeyInit + Clone>(secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
        let Ok(mac) = <M as hmac::digest::KeyInit>::new_from_slice(secret) else { return Vec::new() };
        let mut out = Vec::with_capacity(len + 48);
        let mut a = seed.to_vec();
        while out.len() < len {
            let mut m = mac.clone();
            m.update(&a);
            a = m.finalize().into_bytes().to_vec();
            let mut m = mac.clone();
            m.update(&a);
            m.update(seed);
            out.extend_from_slice(&m.finalize().into_bytes());
        }
        out.truncate(len);
        out
    }
    let full_seed = [label, seed].concat();
    if sha384 {
        p_hash::<Hmac<sha2::Sha384>>(secret, &full_seed, len)
    } else {
        p_hash::<Hmac<sha2::Sha256>>(secret, &full_seed, len)
    }
}

/// The cipher suites whose PRF is SHA-384 (RFC 5289); every other DTLS 1.2 suite WebRTC
/// negotiates uses SHA-256.
fn prf_is_sha384(cipher_suite: u16) -> bool {
    matches!(cipher_suite, 0xC02C | 0xC030 | 0xC024 | 0xC028 | 0x009D | 0x009F)
}

pub fn profile(id: u16) -> Option<ProtectionProfile> {
    Some(match id {
        0x0001 => ProtectionProfile::Aes128CmHmacSha1_80,
        0x0002 => ProtectionProfile::Aes128CmHmacSha1_32,
        0x0007 => ProtectionProfile::AeadAes128Gcm,
        0x0008 => ProtectionProfile::AeadAes256Gcm,
        _ => return None,
    })
}

/// The SRTP master keys and salts of one DTLS session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keying {
    pub profile: u16,
    pub client_key: Vec<u8>,
    pub server_key: Vec<u8>,
    pub client_salt: Vec<u8>,
    pub server_salt: Vec<u8>,
}

/// RFC 5764 §4.2: 2 × (key + salt) bytes from the exporter, split client key, server key,
/// client salt, server salt.
pub fn keying(
    master_secret: &[u8],
    client_random: &[u8],
    server_random: &[u8],
    cipher_suite: u16,
    profile_id: u16,
) -> Option<Keying> {
    let p = profile(profile_id)?;
    let (k, s) = (p.key_len(), p.salt_len());
    let seed = [client_random, server_random].concat();
    let m = prf(prf_is_sha384(cipher_suite), master_secret, EXPORTER_LABEL, &seed, 2 * (k + s));
    Some(Keying {
        profile: profile_id,
        client_key: m[..k].to_vec(),
        server_key: m[k..2 * k].to_vec(),
        client_salt: m[2 * k..2 * k + s].to_vec(),
        server_salt: m[2 * k + s..].to_vec(),
    })
}

/// What decryption found on one flow.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SrtpSummary {
    pub srtp_authenticated: u64,
    pub srtcp_authenticated: u64,
    pub failed: u64,
    /// Packets the replay window rejected (duplicates on the wire: not a sender fault).
    pub replayed: u64,
    /// Media seen before the keys were known (before the ServerHello, or no key log line).
    pub undecrypted: u64,
}

#[derive(Default)]
pub struct SrtpFlow {
    /// Indexed by `Direction::index()`; `None` until keyed.
    contexts: [Option<Context>; 2],
    keyed: bool,
    pub summary: SrtpSummary,
}

impl SrtpFlow {
    pub fn is_keyed(&self) -> bool {
        self.keyed
    }

    /// Sets up both directions; `client` is the direction the DTLS client sends in.
    pub fn key(&mut self, k: &Keying, client: Direction) -> Result<(), String> {
        let p = profile(k.profile).ok_or("unknown SRTP profile")?;
        let provider = rtc_crypto::default_provider().map_err(|e| e.to_string())?;
        let context = |key: &[u8], salt: &[u8]| {
            Context::new(key, salt, p, None, None, provider.crypto()).map_err(|e| format!("SRTP context: {e}"))
        };
        let (from_client, from_server) =
            (context(&k.client_key, &k.client_salt)?, context(&k.server_key, &k.server_salt)?);
        self.contexts[client.index()] = Some(from_client);
        self.contexts[client.reverse().index()] = Some(from_server);
        self.keyed = true;
        Ok(())
    }

    pub fn packet(&mut self, d: &[u8], rtcp: bool, direction: Direction, number: u64, tallies: &mut Tallies) {
        let Some(ctx) = &mut self.contexts[direction.index()] else {
            self.summary.undecrypted += 1;
            return;
        };
        let result = if rtcp { ctx.decrypt_rtcp(d).map(|_| ()) } else { ctx.decrypt_rtp(d).map(|_| ()) };
        match result {
            Ok(()) => {
                tallies.get(CheckId::SrtpAuthenticated).pass();
                if rtcp {
                    self.summary.srtcp_authenticated += 1;
                } else {
                    self.summary.srtp_authenticated += 1;
                }
            }
            Err(e) if e.to_string().contains("duplicated") => self.summary.replayed += 1,
            Err(e) => {
                self.summary.failed += 1;
                let what = if rtcp { "SRTCP" } else { "SRTP" };
                tallies
                    .get(CheckId::SrtpAuthenticated)
                    .fail(|| format!("packet {number}: {what} does not decrypt with the session's keys: {e}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_matches_the_tls12_test_vector() {
        // The widely used TLS 1.2 PRF SHA-256 vector (IETF TLS WG mailing list, 2009).
        let secret = crate::stun::unhex("9bbe436ba940f017b17652849a71db35").unwrap();
        let seed = crate::stun::unhex("a0ba9f936cda311827a6f796ffd5198c").unwrap();
        let out = prf(false, &secret, b"test label", &seed, 100);
        assert_eq!(
            crate::stun::hex(&out),
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66"
        );
    }
}
