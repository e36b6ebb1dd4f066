//! A fast hasher for the replay's per-packet lookups (flows, streams, records): SipHash was a
//! third of replay's time. Fx-style multiply-rotate, as rustc uses. Not DoS-resistant, which
//! is acceptable here: every map it backs is bounded (flows, streams, records per window),
//! so a crafted capture can slow a replay down but not make it unbounded.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0xf135_7aea_2e62_a9c5;

#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = self.hash.wrapping_add(word).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last) ^ (rest.len() as u64) << 59);
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hash;

    #[test]
    fn different_keys_hash_differently_and_maps_work() {
        let h = |v: &dyn Fn(&mut FxHasher)| {
            let mut s = FxHasher::default();
            v(&mut s);
            s.finish()
        };
        assert_ne!(h(&|s| 1u32.hash(s)), h(&|s| 2u32.hash(s)));
        assert_ne!(h(&|s| s.write(b"abc")), h(&|s| s.write(b"abd")));
        assert_ne!(h(&|s| s.write(b"ab")), h(&|s| s.write(b"ab\0")));
        let mut m: FastMap<std::net::SocketAddr, u32> = FastMap::default();
        for p in 0..1000u16 {
            m.insert(std::net::SocketAddr::from(([127, 0, 0, 1], p)), u32::from(p));
        }
        assert_eq!(m.len(), 1000);
        assert_eq!(m[&std::net::SocketAddr::from(([127, 0, 0, 1], 7))], 7);
    }
}
