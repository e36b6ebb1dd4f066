//! The reference peer's DTLS key log. rtc-dtls has no key-log hook, so the crypto provider
//! is wrapped: TLS 1.2's key expansion is an HMAC keyed with the 48-byte master secret over
//! "key expansion" || server_random || client_random (RFC 5246 §6.3), and that one call
//! gives the SSLKEYLOGFILE line `CLIENT_RANDOM <client_random> <master_secret>` Wireshark
//! needs. Every other operation goes to the wrapped provider unchanged.

use std::sync::{Arc, Mutex};

use rtc_crypto::{
    ActiveKeyExchange, AeadCipher, CbcCipher, Mac, RTCCrypto, RTCCryptoProvider, RTCRandom, SigningKey, StreamCipher,
};
use rtc_crypto::{
    AeadAlgorithm, BlockCipherAlgorithm, CbcAlgorithm, CryptoAlgorithm, CryptoError, HashAlgorithm, HmacAlgorithm,
    KeyExchangeAlgorithm, PublicKey, SignatureScheme, StreamCipherAlgorithm,
};

use rtcspec_wire::stun::hex;

const KEY_EXPANSION: &[u8] = b"key expansion";
/// "key expansion" (13) + server_random (32) + client_random (32).
const KEY_EXPANSION_SEED_LEN: usize = 13 + 32 + 32;
const MASTER_SECRET_LEN: usize = 48;

/// The SSLKEYLOGFILE lines seen so far, each once, in order.
#[derive(Clone, Default)]
pub struct KeyLog(Arc<Mutex<Vec<String>>>);

impl KeyLog {
    fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if !lines.contains(&line) {
            lines.push(line);
        }
    }

    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The key log file's text (one line each, newline-terminated).
    pub fn text(&self) -> String {
        self.lines().iter().map(|l| format!("{l}\n")).collect()
    }
}

/// A crypto provider that logs DTLS 1.2 master secrets into a [`KeyLog`].
pub struct KeyLoggingProvider {
    crypto: KeyLoggingCrypto,
    random: SentinelRandom,
}

impl KeyLoggingProvider {
    pub fn new(inner: Arc<dyn RTCCryptoProvider>, log: KeyLog) -> KeyLoggingProvider {
        KeyLoggingProvider {
            crypto: KeyLoggingCrypto { inner: inner.clone(), log },
            random: SentinelRandom { inner, sentinel: false },
        }
    }

    /// Every hello random this stack makes ends in the TLS 1.3 downgrade sentinel for a
    /// DTLS 1.2 ServerHello (RFC 8446 §4.1.3, kept for DTLS by RFC 9147 §5.3): as a DTLS
    /// server it then says "I am a 1.3 server negotiating 1.2 with you". The random goes into
    /// its own handshake transcript, so Finished still verifies; only a client that checks the
    /// sentinel stops.
    pub fn with_downgrade_sentinel(mut self) -> KeyLoggingProvider {
        self.random.sentinel = true;
        self
    }
}

/// The last 8 bytes of a ServerHello.random from a TLS 1.3 server negotiating TLS 1.2.
pub const DOWNGRADE_SENTINEL_TLS12: [u8; 8] = *b"DOWNGRD\x01";

/// The random bytes of a hello random: 28 after the 4-byte time (RFC 5246 §7.4.1.2), filled
/// in one call by rtc-dtls (`HandshakeRandom::populate`). No other fill of the provider's
/// random is this long (cookies are 20 bytes, SCTP and ICE draw theirs elsewhere).
const HELLO_RANDOM_BYTES: usize = 28;

struct SentinelRandom {
    inner: Arc<dyn RTCCryptoProvider>,
    sentinel: bool,
}

impl RTCRandom for SentinelRandom {
    fn fill(&self, output: &mut [u8]) -> Result<(), CryptoError> {
        self.inner.random().fill(output)?;
        if self.sentinel && output.len() == HELLO_RANDOM_BYTES {
            output[HELLO_RANDOM_BYTES - 8..].copy_from_slice(&DOWNGRADE_SENTINEL_TLS12);
        }
        Ok(())
    }
}

impl RTCCryptoProvider for KeyLoggingProvider {
    fn name(&self) -> &'static str {
        "rtcspec key logging"
    }
    fn crypto(&self) -> &dyn RTCCrypto {
        &self.crypto
    }
    fn random(&self) -> &dyn RTCRandom {
        &self.random
    }
}

