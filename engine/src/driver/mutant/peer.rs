//! Live-call faults: each row is one way a real peer gets ICE, DTLS, SRTP or data channels
//! wrong. Most are a stage (`peer::faults`) the mutant wraps around the harness peer served
//! as a target, a few set one of webrtc-rs's own settings; the data channel ones are put
//! into aiortc's SCTP transport by its shim (`shims/python/aiortc_faults.py`), named in
//! `peer.start`: `mutant@aiortc:FAULT`. Adding a fault is a stage and a row here.

use rtcspec_live::peer::faults::dtls::{Fragile, Fragility, NoDtlsRetransmit};
use rtcspec_live::peer::faults::media::{
    MediaFromSecondPort, SrtcpBadTag, SrtcpIndexSkips, SrtpNoReplayList, SrtpRocStuck,
};
use rtcspec_live::peer::faults::record::RecordFault;
use rtcspec_live::peer::faults::signaling::SignalingFault;
use rtcspec_live::peer::faults::stun::StunStage;
use rtcspec_live::peer::fragment::Reassembly;
use rtcspec_live::peer::stage::Stage;
use rtcspec_live::peer::{PeerOptions, StunFault, StunFaults};

pub struct PeerFault {
    pub name: &'static str,
    pub description: &'static str,
    apply: Effect,
}

enum Effect {
    /// A stage wrapped around the harness peer served as the target.
    Stage(fn() -> Box<dyn Stage>),
    /// One of webrtc-rs's own settings of that peer.
    Configure(fn(&mut PeerOptions)),
    /// Asked of a shim's peer in `peer.start` (`"faults": [name]`).
    Shim,
}

impl PeerFault {
    /// Whether a shim puts this fault in (rather than the in-process harness peer).
    pub fn in_shim(&self) -> bool {
        matches!(self.apply, Effect::Shim)
    }
}

macro_rules! stage {
    ($stage:expr) => {
        Effect::Stage(|| Box::new($stage))
    };
}

macro_rules! stun {
    ($fault:ident) => {
        stage!(StunStage::new(StunFaults::default().with(StunFault::$fault)))
    };
}

macro_rules! shim {
    ($name:literal, $description:literal) => {
        PeerFault { name: $name, description: $description, apply: Effect::Shim }
    };
}

