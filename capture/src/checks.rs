//! The requirements a capture is checked against, and how often each was met or broken.
//!
//! Each check is judged per flow and only counted for flows that carry WebRTC traffic (a
//! valid STUN message or DTLS record was seen on them): a DNS query whose first byte happens
//! to fall in the STUN range is not a STUN finding.

use rtcspec_engine::case::Level;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckId {
    StunWellFormed,
    StunFingerprint,
    StunIntegrity,
    DtlsRecordWellFormed,
    DtlsSeparateDatagrams,
    DtlsHelloVerifySequence,
    DtlsRecordUnique,
    DtlsUseSrtpOffered,
    DtlsUseSrtpMki,
    DtlsCertificateFingerprint,
    TurnChannelData,
    TurnLongTermIntegrity,
    SrtpAuthenticated,
    SctpChecksum,
    DcepAcknowledged,
}

pub struct CheckSpec {
    pub id: &'static str,
    pub title: &'static str,
    pub doc: &'static str,
    pub section: &'static str,
    pub level: Level,
    pub requirement: &'static str,
}

impl CheckId {
    pub const ALL: [CheckId; 15] = [
        CheckId::StunWellFormed,
        CheckId::StunFingerprint,
        CheckId::StunIntegrity,
        CheckId::DtlsRecordWellFormed,
        CheckId::DtlsSeparateDatagrams,
        CheckId::DtlsHelloVerifySequence,
        CheckId::DtlsRecordUnique,
        CheckId::DtlsUseSrtpOffered,
        CheckId::DtlsUseSrtpMki,
        CheckId::DtlsCertificateFingerprint,
        CheckId::TurnChannelData,
        CheckId::TurnLongTermIntegrity,
        CheckId::SrtpAuthenticated,
        CheckId::SctpChecksum,
        CheckId::DcepAcknowledged,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn spec(self) -> CheckSpec {
        use Level::Must;
        let spec =
            |id, title, doc, section, level, requirement| CheckSpec { id, title, doc, section, level, requirement };
        match self {
            CheckId::StunWellFormed => spec(
                "replay.stun.8489.5.well-formed",
                "Datagrams in the STUN range are well-formed STUN messages",
                "RFC 8489",
                "5",
                Must,
                "The most significant 2 bits of every STUN message MUST be zeroes. The magic cookie field \
                        MUST contain the fixed value 0x2112A442 in network byte order.",
            ),
            CheckId::StunFingerprint => spec(
                "replay.stun.8489.14.7.fingerprint-valid",
                "Every FINGERPRINT is the CRC-32 of the message XOR 0x5354554e",
                "RFC 8489",
                "14.7",
                Must,
                "The value of the attribute is computed as the CRC-32 of the STUN message up to (but \
                        excluding) the FINGERPRINT attribute itself, XOR'ed with the 32-bit value 0x5354554e.",
            ),
            CheckId::StunIntegrity => spec(
                "replay.ice.8445.7.3.integrity-valid",
                "Connectivity checks carry MESSAGE-INTEGRITY keyed with the ICE password from the SDP",
                "RFC 8445",
                "7.3",
                Must,
                "The agent MUST use the short-term credential mechanism (i.e., the MESSAGE-INTEGRITY \
                        attribute) to authenticate the request and perform a message integrity check. Likewise, \
                        the short-term credential mechanism MUST be used for the response.",
            ),
            CheckId::DtlsRecordWellFormed => spec(
                "replay.dtls.6347.4.1.1.record-well-formed",
                "Datagrams in the DTLS range hold whole DTLS records",
                "RFC 6347",
                "4.1.1",
                Must,
                "Multiple DTLS records may be placed in a single datagram. They are simply encoded \
                        consecutively. The DTLS record framing is sufficient to determine the boundaries. Note, \
                        however, that the first byte of the datagram payload must be the beginning of a record. \
                        Records may not span datagrams.",
            ),
            CheckId::DtlsSeparateDatagrams => spec(
                "replay.dtls.5764.4.1.separate-datagrams",
                "DTLS records are not followed by other data in the same datagram",
                "RFC 5764",
                "4.1",
                Must,
                "Data other than RTP/RTCP (i.e., TLS control messages) MUST use ordinary DTLS framing and \
                        MUST be placed in separate datagrams from SRTP data.",
            ),
            CheckId::DtlsHelloVerifySequence => spec(
                "replay.dtls.6347.4.2.1.hello-verify-sequence",
                "A HelloVerifyRequest reuses the ClientHello's record sequence number",
                "RFC 6347",
                "4.2.1",
                Must,
                "In order to avoid sequence number duplication in case of multiple HelloVerifyRequests, \
                        the server MUST use the record sequence number in the ClientHello as the record sequence \
                        number in the HelloVerifyRequest.",
            ),
            CheckId::DtlsRecordUnique => spec(
                "replay.dtls.6347.4.1.epoch-sequence-unique",
                "No two different records from one sender share an epoch and sequence number",
                "RFC 6347",
                "4.1",
                Must,
                "In order to ensure that any given sequence/epoch pair is unique, implementations MUST NOT \
                        allow the same epoch value to be reused within two times the TCP maximum segment lifetime.",
            ),
            CheckId::DtlsUseSrtpOffered => spec(
                "replay.dtls.5764.4.1.1.use-srtp-offered",
                "The server selects one SRTP protection profile the client offered",
                "RFC 5764",
                "4.1.1",
                Must,
                "The extension_data field MUST contain a UseSRTPData value with a single \
                        SRTPProtectionProfile value that the server has chosen for use with this connection. The \
                        server MUST NOT select a value that the client has not offered.",
            ),
            CheckId::DtlsUseSrtpMki => spec(
                "replay.dtls.5764.4.1.3.use-srtp-mki",
                "The server echoes the client's MKI or sends an empty one",
                "RFC 5764",
                "4.1.3",
                Must,
                "Upon receipt of a \"use_srtp\" extension containing a \"srtp_mki\" field, the server MUST \
                        either (assuming it accepts the extension at all): 1. include a matching \"srtp_mki\" \
                        value in its \"use_srtp\" extension to indicate that it will make use of the MKI, or 2. \
                        return an empty \"srtp_mki\" value to indicate that it cannot make use of the MKI.",
            ),
            CheckId::DtlsCertificateFingerprint => spec(
                "replay.dtls.8122.5.1.certificate-matches-fingerprint",
                "A DTLS connection is only established with a certificate matching the SDP fingerprint",
                "RFC 8122",
                "5.1",
                Must,
                "An endpoint MUST select the set of fingerprints that use its most preferred hash function \
                        (out of those offered by the peer) and verify that each certificate used matches one \
                        fingerprint out of that set. If a certificate does not match any such fingerprint, the \
                        endpoint MUST NOT establish the TLS connection.",
            ),
            CheckId::TurnChannelData => spec(
                "replay.turn.8656.12.4.channel-data-well-formed",
                "ChannelData messages use a channel number in range and a length within the datagram",
                "RFC 8656",
                "12.4",
                Must,
                "The Channel Number field specifies the number of the channel on which the data is \
                        traveling, and thus, the address of the peer that is sending or is to receive the data. \
                        The Length field specifies the length in bytes of the application data field (i.e., it \
                        does not include the size of the ChannelData header).",
            ),
            CheckId::TurnLongTermIntegrity => spec(
                "replay.turn.8489.9.2.3.2.long-term-integrity-valid",
                "Authenticated TURN requests carry USERNAME, REALM, NONCE and a MESSAGE-INTEGRITY keyed \
                        with the long-term password, and so do their responses",
                "RFC 8489",
                "9.2.3.2",
                Must,
                "When the client sends a subsequent request, it MUST include either the USERNAME or \
                        USERHASH, REALM, NONCE, and PASSWORD-ALGORITHM attributes with these cached values. It \
                        MUST include a MESSAGE-INTEGRITY attribute or a MESSAGE-INTEGRITY-SHA256 attribute, \
                        computed as described in Sections 14.5 and 14.6 using the cached password.",
            ),
            CheckId::SrtpAuthenticated => spec(
                "replay.srtp.5764.4.2.packets-authenticate",
                "SRTP and SRTCP packets authenticate under the keys exported from their DTLS session",
                "RFC 5764",
                "4.2",
                Must,
                "The client_write_SRTP_master_key and client_write_SRTP_master_salt are provided to one \
                        invocation of the SRTP key derivation function, to generate the SRTP keys used to encrypt \
                        and authenticate packets sent by the client. The server MUST only use these keys to \
                        decrypt and to check the authenticity of inbound packets.",
            ),
            CheckId::SctpChecksum => spec(
                "replay.sctp.9260.6.8.crc32c-valid",
                "Every SCTP packet carries the CRC32c of its bytes",
                "RFC 9260",
                "6.8",
                Must,
                "When sending an SCTP packet, the endpoint MUST strengthen the data integrity of the \
                        transmission by including the CRC32c checksum value calculated on the packet, as \
                        described below.",
            ),
            CheckId::DcepAcknowledged => spec(
                "replay.dcep.8832.6.open-acknowledged",
                "A DATA_CHANNEL_OPEN is answered with a DATA_CHANNEL_ACK on the same stream",
                "RFC 8832",
                "6",
                Must,
                "If a DATA_CHANNEL_OPEN message is received on an unused stream, the stream identifier \
                        corresponds to the role of the peer, and all parameters in the DATA_CHANNEL_OPEN message \
                        are valid, then a corresponding DATA_CHANNEL_ACK message is sent on the stream with the \
                        same stream identifier as the one the DATA_CHANNEL_OPEN message was received on.",
            ),
        }
    }
}

/// How many times one check applied, and the first violations, each naming its packet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub checked: u64,
    pub violations: u64,
    pub examples: Vec<String>,
    /// Why the check could not be made, when it could not (no credentials, encrypted...).
    pub unavailable: Option<String>,
}

pub const MAX_EXAMPLES: usize = 5;

impl Tally {
    pub fn pass(&mut self) {
        self.checked += 1;
    }

    pub fn fail(&mut self, example: impl FnOnce() -> String) {
        self.checked += 1;
        self.violations += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(example());
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.checked += other.checked;
        self.violations += other.violations;
        for e in &other.examples {
            if self.examples.len() < MAX_EXAMPLES {
                self.examples.push(e.clone());
            }
        }
        if self.unavailable.is_none() {
            self.unavailable.clone_from(&other.unavailable);
        }
    }
}

/// One tally per check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tallies(pub Vec<Tally>);

impl Default for Tallies {
    fn default() -> Tallies {
        Tallies(vec![Tally::default(); CheckId::ALL.len()])
    }
}

impl Tallies {
    pub fn get(&mut self, id: CheckId) -> &mut Tally {
        &mut self.0[id.index()]
    }

    pub fn of(&self, id: CheckId) -> &Tally {
        &self.0[id.index()]
    }

    pub fn merge(&mut self, other: &Tallies) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            a.merge(b);
        }
    }
}
