//! STUN on a flow: well-formedness, FINGERPRINT, MESSAGE-INTEGRITY with the ICE passwords
//! from the SDP or with TURN long-term credentials, transactions (request/response, RTT, retransmissions) and ICE
//! nomination.

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::checks::{CheckId, Tallies};
use super::fasthash::FastMap;
use super::sdp_info::SessionInfo;
use rtcspec_wire::stun::{
    long_term_key, Class, Message, MESSAGE_INTEGRITY, MESSAGE_INTEGRITY_SHA256, METHOD_BINDING, NONCE, REALM, USERNAME,
    USE_CANDIDATE,
};
use rtcspec_wire::Direction;

/// Open transactions remembered per flow (the oldest is forgotten past this).
const MAX_OPEN: usize = 1024;

struct Open {
    number: u64,
    at: Duration,
    direction: Direction,
    /// The key the request was checked with, to check its response with.
    key: Option<Key>,
    use_candidate: bool,
}

/// What the STUN traffic of one flow amounted to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StunSummary {
    pub requests: u64,
    pub retransmissions: u64,
    pub success_responses: u64,
    pub error_responses: u64,
    pub indications: u64,
    /// Responses whose request is not in the capture (it may have started mid-call).
    pub unmatched_responses: u64,
    /// Requests never answered within the capture.
    pub unanswered_requests: u64,
    pub rtt_min_ms: Option<f64>,
    pub rtt_max_ms: Option<f64>,
    /// A Binding request with USE-CANDIDATE got a success response (RFC 8445 §8.1.1).
    pub nominated: bool,
    /// Binding requests whose USERNAME's first ufrag is in none of the SDPs given.
    pub unknown_ufrags: u64,
    /// Requests authenticated with long-term credentials (REALM present) whose USERNAME
    /// is in none of the `--turn-credentials` given.
    #[serde(default)]
    pub unknown_turn_users: u64,
}

#[derive(Default)]
pub struct StunFlow {
    open: FastMap<[u8; 12], Open>,
    order: VecDeque<[u8; 12]>,
    pub summary: StunSummary,
}

/// A MESSAGE-INTEGRITY key and the check it is judged under.
struct Key {
    bytes: Vec<u8>,
    check: CheckId,
}