const FAULTS: &[PeerFault] = &[
    PeerFault {
        name: "peer-accepts-any-check",
        description: "in live calls, answers every Binding request with a signed success, unchecked",
        apply: stun!(AcceptAnyCheck),
    },
    PeerFault {
        name: "peer-skips-fingerprint-check",
        description: "in live calls, accepts a DTLS certificate that matches no SDP fingerprint",
        apply: Effect::Configure(|o| o.skip_fingerprint_check = true),
    },
    PeerFault {
        name: "peer-hash-name-case-sensitive",
        description: "in live calls, does not understand a fingerprint hash name in upper case",
        apply: stage!(SignalingFault::HashNameCaseSensitive),
    },
    PeerFault {
        name: "peer-first-fingerprint-only",
        description: "in live calls, keeps only the first of several SDP fingerprints",
        apply: stage!(SignalingFault::FirstFingerprintOnly),
    },
    PeerFault {
        name: "peer-no-stun-fingerprint",
        description: "in live calls, connectivity checks and their responses carry no FINGERPRINT",
        apply: stun!(NoFingerprint),
    },
    PeerFault {
        name: "peer-rejects-unknown-optional",
        description: "in live calls, answers 420 to a check with a comprehension-optional attribute it does not know",
        apply: stun!(RejectsUnknownOptional),
    },
    PeerFault {
        name: "peer-trusts-unsigned-responses",
        description:
            "in live calls, takes a success response to its check as authentic without verifying its MESSAGE-INTEGRITY",
        apply: stun!(TrustsUnsignedResponses),
    },
    PeerFault {
        name: "peer-sends-checks-twice",
        description: "in live calls, sends every Binding request twice with the same transaction id",
        apply: stun!(SendsChecksTwice),
    },
    PeerFault {
        name: "peer-new-tie-breaker-per-check",
        description: "in live calls, each connectivity check carries a tie-breaker of its own",
        apply: stun!(NewTieBreakerPerCheck),
    },
    PeerFault {
        name: "peer-response-wrong-transaction",
        description: "in live calls, its success responses carry a transaction id other than the request's",
        apply: stun!(ResponsesWithWrongTransaction),
    },
    PeerFault {
        name: "peer-trusts-any-transaction",
        description: "in live calls, takes a success response for another transaction as the answer to its last check",
        apply: stun!(TrustsAnyTransaction),
    },
    PeerFault {
        name: "peer-unsigned-responses",
        description: "in live calls, success responses to checks carry no MESSAGE-INTEGRITY",
        apply: stun!(UnsignedResponses),
    },
    PeerFault {
        name: "peer-checks-signed-with-own-password",
        description: "in live calls, checks are signed with its own ICE password, not the peer's",
        apply: stun!(ChecksSignedWithOwnPassword),
    },
    PeerFault {
        name: "peer-wrong-mapped-address",
        description: "in live calls, success responses map the check's source to the next port",
        apply: stun!(WrongMappedAddress),
    },
    PeerFault {
        name: "peer-reversed-username",
        description: "in live calls, checks carry USERNAME as LFRAG:RFRAG",
        apply: stun!(ReversedUsername),
    },
    PeerFault {
        name: "peer-no-priority",
        description: "in live calls, checks carry no PRIORITY",
        apply: stun!(NoPriority),
    },
    PeerFault {
        name: "peer-wrong-role-attribute",
        description: "in live calls, checks carry the other role's attribute",
        apply: stun!(WrongRoleAttribute),
    },
    PeerFault {
        name: "peer-never-nominates",
        description: "in live calls, the controlling agent's checks never carry USE-CANDIDATE",
        apply: stun!(NoUseCandidate),
    },
    PeerFault {
        name: "peer-controlled-nominates",
        description: "in live calls, the controlled agent's checks carry USE-CANDIDATE",
        apply: stun!(UseCandidateWhenControlled),
    },
    PeerFault {
        name: "peer-ignores-role-conflict",
        description: "in live calls, a check claiming its own role gets a success, whatever the tie-breakers",
        apply: stun!(IgnoresRoleConflict),
    },
    PeerFault {
        name: "peer-always-role-conflict",
        description: "in live calls, a check claiming its own role gets 487, whatever the tie-breakers",
        apply: stun!(AlwaysRoleConflict),
    },
    PeerFault {
        name: "peer-trusts-after-integrity",
        description: "in live calls, reads attributes that follow MESSAGE-INTEGRITY as signed: a role claim \
                there gets 487, an unknown required attribute 420",
        apply: stun!(TrustsAfterIntegrity),
    },
    PeerFault {
        name: "peer-setup-mislabelled",
        description: "in live calls, its descriptions announce the other DTLS role than the one it takes",
        apply: stage!(SignalingFault::SetupMislabelled),
    },
    PeerFault {
        name: "peer-ignores-answer-setup",
        description: "in live calls, reads the answer's a=setup as the opposite role",
        apply: stage!(SignalingFault::IgnoresAnswerSetup),
    },
    PeerFault {
        name: "peer-ignores-ice-lite",
        description: "in live calls, does not see a remote a=ice-lite",
        apply: stage!(SignalingFault::IgnoresRemoteLite),
    },
    PeerFault {
        name: "peer-srtcp-bad-tag",
        description: "in live calls, every SRTCP packet it sends has a wrong authentication tag",
        apply: stage!(SrtcpBadTag),
    },
    PeerFault {
        name: "peer-no-sctp-port",
        description: "in live calls, its descriptions carry no a=sctp-port",
        apply: stage!(SignalingFault::NoSctpPort),
    },
    PeerFault {
        name: "peer-no-dtls-retransmit",
        description: "in live calls, never retransmits a DTLS handshake flight",
        apply: stage!(NoDtlsRetransmit::default()),
    },
    PeerFault {
        name: "peer-srtp-roc-stuck",
        description: "in live calls, its SRTP rollover counter never advances: packets after a sequence number \
                wrap fail",
        apply: stage!(SrtpRocStuck::default()),
    },
    PeerFault {
        name: "peer-srtp-no-replay-list",
        description: "in live calls, keeps no SRTP replay list: a copy of an RTP packet it took in is taken in again",
        apply: stage!(SrtpNoReplayList),
    },
    PeerFault {
        name: "peer-srtp-window-16",
        description: "in live calls, its SRTP replay window is 16 packets, not at least 64: a packet 40 late is \
                dropped",
        apply: Effect::Configure(|o| o.srtp_replay_window = Some(16)),
    },
    PeerFault {
        name: "peer-media-from-second-port",
        description: "in live calls, sends its SRTP and SRTCP from a second port, not the bundle's",
        apply: stage!(MediaFromSecondPort::default()),
    },
    PeerFault {
        name: "peer-ignores-trickled-candidates",
        description: "in live calls, drops remote candidates given after the description (trickle ICE)",
        apply: stage!(SignalingFault::IgnoresTrickledCandidates),
    },
    PeerFault {
        name: "peer-dtls-gives-up-at-2s",
        description: "in live calls, gives the DTLS handshake up (closes) 2 s after its first DTLS datagram",
        apply: stage!(Fragile::new(Fragility::GivesUpAfter2s)),
    },
    PeerFault {
        name: "peer-dtls-repeat-fatal",
        description: "in live calls, closes on a DTLS handshake datagram that repeats one it received",
        apply: stage!(Fragile::new(Fragility::RepeatFatal)),
    },
    PeerFault {
        name: "peer-dtls-late-record-fatal",
        description: "in live calls, closes on a DTLS record older than one it received (reordered)",
        apply: stage!(Fragile::new(Fragility::LateRecordFatal)),
    },
    PeerFault {
        name: "peer-srtp-gcm-only",
        description: "in live calls, supports only the AEAD GCM SRTP profiles, not SRTP_AES128_CM_HMAC_SHA1_80",
        apply: Effect::Configure(|o| o.srtp_profiles = &[0x0007, 0x0008]),
    },
    PeerFault {
        name: "peer-no-aes128-gcm-suite",
        description: "in live calls, supports only TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, not the AES-128-GCM suite",
        apply: Effect::Configure(|o| o.dtls_cipher_suites = &[0xc00a]),
    },
    PeerFault {
        name: "peer-dtls-accepts-any-epoch",
        description: "in live calls, reads application data whatever epoch its record names (epoch 0 as plaintext)",
        apply: stage!(RecordFault::AcceptsAnyEpoch),
    },
    PeerFault {
        name: "peer-dtls-fragments-dropped",
        description: "in live calls, takes only whole DTLS handshake messages: a fragment is dropped",
        apply: stage!(RecordFault::Reassembles(Reassembly::WholeOnly)),
    },
    PeerFault {
        name: "peer-dtls-fragments-append-only",
        description: "in live calls, appends a DTLS handshake fragment only where the message so far ends: \
                overlapping fragments are dropped",
        apply: stage!(RecordFault::Reassembles(Reassembly::AppendOnly)),
    },
    PeerFault {
        name: "peer-dtls-renegotiates",
        description: "in live calls, answers a HelloRequest after the handshake with a new ClientHello (renegotiates)",
        apply: stage!(RecordFault::Renegotiates),
    },
    PeerFault {
        name: "peer-dtls-ignores-close-notify",
        description: "in live calls, drops DTLS alert records after the handshake: a close_notify is neither \
                answered nor acted on",
        apply: stage!(RecordFault::IgnoresAlerts),
    },
    PeerFault {
        name: "peer-dtls-reads-alerts-unauthenticated",
        description: "in live calls, reads a DTLS alert record that does not authenticate by its first two \
                bytes, as plaintext",
        apply: stage!(RecordFault::ReadsAlertsUnauthenticated),
    },
    PeerFault {
        name: "peer-sctp-skips-unknown-chunks",
        description: "in live calls, skips every SCTP chunk of a type it does not know, also those whose high \
                bits (00, 01) stop the packet",
        apply: stage!(RecordFault::SkipsUnknownChunks),
    },
    PeerFault {
        name: "peer-dcep-clamps-label",
        description: "in live calls, reads a DATA_CHANNEL_OPEN whose Label Length runs past the message with \
                the label cut at its end, and acknowledges it",
        apply: stage!(RecordFault::ClampsOpenLabel),
    },
    PeerFault {
        name: "peer-dcep-label-length-in-characters",
        description: "in live calls, gives the label's length in its DATA_CHANNEL_OPEN in characters, not bytes \
                of UTF-8",
        apply: stage!(RecordFault::LabelLengthInCharacters),
    },
    PeerFault {
        name: "peer-sctp-sends-no-init",
        description: "in live calls, never sends an SCTP INIT: it waits for the remote's",
        apply: stage!(RecordFault::SendsNoInit),
    },
    PeerFault {
        name: "peer-dtls-short-tag-check",
        description: "in live calls, compares only the first 15 bytes of a DTLS record's AES-GCM tag",
        apply: stage!(RecordFault::ChecksTagShort),
    },
    PeerFault {
        name: "peer-srtp-short-tag-check",
        description: "in live calls, compares an SRTP or SRTCP packet's authentication tag without its last byte",
        apply: stage!(RecordFault::SrtpChecksTagShort),
    },
    PeerFault {
        name: "peer-srtp-accepts-plain-rtp",
        description: "in live calls, takes an RTP packet that does not authenticate as plain RTP",
        apply: stage!(RecordFault::SrtpAcceptsPlain),
    },
    PeerFault {
        name: "peer-srtcp-accepts-plain-rtcp",
        description: "in live calls, takes an RTCP packet that does not authenticate as plain RTCP",
        apply: stage!(RecordFault::SrtcpAcceptsPlain),
    },
    PeerFault {
        name: "peer-srtp-accepts-reflected",
        description: "in live calls, takes SRTP and SRTCP protected with its own sending keys (reflected)",
        apply: stage!(RecordFault::SrtpAcceptsReflected),
    },
    PeerFault {
        name: "peer-dtls-accepts-reflected",
        description: "in live calls, takes a DTLS record protected with its own write key (reflected)",
        apply: stage!(RecordFault::AcceptsReflected),
    },
    PeerFault {
        name: "peer-srtcp-index-skips",
        description: "in live calls, its SRTCP index goes up by two from one packet to the next",
        apply: stage!(SrtcpIndexSkips::default()),
    },
    shim!(
        "sctp-dcep-wrong-ppid",
        "in live calls, sends DATA_CHANNEL_OPEN and ACK with PPID 51 (WebRTC String), not 50"
    ),
    shim!("sctp-dcep-unordered", "in live calls, sends DATA_CHANNEL_OPEN and ACK unordered"),
    shim!("sctp-no-dcep-ack", "in live calls, never answers DATA_CHANNEL_OPEN with DATA_CHANNEL_ACK"),
    shim!("sctp-wrong-stream-parity", "in live calls, opens channels on streams of the other DTLS role's parity"),
    shim!("sctp-open-reliable-type", "in live calls, DATA_CHANNEL_OPEN always says reliable and ordered"),
    shim!("sctp-string-as-binary", "in live calls, sends strings with the Binary PPIDs (53, 57)"),
    shim!("sctp-binary-as-string", "in live calls, sends binary messages with the String PPIDs (51, 56)"),
    shim!("sctp-empty-as-non-empty", "in live calls, sends empty messages with the non-empty PPIDs (51, 53)"),
    shim!("sctp-unordered-as-ordered", "in live calls, sends the messages of unordered channels ordered"),
    shim!("sctp-ordered-as-unordered", "in live calls, sends the messages of ordered channels unordered"),
    shim!(
        "sctp-eight-streams",
        "in live calls, uses no stream above 7: drops every DATA chunk it would send or receives \
                there, as a stack with a table of 8 streams would"
    ),
    shim!("sctp-close-without-reset", "in live calls, closes a channel without resetting its outgoing stream"),
    shim!("srtp-drops-inbound", "in live calls, drops every SRTP packet it receives, as if no key decrypted it"),
    shim!("sctp-empty-received-as-zero-byte", "in live calls, delivers a received empty message as its one zero byte"),
    shim!(
        "sctp-user-data-on-next-stream",
        "in live calls, sends a channel's user messages on the stream after its own"
    ),
    shim!("sctp-init-no-extensions", "in live calls, its INIT signals neither RE-CONFIG nor partial reliability"),
    shim!("sctp-empty-spends-ssn", "in live calls, sends nothing for an empty message but spends its SSN"),
    shim!("sctp-ssn-starts-at-one", "in live calls, numbers the first ordered message of each stream 1, not 0"),
    shim!(
        "sctp-ignores-max-message-size",
        "in live calls, sends messages of any size, whatever a=max-message-size says"
    ),
    shim!("sctp-skips-crc32c", "in live calls, takes in SCTP packets whatever their CRC32c"),
    shim!(
        "dtls-offers-1.3-ignores-sentinel",
        "in live calls, offers DTLS 1.3 in its ClientHello and completes a DTLS 1.2 handshake \
                whose ServerHello.random carries the downgrade sentinel (werift's shim)"
    ),
    shim!("sctp-ignores-verification-tag", "in live calls, takes in SCTP packets whatever their Verification Tag"),
];

