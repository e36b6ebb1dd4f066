//! Seeded generators of STUN messages, valid and corrupted, for differential runs (and, later,
//! fuzz seeds). Plain functions of a `SeedRng`, so any driver can reuse them.

use std::net::SocketAddr;

use super::model::{AttributeSpec, EncodeModel};
use super::*;
use rtcspec_live::seed::SeedRng;

const TEXT_ALPHABET: &[char] = &['a', 'Z', '0', ':', '+', '/', ' ', 'é', 'マ'];

fn text(rng: &mut SeedRng) -> String {
    let len = 1 + rng.below(24) as usize;
    (0..len).map(|_| TEXT_ALPHABET[rng.below(TEXT_ALPHABET.len() as u64) as usize]).collect()
}

fn addr(rng: &mut SeedRng) -> SocketAddr {
    let port = 1 + rng.below(65534) as u16;
    if rng.below(2) == 0 {
        SocketAddr::from((rng.bytes::<4>(), port))
    } else {
        SocketAddr::from((rng.bytes::<16>(), port))
    }
}

/// A well-formed message: random class, distinct attributes, optional MESSAGE-INTEGRITY
/// (with the returned key), FINGERPRINT last.
pub fn valid_message(rng: &mut SeedRng) -> (EncodeModel, Vec<u8>) {
    let class = [Class::Request, Class::Indication, Class::Success, Class::Error][rng.below(4) as usize];
    let mut attributes = Vec::new();
    if class == Class::Error {
        let code = 300 + rng.below(400) as u16;
        attributes.push(AttributeSpec::ErrorCode { code, reason: text(rng) });
    }
    let mut kinds: Vec<u64> = (0..9).collect();
    for _ in 0..rng.below(6) {
        let k = kinds.remove(rng.below(kinds.len() as u64) as usize);
        attributes.push(match k {
            0 => AttributeSpec::XorMappedAddress { addr: addr(rng) },
            1 => AttributeSpec::Username { value: text(rng) },
            2 => AttributeSpec::Software { value: text(rng) },
            3 => AttributeSpec::Realm { value: text(rng) },
            4 => AttributeSpec::Nonce { value: text(rng) },
            5 => AttributeSpec::Priority { value: rng.u32() },
            6 => AttributeSpec::IceControlling { tie_breaker: rng.u64() },
            7 => AttributeSpec::UseCandidate,
            _ => {
                let len = rng.below(12) as usize;
                let hex = (0..len).map(|_| rng.below(256) as u8).collect();
                AttributeSpec::Raw { attr_type: 0xC001 + rng.below(0x3FFE) as u16, hex }
            }
        });
    }
    let key: Vec<u8> = if rng.below(3) > 0 { rng.ice_chars(22).into_bytes() } else { Vec::new() };
    if !key.is_empty() {
        attributes.push(AttributeSpec::MessageIntegrity { key_hex: key.clone() });
    }
    attributes.push(AttributeSpec::Fingerprint);
    (EncodeModel { class, method: METHOD_BINDING, transaction_id: rng.transaction_id(), attributes }, key)
}

/// One corruption of the kind decoders disagree on: header bits, lengths, truncation,
/// trailing bytes, attribute lengths, random byte changes.
pub fn corrupt(rng: &mut SeedRng, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    if b.len() < HEADER_LEN {
        return b;
    }
    match rng.below(8) {
        0 => b[0] |= [0x40, 0x80, 0xC0][rng.below(3) as usize],
        1 => b[4 + rng.below(4) as usize] ^= 1 << rng.below(8),
        2 => {
            let delta = [1u16, 2, 4, 8, 0xFFFC][rng.below(5) as usize];
            let len = u16::from_be_bytes([b[2], b[3]]).wrapping_add(delta);
            b[2..4].copy_from_slice(&len.to_be_bytes());
        }
        3 => b.truncate(rng.below(b.len() as u64) as usize),
        4 => b.extend((0..1 + rng.below(8)).map(|_| rng.below(256) as u8)),
        5 if b.len() > HEADER_LEN + 4 => {
            // An attribute length field: the first attribute's.
            let len = u16::from_be_bytes([b[22], b[23]]) ^ (1 << rng.below(10));
            b[22..24].copy_from_slice(&len.to_be_bytes());
        }
        6 => {
            // Append an attribute after FINGERPRINT, keeping the header length right.
            let extra = Builder::new(Class::Request, 1, [0; 12]).text(SOFTWARE, "tail").build();
            b.extend_from_slice(&extra[HEADER_LEN..]);
            let len = (b.len() - HEADER_LEN) as u16;
            b[2..4].copy_from_slice(&len.to_be_bytes());
        }
        _ => {
            let at = rng.below(b.len() as u64) as usize;
            b[at] = rng.below(256) as u8;
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stun::Message;

    #[test]
    fn valid_messages_parse_and_verify() {
        let mut rng = SeedRng::new(9);
        for _ in 0..500 {
            let (model, key) = valid_message(&mut rng);
            let bytes = model.to_bytes();
            let m = Message::parse(&bytes).unwrap();
            assert_eq!(m.verify_fingerprint(), Some(true));
            if !key.is_empty() {
                assert_eq!(m.verify_integrity(MESSAGE_INTEGRITY, &key), Some(true));
            }
            let _ = corrupt(&mut rng, &bytes);
        }
    }
}
