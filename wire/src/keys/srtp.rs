//! SRTP and SRTCP decryption with keys from a DTLS 1.2 key log: the master secret of the
//! session (`CLIENT_RANDOM` line), the TLS exporter with label "EXTRACTOR-dtls_srtp" and an
//! empty context (RFC 5764 §4.2, RFC 5705), and the reference stack's SRTP contexts
//! (webrtc-rs `rtc-srtp`), one per direction: packets from the DTLS client are protected with
//! the client_write keys.

use hmac::{Hmac, Mac};
use rtc_srtp::context::Context;
use rtc_srtp::protection_profile::ProtectionProfile;

use crate::srtp::{srtcp_trailer, SRTCP_HMAC_TAG_LEN};

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

/// rtc-srtp's context for the profile `profile_id` with this master key and salt.
pub fn context(profile_id: u16, key: &[u8], salt: &[u8]) -> Result<Context, String> {
    let p = profile(profile_id).ok_or("an SRTP profile this reader does not know")?;
    let provider = rtc_crypto::default_provider().map_err(|e| e.to_string())?;
    Context::new(key, salt, p, None, None, provider.crypto()).map_err(|e| format!("SRTP context: {e}"))
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

/// The SRTCP authentication key's label in the key derivation (RFC 3711 §4.3.1).
const LABEL_SRTCP_AUTH: u8 = 0x04;
/// HMAC-SHA1's key length for SRTP (RFC 3711 §4.2.1, n_a = 160 bits).
const AUTH_KEY_LEN: usize = 20;

/// A receiving SRTP/SRTCP context: webrtc-rs's (`rtc-srtp`), with one gap closed. For the
/// AES-CM profiles rtc-srtp 0.21 takes an SRTCP packet whose E flag is clear (not encrypted,
/// RFC 3711 §3.4) without checking its authentication tag at all, although §3.4 makes
/// authentication mandatory for SRTCP whether or not it is encrypted. Such a packet is checked
/// here first, with the SRTCP authentication key derived as RFC 3711 §4.3.1 says.
pub struct SrtpReceiver {
    context: Context,
    /// The SRTCP authentication key, for the HMAC-SHA1 profiles.
    srtcp_auth_key: Option<Vec<u8>>,
}

impl SrtpReceiver {
    pub fn new(profile_id: u16, key: &[u8], salt: &[u8]) -> Result<SrtpReceiver, String> {
        let srtcp_auth_key = match profile(profile_id) {
            Some(ProtectionProfile::Aes128CmHmacSha1_80 | ProtectionProfile::Aes128CmHmacSha1_32) => {
                let provider = rtc_crypto::default_provider().map_err(|e| e.to_string())?;
                Some(aes_cm_derive(provider.crypto(), LABEL_SRTCP_AUTH, key, salt, AUTH_KEY_LEN)?)
            }
            _ => None,
        };
        Ok(SrtpReceiver { context: context(profile_id, key, salt)?, srtcp_auth_key })
    }

    pub fn decrypt_rtp(&mut self, packet: &[u8]) -> Result<Vec<u8>, String> {
        self.context.decrypt_rtp(packet).map(|p| p.to_vec()).map_err(|e| e.to_string())
    }

    pub fn decrypt_rtcp(&mut self, packet: &[u8]) -> Result<Vec<u8>, String> {
        if let Some(key) = &self.srtcp_auth_key {
            // SRTCP keeps an 80-bit tag with every HMAC-SHA1 profile (RFC 5764 §4.1.2).
            let (encrypted, _) = srtcp_trailer(packet, SRTCP_HMAC_TAG_LEN).ok_or("SRTCP too short")?;
            let tag_at = packet.len() - SRTCP_HMAC_TAG_LEN;
            if !encrypted {
                let mut mac = <Hmac<sha1::Sha1> as hmac::digest::KeyInit>::new_from_slice(key)
                    .map_err(|e| format!("SRTCP authentication key: {e}"))?;
                mac.update(&packet[..tag_at]);
                if mac.finalize().into_bytes()[..SRTCP_HMAC_TAG_LEN] != packet[tag_at..] {
                    return Err(
                        "SRTCP authentication failed (E flag clear: not encrypted, but its tag is wrong)".into()
                    );
                }
            }
        }
        self.context.decrypt_rtcp(packet).map(|p| p.to_vec()).map_err(|e| e.to_string())
    }
}

/// The AES-CM key derivation of RFC 3711 §4.3.1 and §4.3.3 with a key derivation rate of 0
/// (RFC 5764 §4.2): AES in counter mode over (label at byte 7) XOR master salt.
fn aes_cm_derive(
    crypto: &dyn rtc_crypto::RTCCrypto,
    label: u8,
    master_key: &[u8],
    master_salt: &[u8],
    len: usize,
) -> Result<Vec<u8>, String> {
    if master_key.len() != 16 || master_salt.len() > 14 {
        return Err(format!("AES-128 key derivation needs a 16-byte key, got {}", master_key.len()));
    }
    let mut out = Vec::with_capacity(len + 16);
    for counter in 0u16.. {
        if out.len() >= len {
            break;
        }
        let mut block = [0u8; 16];
        block[..master_salt.len()].copy_from_slice(master_salt);
        block[7] ^= label;
        block[14..].copy_from_slice(&counter.to_be_bytes());
        crypto
            .block_encrypt(rtc_crypto::BlockCipherAlgorithm::Aes128, master_key, &mut block)
            .map_err(|e| format!("AES: {e}"))?;
        out.extend_from_slice(&block);
    }
    out.truncate(len);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stun::{hex, unhex};

    #[test]
    fn key_derivation_matches_rfc_3711_b3() {
        let provider = rtc_crypto::default_provider().unwrap();
        let key = unhex("E1F97A0D3E018BE0D64FA32C06DE4139").unwrap();
        let salt = unhex("0EC675AD498AFEEBB6960B3AABE6").unwrap();
        let derive = |label, len| hex(&aes_cm_derive(provider.crypto(), label, &key, &salt, len).unwrap());
        assert_eq!(derive(0x00, 16), "c61e7a93744f39ee10734afe3ff7a087");
        assert_eq!(derive(0x02, 14), "30cbbc08863d8c85d49db34a9ae1");
        assert_eq!(derive(0x01, 20), "cebe321f6ff7716b6fd4ab49af256a156d38baa4");
    }

    /// An SR with SDES, as the SRTP suite's forged reports are.
    fn sender_report() -> Vec<u8> {
        let mut p = vec![0x80, 200, 0, 6];
        for word in [0x5254_4353u32, 1, 2, 0, 0, 0] {
            p.extend_from_slice(&word.to_be_bytes());
        }
        p.extend_from_slice(&[0x81, 202, 0, 3, 0x52, 0x54, 0x43, 0x53, 1, 3, b'a', b'b', b'c', 0, 0, 0]);
        p
    }

    #[test]
    fn unencrypted_srtcp_must_still_authenticate() {
        let (key, salt) = (vec![7u8; 16], vec![9u8; 14]);
        let provider = rtc_crypto::default_provider().unwrap();
        let mut sender =
            Context::new(&key, &salt, ProtectionProfile::Aes128CmHmacSha1_80, None, None, provider.crypto()).unwrap();
        let mut receiver = SrtpReceiver::new(0x0001, &key, &salt).unwrap();
        let sealed = sender.encrypt_rtcp(&sender_report()).unwrap().to_vec();
        assert_eq!(receiver.decrypt_rtcp(&sealed).unwrap(), sender_report());

        // A plain SR with an E-flag-clear index and a made-up tag: rtc-srtp alone takes it.
        let mut forged = sender_report();
        forged.extend_from_slice(&[0, 0, 0, 2]);
        forged.extend_from_slice(&[0xAB; 10]);
        let mut bare =
            Context::new(&key, &salt, ProtectionProfile::Aes128CmHmacSha1_80, None, None, provider.crypto()).unwrap();
        assert!(bare.decrypt_rtcp(&forged).is_ok(), "rtc-srtp checks E-clear SRTCP now: drop the workaround");
        assert!(receiver.decrypt_rtcp(&forged).is_err());

        // The same packet with the tag RFC 3711 §4.2 gives it is authentic.
        let auth = aes_cm_derive(provider.crypto(), LABEL_SRTCP_AUTH, &key, &salt, AUTH_KEY_LEN).unwrap();
        let mut mac = <Hmac<sha1::Sha1> as hmac::digest::KeyInit>::new_from_slice(&auth).unwrap();
        mac.update(&forged[..forged.len() - 10]);
        let tag = mac.finalize().into_bytes();
        let at = forged.len() - 10;
        forged[at..].copy_from_slice(&tag[..10]);
        assert_eq!(receiver.decrypt_rtcp(&forged).unwrap(), sender_report());
    }

    #[test]
    fn prf_matches_the_tls12_test_vector() {
        // The widely used TLS 1.2 PRF SHA-256 vector (IETF TLS WG mailing list, 2009).
        let secret = unhex("9bbe436ba940f017b17652849a71db35").unwrap();
        let seed = unhex("a0ba9f936cda311827a6f796ffd5198c").unwrap();
        let out = prf(false, &secret, b"test label", &seed, 100);
        assert_eq!(
            hex(&out),
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14\
                    baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e\
                    5a5110fff70187347b66"
        );
    }
}
