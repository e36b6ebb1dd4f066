//! Which way a datagram went between the two ends of a flow, named so both directions of a
//! 5-tuple share one key: `AtoB` is from the lower address. Key material is per direction
//! (the DTLS client's and server's write keys), so the decryptors in [`crate::keys`] take it.

/// Which way a packet went: `AtoB` from the lower address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    AtoB,
    BtoA,
}

impl Direction {
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn reverse(self) -> Direction {
        match self {
            Direction::AtoB => Direction::BtoA,
            Direction::BtoA => Direction::AtoB,
        }
    }
}
