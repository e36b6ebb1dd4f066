//! The SRTCP trailer (RFC 3711 §3.4): after the (encrypted) compound packet, the E flag and
//! the 31-bit SRTCP index, then the authentication tag (none after the index with the AEAD
//! profiles, RFC 7714 §9, where the tag is inside the ciphertext).

use crate::read::u32_at;

/// The E (encrypted) flag, the top bit of the word holding the SRTCP index.
pub const E_FLAG: u32 = 0x8000_0000;
/// The 80-bit HMAC-SHA1 tag SRTCP keeps with both HMAC-SHA1 profiles (RFC 5764 §4.1.2).
pub const SRTCP_HMAC_TAG_LEN: usize = 10;
/// SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2).
pub const AES128_CM_HMAC_SHA1_80: u16 = 0x0001;
pub const AES128_CM_HMAC_SHA1_32: u16 = 0x0002;
pub const AEAD_AES_128_GCM: u16 = 0x0007;
pub const AEAD_AES_256_GCM: u16 = 0x0008;

/// Bytes of authentication tag after an SRTCP packet's index under `profile`: 10 for the
/// HMAC-SHA1 profiles (and when none is known), 0 for AEAD.
pub fn srtcp_tag_after_index(profile: Option<u16>) -> usize {
    match profile {
        Some(AES128_CM_HMAC_SHA1_80 | AES128_CM_HMAC_SHA1_32) | None => SRTCP_HMAC_TAG_LEN,
        Some(_) => 0,
    }
}

/// An SRTCP packet's E flag and index, read from before its last `tag_after_index` bytes;
/// `None` for a packet too short to have them after an RTCP header.
pub fn srtcp_trailer(packet: &[u8], tag_after_index: usize) -> Option<(bool, u32)> {
    let end = packet.len().checked_sub(tag_after_index).filter(|end| *end >= 12)?;
    let word = u32_at(packet, end - 4)?;
    Some((word & E_FLAG != 0, word & !E_FLAG))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trailer_is_read_before_the_tag() {
        let mut p = vec![0x80, 200, 0, 1, 0, 0, 0, 1];
        p.extend_from_slice(&(E_FLAG | 5).to_be_bytes());
        p.extend_from_slice(&[0; 10]);
        assert_eq!(srtcp_trailer(&p, SRTCP_HMAC_TAG_LEN), Some((true, 5)));
        assert_eq!(srtcp_trailer(&p[..12], 0), Some((true, 5)));
        assert_eq!(srtcp_trailer(&p[..11], 0), None);
        assert_eq!(srtcp_trailer(&p, 40), None);
    }
}
