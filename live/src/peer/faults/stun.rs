//! Defects in how the harness peer's ICE agent speaks STUN, for the `mutant` target: the
//! live ICE cases are shown to fail against the reference with one of these. Each is a
//! small rewrite of a check or response the agent sends (re-signed, so only the defect
//! differs), or an answer the faulty peer gives in the agent's place.

use std::net::SocketAddr;

use crate::peer::sdp_attribute;
use crate::peer::stage::{Effect, Stage, Wire};
use rtcspec_wire::demux::{classify, Protocol};
use rtcspec_wire::stun::*;

/// One defect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StunFault {
    /// Every Binding request gets a signed success, whatever its USERNAME, integrity,
    /// FINGERPRINT or attributes (the request still reaches the agent).
    AcceptAnyCheck,
    /// Checks and responses go out without FINGERPRINT.
    NoFingerprint,
    /// Success responses go out without MESSAGE-INTEGRITY.
    UnsignedResponses,
    /// Checks are signed with the agent's own password instead of the peer's.
    ChecksSignedWithOwnPassword,
    /// Success responses map the request's source to the next port.
    WrongMappedAddress,
    /// Checks carry the USERNAME halves in the wrong order (`LFRAG:RFRAG`).
    ReversedUsername,
    /// Checks go out without PRIORITY.
    NoPriority,
    /// Checks carry the other role's attribute (ICE-CONTROLLED for ICE-CONTROLLING).
    WrongRoleAttribute,
    /// The controlling agent's checks never carry USE-CANDIDATE.
    NoUseCandidate,
    /// The controlled agent's checks carry USE-CANDIDATE.
    UseCandidateWhenControlled,
    /// A check claiming the peer's own role is answered with success, whatever the
    /// tie-breakers (no 487, no role switch).
    IgnoresRoleConflict,
    /// A check claiming the peer's own role is answered with 487, whatever the tie-breakers.
    AlwaysRoleConflict,
    /// Attributes after MESSAGE-INTEGRITY are read as if signed: a conflicting role attribute
    /// gets 487, an unknown comprehension-required one 420.
    TrustsAfterIntegrity,
    /// A check with a comprehension-optional attribute it does not know gets 420.
    RejectsUnknownOptional,
    /// Success responses are signed with the peer's password, not the agent's own.
    ResponsesSignedWithPeerPassword,
    /// A success response to its own check that is unsigned or signed wrongly is taken as
    /// authentic (re-signed before the agent sees it).
    TrustsUnsignedResponses,
    /// Every Binding request goes out twice, the same transaction both times.
    SendsChecksTwice,
    /// Each check's role attribute carries a tie-breaker of its own (the transaction ID's
    /// first 8 bytes), not the session's one number.
    NewTieBreakerPerCheck,
    /// A hostile peer's: every check carrying ICE-CONTROLLING is answered with a signed 487,
    /// as if the peer held the controlling role with the larger tie-breaker.
    ConflictsWithControlling,
    /// Success responses carry a transaction ID one bit off the request's (re-signed).
    ResponsesWithWrongTransaction,
    /// A success response whose transaction ID is not its last check's is taken as the answer
    /// to that check (given its ID and re-signed before the agent sees it).
    TrustsAnyTransaction,
}

/// The comprehension-required attributes a connectivity check may carry (RFC 8489 §18.3,
/// RFC 8445 §16.1).
const KNOWN_REQUIRED: [u16; 5] = [USERNAME, MESSAGE_INTEGRITY, MESSAGE_INTEGRITY_SHA256, PRIORITY, USE_CANDIDATE];

/// The comprehension-optional attributes a connectivity check may carry that the faulty
/// peer knows (RFC 8489 §18.3, RFC 8445 §16.1, and Chrome's GOOG-NETWORK-INFO).
const KNOWN_OPTIONAL: [u16; 5] = [SOFTWARE, FINGERPRINT, ICE_CONTROLLED, ICE_CONTROLLING, 0xC057];

