//! DTLS 1.2 record decryption with a key log's master secret, for the AEAD suites WebRTC
//! stacks negotiate (the DTLS record of RFC 6347 §4.1.2.1): the key block from the TLS 1.2
//! PRF ("key expansion", server random + client random), then AES-GCM (RFC 5288/5289: a
//! 4-byte implicit IV per direction and an 8-byte explicit nonce per record) or
//! ChaCha20-Poly1305 (RFC 7905, which OpenSSL-based stacks such as libdatachannel pick: a
//! 12-byte IV per direction XOR the record's epoch and sequence number). The AEAD is the
//! reference stack's crypto provider (webrtc-rs `rtc-crypto`).

use rtc_crypto::{AeadAlgorithm, AeadCipher};

use super::srtp::prf;
use crate::Direction;

/// Decrypts application data records in both directions of one DTLS 1.2 session.
pub struct RecordDecryptor {
    /// How nonces are made, the same for both directions.
    aead: Aead,
    /// Indexed by `Direction::index()`: the cipher and the write IV of that sender (4 bytes
    /// of implicit salt for AES-GCM, 12 for ChaCha20-Poly1305).
    ciphers: [(Box<dyn AeadCipher>, Vec<u8>); 2],
}

/// The AEAD families of the suites WebRTC stacks negotiate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aead {
    /// AES-GCM (RFC 5288): a 4-byte implicit salt and an 8-byte explicit nonce per record.
    Gcm,
    /// ChaCha20-Poly1305 (RFC 7905 §2): no explicit nonce; the 12-byte write IV XOR the
    /// record's 64-bit sequence number (in DTLS, epoch and sequence number), left-padded.
    ChaCha20Poly1305,
}

const TAG: usize = 16;

impl Aead {
    fn explicit_nonce_len(self) -> usize {
        match self {
            Aead::Gcm => 8,
            Aead::ChaCha20Poly1305 => 0,
        }
    }

    /// The nonce of a record: the salt and the explicit nonce (AES-GCM), or the IV XOR the
    /// padded epoch and sequence number (ChaCha20-Poly1305).
    fn nonce(self, iv: &[u8], epoch: u16, sequence: u64, explicit: &[u8]) -> [u8; 12] {
        let mut nonce = [0u8; 12];
        match self {
            Aead::Gcm => {
                nonce[..4].copy_from_slice(iv);
                nonce[4..].copy_from_slice(explicit);
            }
            Aead::ChaCha20Poly1305 => {
                nonce[4..6].copy_from_slice(&epoch.to_be_bytes());
                nonce[6..].copy_from_slice(&sequence.to_be_bytes()[2..]);
                for (n, i) in nonce.iter_mut().zip(iv) {
                    *n ^= i;
                }
            }
        }
        nonce
    }
}