struct KeyLoggingCrypto {
    inner: Arc<dyn RTCCryptoProvider>,
    log: KeyLog,
}

impl RTCCrypto for KeyLoggingCrypto {
    fn supports(&self, algorithm: CryptoAlgorithm) -> bool {
        self.inner.crypto().supports(algorithm)
    }
    fn hash(&self, algorithm: HashAlgorithm, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.inner.crypto().hash(algorithm, data)
    }
    fn block_encrypt(&self, algorithm: BlockCipherAlgorithm, key: &[u8], block: &mut [u8]) -> Result<(), CryptoError> {
        self.inner.crypto().block_encrypt(algorithm, key, block)
    }
    fn new_hmac(&self, algorithm: HmacAlgorithm, key: &[u8]) -> Result<Box<dyn Mac>, CryptoError> {
        let inner = self.inner.crypto().new_hmac(algorithm, key)?;
        if key.len() != MASTER_SECRET_LEN {
            return Ok(inner);
        }
        Ok(Box::new(KeyLoggingMac { inner, master_secret: key.to_vec(), log: self.log.clone() }))
    }
    fn new_stream_cipher(
        &self,
        algorithm: StreamCipherAlgorithm,
        key: &[u8],
    ) -> Result<Box<dyn StreamCipher>, CryptoError> {
        self.inner.crypto().new_stream_cipher(algorithm, key)
    }
    fn new_aead(&self, algorithm: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadCipher>, CryptoError> {
        self.inner.crypto().new_aead(algorithm, key)
    }
    fn new_cbc(&self, algorithm: CbcAlgorithm, key: &[u8]) -> Result<Box<dyn CbcCipher>, CryptoError> {
        self.inner.crypto().new_cbc(algorithm, key)
    }
    fn start_key_exchange(&self, algorithm: KeyExchangeAlgorithm) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        self.inner.crypto().start_key_exchange(algorithm)
    }
    fn generate_signing_key(&self, scheme: SignatureScheme) -> Result<Arc<dyn SigningKey>, CryptoError> {
        self.inner.crypto().generate_signing_key(scheme)
    }
    fn import_signing_key(
        &self,
        scheme: SignatureScheme,
        pkcs8_der: &[u8],
    ) -> Result<Arc<dyn SigningKey>, CryptoError> {
        self.inner.crypto().import_signing_key(scheme, pkcs8_der)
    }
    fn verify_signature(
        &self,
        scheme: SignatureScheme,
        public_key: PublicKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        self.inner.crypto().verify_signature(scheme, public_key, message, signature)
    }
}

struct KeyLoggingMac {
    inner: Box<dyn Mac>,
    master_secret: Vec<u8>,
    log: KeyLog,
}

impl Mac for KeyLoggingMac {
    fn output_len(&self) -> usize {
        self.inner.output_len()
    }
    fn sign(&mut self, input: &[&[u8]], output: &mut [u8]) -> Result<(), CryptoError> {
        if let [seed] = input {
            if seed.len() == KEY_EXPANSION_SEED_LEN && seed.starts_with(KEY_EXPANSION) {
                let client_random = &seed[KEY_EXPANSION.len() + 32..];
                self.log.push(format!("CLIENT_RANDOM {} {}", hex(client_random), hex(&self.master_secret)));
            }
        }
        self.inner.sign(input, output)
    }
    fn verify(&mut self, input: &[&[u8]], expected: &[u8]) -> Result<(), CryptoError> {
        self.inner.verify(input, expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentinel_ends_hello_randoms_only() {
        let inner = rtc_crypto::default_provider().unwrap();
        let armed = KeyLoggingProvider::new(inner.clone(), KeyLog::default()).with_downgrade_sentinel();
        let plain = KeyLoggingProvider::new(inner, KeyLog::default());
        let mut random = [0u8; HELLO_RANDOM_BYTES];
        armed.random().fill(&mut random).unwrap();
        assert_eq!(random[20..], DOWNGRADE_SENTINEL_TLS12);
        plain.random().fill(&mut random).unwrap();
        assert_ne!(random[20..], DOWNGRADE_SENTINEL_TLS12);
        let mut cookie = [0u8; 20];
        armed.random().fill(&mut cookie).unwrap();
        assert_ne!(cookie[12..], DOWNGRADE_SENTINEL_TLS12);
    }
}