impl StunFault {
    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A set of [`StunFault`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StunFaults(u32);

impl StunFaults {
    pub fn with(self, fault: StunFault) -> StunFaults {
        StunFaults(self.0 | fault.bit())
    }

    pub fn has(self, fault: StunFault) -> bool {
        self.0 & fault.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many times the faulty peer sends `bytes` (a datagram its agent sends once).
    pub fn copies(self, bytes: &[u8]) -> usize {
        let request = Message::parse(bytes).is_ok_and(|m| m.class == Class::Request && m.method == METHOD_BINDING);
        if request && self.has(StunFault::SendsChecksTwice) {
            2
        } else {
            1
        }
    }
}

/// What a faulty peer does with an incoming datagram.
pub struct Incoming {
    /// A datagram it sends back itself.
    pub reply: Option<Vec<u8>>,
    /// Whether the agent still gets the datagram.
    pub to_agent: bool,
    /// What the agent gets instead of the datagram.
    pub instead: Option<Vec<u8>>,
}

/// The credentials and role the faults need, as the peer knows them.
pub struct Credentials<'a> {
    pub local_pwd: &'a str,
    pub remote_pwd: &'a str,
    /// The role attribute of the agent's own last check (ICE-CONTROLLING or ICE-CONTROLLED).
    pub role: Option<u16>,
    /// The transaction ID of the agent's own last check.
    pub last_check: Option<[u8; 12]>,
}

impl StunFaults {
    /// The faulty handling of an incoming datagram (`None`: handled as usual).
    pub fn incoming(self, bytes: &[u8], from: SocketAddr, creds: &Credentials<'_>) -> Option<Incoming> {
        let request = Message::parse(bytes).ok()?;
        if request.class == Class::Success && self.has(StunFault::TrustsUnsignedResponses) {
            return trusted_response(&request, bytes, creds);
        }
        if request.class == Class::Success && self.has(StunFault::TrustsAnyTransaction) {
            let last = creds.last_check?;
            if last == request.transaction_id {
                return None;
            }
            let moved = with_transaction(&request, last).message_integrity(creds.remote_pwd.as_bytes()).fingerprint();
            return Some(Incoming { reply: None, to_agent: true, instead: Some(moved.build()) });
        }
        if request.class != Class::Request || request.method != METHOD_BINDING {
            return None;
        }
        let success = || {
            Builder::new(Class::Success, METHOD_BINDING, request.transaction_id)
                .xor_mapped_address(from)
                .message_integrity(creds.local_pwd.as_bytes())
                .fingerprint()
                .build()
        };
        let conflict = || {
            Builder::new(Class::Error, METHOD_BINDING, request.transaction_id)
                .error_code(487, "Role Conflict")
                .message_integrity(creds.local_pwd.as_bytes())
                .fingerprint()
                .build()
        };
        if self.has(StunFault::AcceptAnyCheck) {
            return Some(Incoming { reply: Some(success()), to_agent: true, instead: None });
        }
        if self.has(StunFault::ConflictsWithControlling) && request.has(ICE_CONTROLLING) {
            return Some(Incoming { reply: Some(conflict()), to_agent: false, instead: None });
        }
        let unknown: Vec<u16> = request
            .attributes
            .iter()
            .map(|a| a.attr_type)
            .filter(|t| *t >= 0x8000 && !KNOWN_OPTIONAL.contains(t))
            .collect();
        // A signed 420 listing `types`, the agent never seeing the request.
        let unknown_attribute = |types: &[u16]| {
            let value: Vec<u8> = types.iter().flat_map(|t| t.to_be_bytes()).collect();
            let reply = Builder::new(Class::Error, METHOD_BINDING, request.transaction_id)
                .error_code(420, "Unknown Attribute")
                .attr(UNKNOWN_ATTRIBUTES, &value)
                .message_integrity(creds.local_pwd.as_bytes())
                .fingerprint()
                .build();
            Some(Incoming { reply: Some(reply), to_agent: false, instead: None })
        };
        if self.has(StunFault::RejectsUnknownOptional) && !unknown.is_empty() {
            return unknown_attribute(&unknown);
        }
        let after_integrity = request.attributes.iter().skip_while(|a| a.attr_type != MESSAGE_INTEGRITY).skip(1);
        let unknown_after: Vec<u16> =
            after_integrity.map(|a| a.attr_type).filter(|t| *t < 0x8000 && !KNOWN_REQUIRED.contains(t)).collect();
        if self.has(StunFault::TrustsAfterIntegrity) && !unknown_after.is_empty() {
            return unknown_attribute(&unknown_after);
        }
        let own_role = creds.role?;
        let claims_own_role = request.attributes.iter().position(|a| a.attr_type == own_role);
        let integrity_at = request.attributes.iter().position(|a| a.attr_type == MESSAGE_INTEGRITY);
        match (claims_own_role, integrity_at) {
            (Some(r), Some(i)) if r > i && self.has(StunFault::TrustsAfterIntegrity) => {
                Some(Incoming { reply: Some(conflict()), to_agent: false, instead: None })
            }
            (Some(r), Some(i)) if r < i && self.has(StunFault::IgnoresRoleConflict) => {
                Some(Incoming { reply: Some(success()), to_agent: false, instead: None })
            }
            (Some(r), Some(i)) if r < i && self.has(StunFault::AlwaysRoleConflict) => {
                Some(Incoming { reply: Some(conflict()), to_agent: false, instead: None })
            }
            _ => None,
        }
    }

    /// The datagram as the faulty peer sends it (`None`: unchanged). `role` learns the
    /// agent's role from its checks.
    pub fn outgoing(self, bytes: &[u8], creds: &Credentials<'_>, role: &mut Option<u16>) -> Option<Vec<u8>> {
        let m = Message::parse(bytes).ok()?;
        if m.method != METHOD_BINDING {
            return None;
        }
        let mut attrs: Vec<(u16, Vec<u8>)> = m
            .attributes
            .iter()
            .take_while(|a| a.attr_type != MESSAGE_INTEGRITY && a.attr_type != MESSAGE_INTEGRITY_SHA256)
            .map(|a| (a.attr_type, a.value.clone()))
            .collect();
        let signed = m.has(MESSAGE_INTEGRITY);
        let mut fingerprint = m.has(FINGERPRINT);
        let mut sign = signed;
        let key = match m.class {
            Class::Request => {
                if let Some((t, _)) = attrs.iter().find(|(t, _)| *t == ICE_CONTROLLING || *t == ICE_CONTROLLED) {
                    *role = Some(*t);
                }
                self.rewrite_check(&mut attrs, &m.transaction_id);
                if self.has(StunFault::ChecksSignedWithOwnPassword) {
                    creds.local_pwd
                } else {
                    creds.remote_pwd
                }
            }
            Class::Success => {
                if self.has(StunFault::UnsignedResponses) {
                    sign = false;
                }
                let key = if self.has(StunFault::ResponsesSignedWithPeerPassword) {
                    creds.remote_pwd
                } else {
                    creds.local_pwd
                };
                if self.has(StunFault::WrongMappedAddress) {
                    if let Some(Ok(mapped)) = m.xor_mapped_address() {
                        let moved = SocketAddr::new(mapped.ip(), mapped.port().wrapping_add(1));
                        let value = Builder::new(Class::Success, METHOD_BINDING, m.transaction_id)
                            .xor_mapped_address(moved)
                            .build()[HEADER_LEN + 4..]
                            .to_vec();
                        attrs
                            .iter_mut()
                            .filter(|(t, _)| *t == XOR_MAPPED_ADDRESS)
                            .for_each(|(_, v)| *v = value.clone());
                    }
                }
                key
            }
            _ => creds.local_pwd,
        };
        if self.has(StunFault::NoFingerprint) {
            fingerprint = false;
        }
        let mut b = Builder::with_raw_type(m.raw_type, m.transaction_id);
        for (t, v) in &attrs {
            b = b.attr(*t, v);
        }
        if m.class == Class::Success && self.has(StunFault::ResponsesWithWrongTransaction) {
            let mut other = m.transaction_id;
            other[11] ^= 0x01;
            let unsigned = Message::parse(&b.build()).ok()?;
            b = with_transaction(&unsigned, other);
        }
        if sign {
            b = b.message_integrity(key.as_bytes());
        }
        if fingerprint {
            b = b.fingerprint();
        }
        let rewritten = b.build();
        (rewritten != bytes).then_some(rewritten)
    }

    fn rewrite_check(self, attrs: &mut Vec<(u16, Vec<u8>)>, transaction_id: &[u8; 12]) {
        if self.has(StunFault::NewTieBreakerPerCheck) {
            for (_, v) in attrs.iter_mut().filter(|(t, _)| *t == ICE_CONTROLLING || *t == ICE_CONTROLLED) {
                *v = transaction_id[..8].to_vec();
            }
        }
        if self.has(StunFault::ReversedUsername) {
            for (_, v) in attrs.iter_mut().filter(|(t, _)| *t == USERNAME) {
                let text = String::from_utf8_lossy(v).into_owned();
                if let Some((remote, local)) = text.split_once(':') {
                    *v = format!("{local}:{remote}").into_bytes();
                }
            }
        }
        if self.has(StunFault::NoPriority) {
            attrs.retain(|(t, _)| *t != PRIORITY);
        }
        let controlling = attrs.iter().any(|(t, _)| *t == ICE_CONTROLLING);
        if self.has(StunFault::NoUseCandidate) {
            attrs.retain(|(t, _)| *t != USE_CANDIDATE);
        }
        if self.has(StunFault::UseCandidateWhenControlled)
            && !controlling
            && !attrs.iter().any(|(t, _)| *t == USE_CANDIDATE)
        {
            attrs.push((USE_CANDIDATE, Vec::new()));
        }
        if self.has(StunFault::WrongRoleAttribute) {
            for (t, _) in attrs.iter_mut() {
                *t = match *t {
                    ICE_CONTROLLING => ICE_CONTROLLED,
                    ICE_CONTROLLED => ICE_CONTROLLING,
                    other => other,
                };
            }
        }
    }
}

/// `m`'s attributes up to MESSAGE-INTEGRITY (FINGERPRINT dropped) under the transaction ID
/// `id`, XOR-MAPPED-ADDRESS encoded again for it: the same message for another transaction,
/// to be signed.
fn with_transaction(m: &Message, id: [u8; 12]) -> Builder {
    let mut b = Builder::with_raw_type(m.raw_type, id);
    for a in m
        .attributes
        .iter()
        .take_while(|a| a.attr_type != MESSAGE_INTEGRITY && a.attr_type != MESSAGE_INTEGRITY_SHA256)
        .filter(|a| a.attr_type != FINGERPRINT)
    {
        b = match (a.attr_type, m.xor_mapped_address()) {
            (XOR_MAPPED_ADDRESS, Some(Ok(mapped))) => b.xor_mapped_address(mapped),
            _ => b.attr(a.attr_type, &a.value),
        };
    }
    b
}

/// A success response to the agent's own check as the faulty peer takes it: one that does
/// not authenticate with the peer's password (the responder's) is signed with it anew.
fn trusted_response(response: &Message, bytes: &[u8], creds: &Credentials<'_>) -> Option<Incoming> {
    if response.verify_integrity(MESSAGE_INTEGRITY, creds.remote_pwd.as_bytes()) == Some(true) {
        return None;
    }
    let resigned = with_transaction(response, response.transaction_id)
        .message_integrity(creds.remote_pwd.as_bytes())
        .fingerprint()
        .build();
    (resigned != bytes).then_some(Incoming { reply: None, to_agent: true, instead: Some(resigned) })
}

/// The STUN defects as a stage: what the agent sends is rewritten (and checks perhaps sent
/// twice), what comes in may be answered in the agent's place. A case that makes the harness
/// a hostile peer chooses it through `PeerOptions::stun_faults`; the mutant wraps it around
/// the reference as a target.
pub struct StunStage {
    faults: StunFaults,
    /// The role attribute of the agent's own last check.
    own_role: Option<u16>,
    /// The transaction ID of the agent's last check, as it went out.
    last_check: Option<[u8; 12]>,
}

impl StunStage {
    pub fn new(faults: StunFaults) -> StunStage {
        StunStage { faults, own_role: None, last_check: None }
    }

    /// The ICE passwords of both descriptions, then `f` with them and the agent's role.
    fn with_credentials<T>(&self, wire: &Wire<'_>, f: impl FnOnce(&Credentials<'_>) -> T) -> T {
        let (local, remote) = wire.descriptions();
        f(&Credentials {
            local_pwd: sdp_attribute(&local, "ice-pwd").unwrap_or_default(),
            remote_pwd: sdp_attribute(&remote, "ice-pwd").unwrap_or_default(),
            role: self.own_role,
            last_check: self.last_check,
        })
    }
}

impl Stage for StunStage {
    fn outbound(&mut self, wire: &mut Wire<'_>, mut datagram: Vec<u8>) -> Vec<Vec<u8>> {
        if classify(&datagram) == Protocol::Stun {
            if let Ok(m) = Message::parse(&datagram) {
                if m.class == Class::Request {
                    self.last_check = Some(m.transaction_id);
                }
            }
            let mut role = self.own_role;
            let faults = self.faults;
            if let Some(rewritten) = self.with_credentials(wire, |c| faults.outgoing(&datagram, c, &mut role)) {
                datagram = rewritten;
            }
            self.own_role = role;
        }
        vec![datagram.clone(); self.faults.copies(&datagram)]
    }

