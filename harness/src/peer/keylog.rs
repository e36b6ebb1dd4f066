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

use crate::stun::hex;

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
    inner: Arc<dyn RTCCryptoProvider>,
    crypto: KeyLoggingCrypto,
}

impl KeyLoggingProvider {
    pub fn new(inner: Arc<dyn RTCCryptoProvider>, log: KeyLog) -> KeyLoggingProvider {
        KeyLoggingProvider { crypto: KeyLoggingCrypto { inner: inner.clone(), log }, inner }
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
        self.inner.random()
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