/// The integrity attribute a message carries: SHA-256 when present (RFC 8489 §14.6).
fn integrity_attribute(m: &Message) -> Option<u16> {
    [MESSAGE_INTEGRITY_SHA256, MESSAGE_INTEGRITY].into_iter().find(|a| m.has(*a))
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

impl StunFlow {
    /// Judges one datagram in the STUN range. Returns the parsed message when it is one.
    pub fn datagram(
        &mut self,
        bytes: &[u8],
        direction: Direction,
        number: u64,
        at: Duration,
        session: &SessionInfo,
        tallies: &mut Tallies,
    ) -> Option<Message> {
        let m = match Message::parse(bytes) {
            Ok(m) => m,
            Err(e) => {
                tallies.get(CheckId::StunWellFormed).fail(|| format!("packet {number}: {e}"));
                return None;
            }
        };
        tallies.get(CheckId::StunWellFormed).pass();
        if let Some(ok) = m.verify_fingerprint() {
            if ok {
                tallies.get(CheckId::StunFingerprint).pass();
            } else {
                tallies.get(CheckId::StunFingerprint).fail(|| format!("packet {number}: FINGERPRINT does not verify"));
            }
        }
        let s = &mut self.summary;
        match m.class {
            Class::Request => {
                s.requests += 1;
                if self.open.contains_key(&m.transaction_id) {
                    s.retransmissions += 1;
                } else {
                    let key = self.request_key(&m, number, session, tallies);
                    if self.order.len() >= MAX_OPEN {
                        if let Some(old) = self.order.pop_front() {
                            if self.open.remove(&old).is_some() {
                                self.summary.unanswered_requests += 1;
                            }
                        }
                    }
                    self.order.push_back(m.transaction_id);
                    let use_candidate = m.method == METHOD_BINDING && m.has(USE_CANDIDATE);
                    self.open.insert(m.transaction_id, Open { number, at, direction, key, use_candidate });
                }
            }
            Class::Indication => s.indications += 1,
            Class::Success | Class::Error => {
                if m.class == Class::Success {
                    s.success_responses += 1;
                } else {
                    s.error_responses += 1;
                }
                match self.open.remove(&m.transaction_id) {
                    Some(open) if open.direction != direction => {
                        let rtt = ms(at.saturating_sub(open.at));
                        s.rtt_min_ms = Some(s.rtt_min_ms.map_or(rtt, |v| v.min(rtt)));
                        s.rtt_max_ms = Some(s.rtt_max_ms.map_or(rtt, |v| v.max(rtt)));
                        if open.use_candidate && m.class == Class::Success {
                            s.nominated = true;
                        }
                        if let (Some(key), Some(attr)) = (&open.key, integrity_attribute(&m)) {
                            let request = open.number;
                            let which =
                                if key.check == CheckId::StunIntegrity { "ICE password" } else { "long-term key" };
                            match m.verify_integrity(attr, &key.bytes) {
                                Some(true) => tallies.get(key.check).pass(),
                                _ => tallies.get(key.check).fail(|| {
                                    format!(
                                        "packet {number}: the response to packet {request} does not verify \
                                            with the {which} that request used"
                                    )
                                }),
                            }
                        }
                    }
                    _ => s.unmatched_responses += 1,
                }
            }
        }
        Some(m)
    }

    /// The key a request is checked with, and the integrity verdict with it: a Binding
    /// request's receiving agent's ICE password (its ufrag comes first in USERNAME), or for a
    /// request carrying REALM (TURN, RFC 8489 §9.2.3.2) the long-term key of its USERNAME.
    fn request_key(&mut self, m: &Message, number: u64, session: &SessionInfo, tallies: &mut Tallies) -> Option<Key> {
        if m.has(REALM) && m.has(USERNAME) {
            return self.long_term_key(m, number, session, tallies);
        }
        if m.method != METHOD_BINDING || session.passwords.is_empty() {
            return None;
        }
        let username = m.text(USERNAME)?;
        let (receiver, _) = username.split_once(':')?;
        let Some(pwd) = session.passwords.get(receiver) else {
            self.summary.unknown_ufrags += 1;
            return None;
        };
        let key = Key { bytes: pwd.as_bytes().to_vec(), check: CheckId::StunIntegrity };
        match m.verify_integrity(MESSAGE_INTEGRITY, &key.bytes) {
            Some(true) => tallies.get(CheckId::StunIntegrity).pass(),
            Some(false) => tallies.get(CheckId::StunIntegrity).fail(|| {
                format!(
                    "packet {number}: Binding request for {username:?} does not verify \
                        with ice-pwd of ufrag {receiver:?}"
                )
            }),
            None => tallies.get(CheckId::StunIntegrity).fail(|| {
                format!(
                    "packet {number}: Binding request for {username:?} has no \
                        MESSAGE-INTEGRITY"
                )
            }),
        }
        Some(key)
    }

    /// A request after the 401 challenge: USERNAME, REALM and NONCE present and the
    /// integrity keyed with MD5(username:realm:password) (RFC 8489 §9.2.2).
    fn long_term_key(&mut self, m: &Message, number: u64, session: &SessionInfo, tallies: &mut Tallies) -> Option<Key> {
        let check = CheckId::TurnLongTermIntegrity;
        let username = m.text(USERNAME)?;
        let Some(password) = session.turn_passwords.get(&username) else {
            self.summary.unknown_turn_users += 1;
            tallies.get(check).unavailable.get_or_insert_with(|| {
                format!(
                    "give the TURN credentials of user {username:?} with \
                        --turn-credentials USER:PASSWORD to check its MESSAGE-INTEGRITY"
                )
            });
            return None;
        };
        let realm = m.text(REALM).unwrap_or_default();
        let key = Key { bytes: long_term_key(&username, &realm, password), check };
        if !m.has(NONCE) {
            tallies
                .get(check)
                .fail(|| format!("packet {number}: request from {username:?} carries REALM but no NONCE"));
            return Some(key);
        }
        match integrity_attribute(m).and_then(|a| m.verify_integrity(a, &key.bytes)) {
            Some(true) => tallies.get(check).pass(),
            Some(false) => tallies.get(check).fail(|| {
                format!(
                    "packet {number}: request from {username:?} in realm {realm:?} does \
                        not verify with that user's long-term key"
                )
            }),
            None => tallies.get(check).fail(|| {
                format!(
                    "packet {number}: request from {username:?} in realm {realm:?} has no \
                        MESSAGE-INTEGRITY"
                )
            }),
        }
        Some(key)
    }

    /// At the end of the capture: requests still open were never answered.
    pub fn finish(&mut self) {
        self.summary.unanswered_requests += self.open.len() as u64;
        self.open.clear();
        self.order.clear();
    }
}