    fn inbound(&mut self, wire: &mut Wire<'_>, datagram: Vec<u8>) -> Option<Vec<u8>> {
        if classify(&datagram) != Protocol::Stun {
            return Some(datagram);
        }
        let faults = self.faults;
        let handled = self.with_credentials(wire, |c| faults.incoming(&datagram, wire.remote, c));
        let Some(Incoming { reply, to_agent, instead }) = handled else { return Some(datagram) };
        if let Some(bytes) = reply {
            let to = wire.remote;
            wire.effect(Effect::Send { to, bytes });
        }
        to_agent.then(|| instead.unwrap_or(datagram))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREDS: Credentials<'static> = Credentials {
        local_pwd: "local-password-of-22ch",
        remote_pwd: "remote-password-of-22c",
        role: None,
        last_check: None,
    };

    fn check(use_candidate: bool) -> Vec<u8> {
        let mut b = Builder::new(Class::Request, METHOD_BINDING, [7; 12])
            .text(USERNAME, "rfrag:lfrag")
            .priority(1)
            .ice_controlling(5);
        if use_candidate {
            b = b.attr(USE_CANDIDATE, &[]);
        }
        b.message_integrity(CREDS.remote_pwd.as_bytes()).fingerprint().build()
    }

    #[test]
    fn a_rewritten_check_is_re_signed_and_keeps_the_rest() {
        let faults = StunFaults::default().with(StunFault::ReversedUsername).with(StunFault::NoUseCandidate);
        let mut role = None;
        let out = faults.outgoing(&check(true), &CREDS, &mut role).expect("rewritten");
        let m = Message::parse(&out).unwrap();
        assert_eq!(m.text(USERNAME).as_deref(), Some("lfrag:rfrag"));
        assert!(!m.has(USE_CANDIDATE));
        assert!(m.has(PRIORITY));
        assert_eq!(m.verify_integrity(MESSAGE_INTEGRITY, CREDS.remote_pwd.as_bytes()), Some(true));
        assert_eq!(m.verify_fingerprint(), Some(true));
        assert_eq!(role, Some(ICE_CONTROLLING));
    }