pub fn all() -> impl Iterator<Item = &'static PeerFault> {
    FAULTS.iter()
}

fn named<'a>(names: &'a [&str]) -> impl Iterator<Item = &'static PeerFault> + 'a {
    names.iter().filter_map(|name| all().find(|f| f.name == *name))
}

/// The harness peer's settings with these faults (the shim faults are not its).
pub fn options(names: &[&str]) -> PeerOptions {
    let mut options = PeerOptions::default();
    for fault in named(names) {
        if let Effect::Configure(configure) = fault.apply {
            configure(&mut options);
        }
    }
    options
}

/// Fresh stages for these faults, in order (the first next to the stack).
pub fn stages(names: &[&str]) -> Vec<Box<dyn Stage>> {
    named(names)
        .filter_map(|f| match f.apply {
            Effect::Stage(make) => Some(make()),
            _ => None,
        })
        .collect()
}

/// Whether the fault of this name is put in by a shim.
pub fn in_shim(name: &str) -> bool {
    all().any(|f| f.name == name && f.in_shim())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_unique_and_each_changes_the_options_or_adds_a_stage() {
        let names: std::collections::BTreeSet<_> = super::all().map(|f| f.name).collect();
        assert_eq!(names.len(), super::FAULTS.len());
        for f in super::all().filter(|f| !f.in_shim()) {
            let configures = super::options(&[f.name]) != super::PeerOptions::default();
            assert!(configures != (super::stages(&[f.name]).len() == 1), "{}", f.name);
        }
    }
}
