//! SRTP on a replayed flow: both directions keyed from the DTLS session's key log line and
//! every packet decrypted and authenticated ([`rtcspec_wire::keys::srtp`] does the crypto).

use serde::{Deserialize, Serialize};

use super::checks::{CheckId, Tallies};
use rtcspec_wire::keys::srtp::{Keying, SrtpReceiver};
use rtcspec_wire::Direction;

/// What decryption found on one flow.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SrtpSummary {
    pub srtp_authenticated: u64,
    pub srtcp_authenticated: u64,
    pub failed: u64,
    /// Packets the replay window rejected (duplicates on the wire: not a sender fault).
    pub replayed: u64,
    /// Media seen before the keys were known (before the ServerHello, or no key log line).
    pub undecrypted: u64,
}

#[derive(Default)]
pub struct SrtpFlow {
    /// Indexed by `Direction::index()`; `None` until keyed.
    contexts: [Option<SrtpReceiver>; 2],
    keyed: bool,
    pub summary: SrtpSummary,
}

impl SrtpFlow {
    pub fn is_keyed(&self) -> bool {
        self.keyed
    }

    /// Sets up both directions; `client` is the direction the DTLS client sends in.
    pub fn key(&mut self, k: &Keying, client: Direction) -> Result<(), String> {
        let (from_client, from_server) = (
            SrtpReceiver::new(k.profile, &k.client_key, &k.client_salt)?,
            SrtpReceiver::new(k.profile, &k.server_key, &k.server_salt)?,
        );
        self.contexts[client.index()] = Some(from_client);
        self.contexts[client.reverse().index()] = Some(from_server);
        self.keyed = true;
        Ok(())
    }

    pub fn packet(&mut self, d: &[u8], rtcp: bool, direction: Direction, number: u64, tallies: &mut Tallies) {
        let Some(ctx) = &mut self.contexts[direction.index()] else {
            self.summary.undecrypted += 1;
            return;
        };
        let result = if rtcp { ctx.decrypt_rtcp(d).map(|_| ()) } else { ctx.decrypt_rtp(d).map(|_| ()) };
        match result {
            Ok(()) => {
                tallies.get(CheckId::SrtpAuthenticated).pass();
                if rtcp {
                    self.summary.srtcp_authenticated += 1;
                } else {
                    self.summary.srtp_authenticated += 1;
                }
            }
            Err(e) if e.to_string().contains("duplicated") => self.summary.replayed += 1,
            Err(e) => {
                self.summary.failed += 1;
                let what = if rtcp { "SRTCP" } else { "SRTP" };
                tallies
                    .get(CheckId::SrtpAuthenticated)
                    .fail(|| format!("packet {number}: {what} does not decrypt with the session's keys: {e}"));
            }
        }
    }
}