    #[test]
    fn no_fault_leaves_the_bytes_alone() {
        let mut role = None;
        assert_eq!(StunFaults::default().outgoing(&check(false), &CREDS, &mut role), None);
        let no_fp = StunFaults::default().with(StunFault::NoFingerprint).outgoing(&check(false), &CREDS, &mut role);
        assert!(!Message::parse(&no_fp.unwrap()).unwrap().has(FINGERPRINT));
    }

    #[test]
    fn an_unsigned_response_is_re_signed_only_by_the_trusting_fault() {
        let from: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let unsigned =
            Builder::new(Class::Success, METHOD_BINDING, [3; 12]).xor_mapped_address(from).fingerprint().build();
        let trusting = StunFaults::default().with(StunFault::TrustsUnsignedResponses);
        let taken = trusting.incoming(&unsigned, from, &CREDS).and_then(|i| i.instead).expect("re-signed");
        let m = Message::parse(&taken).unwrap();
        assert_eq!(m.verify_integrity(MESSAGE_INTEGRITY, CREDS.remote_pwd.as_bytes()), Some(true));
        assert_eq!(m.verify_fingerprint(), Some(true));
        assert!(StunFaults::default().incoming(&unsigned, from, &CREDS).is_none());
        // An authentic response is left alone.
        let signed = Builder::new(Class::Success, METHOD_BINDING, [3; 12])
            .xor_mapped_address(from)
            .message_integrity(CREDS.remote_pwd.as_bytes())
            .fingerprint()
            .build();
        assert!(trusting.incoming(&signed, from, &CREDS).is_none());
    }

