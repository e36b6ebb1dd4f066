//! Decryption with a key log: reading NSS key log files ([`keylog`]), DTLS 1.2 application
//! data records ([`dtls_decrypt`]) and SRTP/SRTCP with the keys RFC 5764 exports
//! ([`srtp`]). Capture replay decrypts recorded calls with it, the live path decrypts its own
//! calls' wire. The crypto is the reference stack's provider (webrtc-rs `rtc-crypto`,
//! `rtc-srtp`).

pub mod dtls_decrypt;
pub mod keylog;
pub mod srtp;

pub use dtls_decrypt::RecordDecryptor;
pub use keylog::KeyLog;