/// (AEAD, its algorithm, key length, write IV length, PRF is SHA-384) of a suite this reader
/// decrypts; `None` for the others.
fn suite(cipher_suite: u16) -> Option<(Aead, AeadAlgorithm, usize, usize, bool)> {
    Some(match cipher_suite {
        0xC02B | 0xC02F | 0x009C | 0x009E => (Aead::Gcm, AeadAlgorithm::Aes128Gcm, 16, 4, false),
        0xC02C | 0xC030 | 0x009D | 0x009F => (Aead::Gcm, AeadAlgorithm::Aes256Gcm, 32, 4, true),
        // RFC 7905: ECDHE_RSA, ECDHE_ECDSA and DHE_RSA with ChaCha20-Poly1305.
        0xCCA8..=0xCCAA => (Aead::ChaCha20Poly1305, AeadAlgorithm::ChaCha20Poly1305, 32, 12, false),
        _ => return None,
    })
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
        let (aead, algorithm, key_len, iv_len, sha384) = suite(cipher_suite).ok_or_else(|| {
            format!(
                "cipher suite {} is not decrypted (AES-GCM and ChaCha20-Poly1305 suites are)",
                crate::dtls::cipher_suite_name(cipher_suite)
            )
        })?;
        // The key block of RFC 5246 §6.3 for an AEAD suite: no MAC keys.
        let seed = [server_random, client_random].concat();
        let block = prf(sha384, master_secret, b"key expansion", &seed, 2 * key_len + 2 * iv_len);
        let (client_key, server_key) = (&block[..key_len], &block[key_len..2 * key_len]);
        let ivs = &block[2 * key_len..];
        let (client_iv, server_iv) = (ivs[..iv_len].to_vec(), ivs[iv_len..].to_vec());
        let provider = rtc_crypto::default_provider().map_err(|e| e.to_string())?;
        let cipher = |key: &[u8]| provider.crypto().new_aead(algorithm, key).map_err(|e| format!("{algorithm:?}: {e}"));
        let (from_client, from_server) = ((cipher(client_key)?, client_iv), (cipher(server_key)?, server_iv));
        let ciphers = match client {
            Direction::AtoB => [from_client, from_server],
            Direction::BtoA => [from_server, from_client],
        };
        Ok(RecordDecryptor { aead, ciphers })
    }

    /// The explicit nonce a record of this session carries before its ciphertext (AES-GCM: 8
    /// bytes; ChaCha20-Poly1305: none).
    pub fn explicit_nonce_len(&self) -> usize {
        self.aead.explicit_nonce_len()
    }

    /// Protects a record the way its sender would (the live path's forged records, tests that
    /// rewrite real captures): explicit nonce (AES-GCM only; ChaCha20-Poly1305 ignores
    /// `explicit_nonce`), ciphertext, tag.
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
        let aead = self.aead;
        let explicit = &explicit_nonce[..aead.explicit_nonce_len()];
        let (cipher, iv) = &mut self.ciphers[direction.index()];
        let nonce = aead.nonce(iv, epoch, sequence, explicit);
        let aad = aad(epoch, sequence, content_type, version, plaintext.len());
        let mut data = plaintext.to_vec();
        let mut tag = [0u8; TAG];
        cipher.seal_in_place(&nonce, &aad, &mut data, &mut tag).map_err(|e| format!("{aead:?}: {e}"))?;
        Ok([explicit, &data, &tag].concat())
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
        let (aead, explicit) = (self.aead, self.aead.explicit_nonce_len());
        if fragment.len() < explicit + TAG {
            return Err(format!("a {}-byte {aead:?} record is shorter than its nonce and tag", fragment.len()));
        }
        let (cipher, iv) = &mut self.ciphers[direction.index()];
        let nonce = aead.nonce(iv, epoch, sequence, &fragment[..explicit]);
        let plain_len = fragment.len() - explicit - TAG;
        let aad = aad(epoch, sequence, content_type, version, plain_len);
        let mut data = fragment[explicit..explicit + plain_len].to_vec();
        cipher
            .open_in_place(&nonce, &aad, &mut data, &fragment[explicit + plain_len..])
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chacha20_poly1305_nonce_is_the_iv_xor_the_padded_epoch_and_sequence() {
        // RFC 7905 §2: the 64-bit sequence number (DTLS: 16-bit epoch, 48-bit sequence number)
        // padded on the left with four zero bytes, XORed with the 12-byte write IV.
        let iv: Vec<u8> = (0x10..0x1C).collect();
        let nonce = Aead::ChaCha20Poly1305.nonce(&iv, 0x0001, 0x0000_0102_0304, &[]);
        let expected = [0x10, 0x11, 0x12, 0x13, 0x14, 0x14, 0x16, 0x17, 0x19, 0x1B, 0x19, 0x1F];
        assert_eq!(nonce, expected);
    }

    #[test]
    fn both_aeads_open_what_they_seal_and_refuse_a_changed_byte() {
        for suite in [0xC02B, 0xC030, 0xCCA9] {
            let mut d = RecordDecryptor::new(&[7; 48], &[1; 32], &[2; 32], suite, Direction::AtoB).unwrap();
            let sealed = d.seal(Direction::BtoA, 23, 0xFEFD, 1, 9, &[0, 0, 0, 0, 0, 1, 0, 9], b"data").unwrap();
            assert_eq!(sealed.len(), d.explicit_nonce_len() + 4 + TAG);
            assert_eq!(d.open(Direction::BtoA, 23, 0xFEFD, 1, 9, &sealed).unwrap(), b"data");
            // The other direction's keys, another sequence number, a flipped bit: refused.
            assert!(d.open(Direction::AtoB, 23, 0xFEFD, 1, 9, &sealed).is_err());
            assert!(d.open(Direction::BtoA, 23, 0xFEFD, 1, 10, &sealed).is_err());
            let mut bad = sealed.clone();
            bad[d.explicit_nonce_len()] ^= 1;
            assert!(d.open(Direction::BtoA, 23, 0xFEFD, 1, 9, &bad).is_err());
        }
    }
}