    #[test]
    fn only_binding_requests_go_out_twice() {
        let twice = StunFaults::default().with(StunFault::SendsChecksTwice);
        assert_eq!(twice.copies(&check(false)), 2);
        let from: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let response = Builder::new(Class::Success, METHOD_BINDING, [3; 12]).xor_mapped_address(from).build();
        assert_eq!(twice.copies(&response), 1);
        assert_eq!(StunFaults::default().copies(&check(false)), 1);
    }

    #[test]
    fn a_role_claimed_after_integrity_is_trusted_only_by_that_fault() {
        let request = Builder::new(Class::Request, METHOD_BINDING, [9; 12])
            .text(USERNAME, "lfrag:rfrag")
            .message_integrity(CREDS.local_pwd.as_bytes())
            .ice_controlling(0)
            .build();
        let creds = Credentials { role: Some(ICE_CONTROLLING), ..CREDS };
        let from: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let fault = StunFaults::default().with(StunFault::TrustsAfterIntegrity);
        let reply = fault.incoming(&request, from, &creds).and_then(|i| i.reply).unwrap();
        assert_eq!(Message::parse(&reply).unwrap().error_code().map(|e| e.0), Some(487));
        assert!(StunFaults::default().with(StunFault::IgnoresRoleConflict).incoming(&request, from, &creds).is_none());
    }
}
