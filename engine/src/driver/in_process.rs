//! What the in-process responders share: seeded credentials and addresses, and the
//! `StunResponder` plumbing, so each agent only says how it handles a datagram.

use std::net::SocketAddr;

use super::{Auth, StunResponder, TargetError};
use rtcspec_live::seed::SeedRng;

/// ICE credentials for both sides of a check, fresh per case (ufrag 8 and pwd 24 ice-chars).
#[derive(Debug, Clone)]
pub struct IceCredentials {
    pub target_ufrag: String,
    pub target_pwd: String,
    pub harness_ufrag: String,
    pub harness_pwd: String,
}

impl IceCredentials {
    pub fn from_rng(rng: &mut SeedRng) -> IceCredentials {
        IceCredentials {
            target_ufrag: rng.ice_chars(8),
            target_pwd: rng.ice_chars(24),
            harness_ufrag: rng.ice_chars(8),
            harness_pwd: rng.ice_chars(24),
        }
    }

    pub fn auth(&self) -> Auth {
        Auth::ShortTerm {
            target_ufrag: self.target_ufrag.clone(),
            target_pwd: self.target_pwd.clone(),
            harness_ufrag: self.harness_ufrag.clone(),
            harness_pwd: self.harness_pwd.clone(),
        }
    }
}

/// An in-process agent's view of the (simulated) wire: its loopback address, the harness's,
/// and the credentials, all drawn from the case seed so XOR-MAPPED-ADDRESS checks vary.
pub struct Endpoint {
    pub creds: IceCredentials,
    pub auth: Auth,
    pub target: SocketAddr,
    pub harness: SocketAddr,
    /// What is left of the seeded stream, for tie-breakers and the like.
    pub rng: SeedRng,
}

impl Endpoint {
    pub fn from_seed(seed: u64) -> Endpoint {
        let mut rng = SeedRng::new(seed);
        let target = SocketAddr::from(([127, 0, 0, 1], 20000 + rng.below(20000) as u16));
        let harness = SocketAddr::from(([127, 0, 0, 1], 40000 + rng.below(20000) as u16));
        let creds = IceCredentials::from_rng(&mut rng);
        Endpoint { auth: creds.auth(), creds, target, harness, rng }
    }
}

/// An agent driven in process, sans-IO: it turns one datagram into its replies.
pub trait InProcessAgent: Send {
    fn endpoint(&self) -> &Endpoint;
    /// Replies addressed to the harness; anything else the agent sends is dropped.
    fn handle(&mut self, datagram: &[u8]) -> Vec<Vec<u8>>;
}

impl<T: InProcessAgent> StunResponder for T {
    fn auth(&self) -> &Auth {
        &self.endpoint().auth
    }
    fn harness_addr(&self) -> SocketAddr {
        self.endpoint().harness
    }
    fn target_addr(&self) -> SocketAddr {
        self.endpoint().target
    }
    fn exchange(&mut self, datagram: &[u8]) -> Result<Vec<Vec<u8>>, TargetError> {
        Ok(self.handle(datagram))
    }
}
