//! DTLS 1.2 record decryption with a key log's master secret, for the AES-GCM suites WebRTC
//! stacks negotiate (RFC 5288/5289 with the DTLS record of RFC 6347 §4.1.2.1): the key block
//! from the TLS 1.2 PRF ("key expansion", server random + client random), a 4-byte implicit
//! IV per direction and an 8-byte explicit nonce per record. The AEAD is the reference
//! stack's crypto provider (webrtc-rs `rtc-crypto`).

use rtc_crypto::{AeadAlgorithm, AeadCipher};

use super::srtp::prf;
use crate::Direction;

/// Decrypts application data records in both directions of one DTLS 1.2 session.
pub struct RecordDecryptor {
    /// Indexed by `Direction::index()`: the cipher and implicit IV of that sender.
    ciphers: [(Box<dyn AeadCipher>, [u8; 4]); 2],
}

/// (key length, PRF is SHA-384) for the AES-GCM suites; `None` for the others.
fn gcm_suite(cipher_suite: u16) -> Option<(usize, bool)> {
    match cipher_suite {
        0xC02B | 0xC02F | 0x009C | 0x009E => Some((16, false)),
        0xC02C | 0xC030 | 0x009D | 0x009F => Some((32, true)),
        _ => None,
    }
}

impl RecordDecryptor {
    /// `client` is the direction the DTLS client sends in. Errors say why decryption is not
    /// possible (a suite this reader does not decrypt, a crypto provider failure).
    pub fn new(
        master_secret: &[u8],
        client_random: &[u8],
        server_random: &[u8],
        cipher_suite: u16,
        client: Direction,
    ) -> Result<RecordDecryptor, String> {
        let (key_len, sha384) = gcm_suite(cipher_suite).ok_or_else(|| {
            format!(
                "cipher suite {} is not decrypted (AES-GCM suites are)",
                crate::dtls::cipher_suite_name(cipher_suite)
            )
        })?;
        let seed = [server_random, client_random].concat();
        let block = prf(sha384, master_secret, b"key expansion", &seed, 2 * key_len + 8);
        let (client_key, server_key) = (&block[..key_len], &block[key_len..2 * key_len]);
        let iv = |at: usize| -> [u8; 4] { block[at..at + 4].try_into().unwrap_or_default() };
        let (client_iv, server_iv) = (iv(2 * key_len), iv(2 * key_len + 4));
        let provider = rtc_crypto::default_provider().map_err(|e| e.to_string())?;
        let algorithm = if key_len == 16 { AeadAlgorithm::Aes128Gcm } else { AeadAlgorithm::Aes256Gcm };
        let aead = |key: &[u8]| provider.crypto().new_aead(algorithm, key).map_err(|e| format!("AES-GCM: {e}"));
        let (from_client, from_server) = ((aead(client_key)?, client_iv), (aead(server_key)?, server_iv));
        let ciphers = match client {
            Direction::AtoB => [from_client, from_server],
            Direction::BtoA => [from_server, from_client],
        };
        Ok(RecordDecryptor { ciphers })
    }

    /// Protects a record the way its sender would (for tests that rewrite real captures):
    /// explicit nonce, ciphertext, tag.
    #[allow(clippy::too_many_arguments)]
    pub fn seal(
        &mut self,
        direction: Direction,
        content_type: u8,
        version: u16,
        epoch: u16,
        sequence: u64,
        explicit_nonce: &[u8; 8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, String> {
        let (cipher, iv) = &mut self.ciphers[direction.index()];
        let mut nonce = [0u8; 12];
        nonce[..4].copy_from_slice(iv);
        nonce[4..].copy_from_slice(explicit_nonce);
        let aad = aad(epoch, sequence, content_type, version, plaintext.len());
        let mut data = plaintext.to_vec();
        let mut tag = [0u8; 16];
        cipher.seal_in_place(&nonce, &aad, &mut data, &mut tag).map_err(|e| format!("AES-GCM: {e}"))?;
        Ok([&explicit_nonce[..], &data, &tag].concat())
    }

    /// The plaintext of one protected record, or why it does not authenticate.
    pub fn open(
        &mut self,
        direction: Direction,
        content_type: u8,
        version: u16,
        epoch: u16,
        sequence: u64,
        fragment: &[u8],
    ) -> Result<Vec<u8>, String> {
        const EXPLICIT: usize = 8;
        const TAG: usize = 16;
        if fragment.len() < EXPLICIT + TAG {
            return Err(format!("a {}-byte AES-GCM record is shorter than nonce and tag", fragment.len()));
        }
        let (cipher, iv) = &mut self.ciphers[direction.index()];
        let mut nonce = [0u8; 12];
        nonce[..4].copy_from_slice(iv);
        nonce[4..].copy_from_slice(&fragment[..EXPLICIT]);
        let plain_len = fragment.len() - EXPLICIT - TAG;
        let aad = aad(epoch, sequence, content_type, version, plain_len);
        let mut data = fragment[EXPLICIT..EXPLICIT + plain_len].to_vec();
        cipher
            .open_in_place(&nonce, &aad, &mut data, &fragment[EXPLICIT + plain_len..])
            .map_err(|e| format!("the record does not authenticate: {e}"))?;
        Ok(data)
    }
}

/// The additional data of an AEAD-protected DTLS 1.2 record (RFC 6347 §4.1.2.1, RFC 5246 §6.2.3.3).
fn aad(epoch: u16, sequence: u64, content_type: u8, version: u16, plain_len: usize) -> Vec<u8> {
    let mut aad = Vec::with_capacity(13);
    aad.extend_from_slice(&epoch.to_be_bytes());
    aad.extend_from_slice(&sequence.to_be_bytes()[2..]);
    aad.push(content_type);
    aad.extend_from_slice(&version.to_be_bytes());
    aad.extend_from_slice(&(plain_len as u16).to_be_bytes());
    aad
}
