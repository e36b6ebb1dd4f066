//! Records made by hand inside a live call's DTLS 1.2 session: the harness holds the
//! session's keys (its key log), so it can send the target a record its own stack would never
//! send. It can name the wrong epoch or carry a broken tag, with an SCTP packet inside that
//! the target's association would take. The
//! fault peers use the same keys to take such records in as a broken stack would.

use super::view::{Side, WireView};
use rtcspec_wire::dtls::{RawRecord, DTLS_1_2, EXPLICIT_NONCE};
use rtcspec_wire::keys::RecordDecryptor;
use rtcspec_wire::sctp;

/// Makes records as one side of a call would protect them.
pub struct RecordForge {
    protection: RecordDecryptor,
    side: Side,
    next_sequence: u64,
    sctp_header: Option<[u8; 12]>,
    next_tsn: Option<u32>,
}

impl RecordForge {
    /// A forge for `side`'s records in the call `view` shows, keyed from `keylog`; its first
    /// record takes the sequence number after `side`'s last epoch-1 record.
    pub fn new(view: &WireView, keylog: &[String], side: Side) -> Result<RecordForge, String> {
        let protection = view.record_protection(keylog)?;
        let next_tsn = view.data_from(side).iter().map(|d| d.tsn).max().map(|t| t.wrapping_add(1));
        Ok(RecordForge {
            protection,
            side,
            next_sequence: view.last_sequence(side).map_or(0, |s| s + 1),
            sctp_header: view.sctp_header(side),
            next_tsn,
        })
    }

    fn take_sequence(&mut self) -> u64 {
        let s = self.next_sequence;
        self.next_sequence += 1;
        s
    }

    /// `plaintext` protected with the session's keys, its header (and so its additional
    /// data) naming `epoch`.
    pub fn sealed(&mut self, content_type: u8, epoch: u16, plaintext: &[u8]) -> Result<RawRecord, String> {
        self.sealed_by(self.side, content_type, epoch, plaintext)
    }

    /// The same, but protected with `writer`'s key: with the other side's, it is a record
    /// that side sent, reflected back to it (next in this side's sequence).
    pub fn sealed_by(
        &mut self,
        writer: Side,
        content_type: u8,
        epoch: u16,
        plaintext: &[u8],
    ) -> Result<RawRecord, String> {
        let sequence = self.take_sequence();
        self.seal(writer, content_type, epoch, sequence, plaintext)
    }

    fn seal(
        &mut self,
        writer: Side,
        content_type: u8,
        epoch: u16,
        sequence: u64,
        plaintext: &[u8],
    ) -> Result<RawRecord, String> {
        // The explicit nonce only has to be unique per key: the epoch and sequence number are.
        let mut nonce = [0u8; EXPLICIT_NONCE];
        nonce[..2].copy_from_slice(&epoch.to_be_bytes());
        nonce[2..].copy_from_slice(&sequence.to_be_bytes()[2..]);
        let fragment =
            self.protection.seal(writer.direction(), content_type, DTLS_1_2, epoch, sequence, &nonce, plaintext)?;
        Ok(RawRecord { content_type, version: DTLS_1_2, epoch, sequence, fragment })
    }

    /// `plaintext` protected in `record`'s place: its type, epoch and sequence number, so a
    /// receiver takes it as that record (what a fault's record layer passes on instead).
    pub fn resealed(&mut self, record: &RawRecord, plaintext: &[u8]) -> Result<RawRecord, String> {
        self.seal(self.side, record.content_type, record.epoch, record.sequence, plaintext)
    }

    /// `plaintext` unprotected, in epoch 0, as before the handshake.
    pub fn plain(&mut self, content_type: u8, plaintext: &[u8]) -> RawRecord {
        let sequence = self.take_sequence();
        RawRecord { content_type, version: DTLS_1_2, epoch: 0, sequence, fragment: plaintext.to_vec() }
    }

    /// The plaintext of `record`, sent by `from`, as its header says it was protected; `Err`
    /// when it does not authenticate.
    pub fn open(&mut self, from: Side, record: &RawRecord) -> Result<Vec<u8>, String> {
        self.protection.open(
            from.direction(),
            record.content_type,
            record.version,
            record.epoch,
            record.sequence,
            &record.fragment,
        )
    }

    /// The TSN after the last one `side` used.
    pub fn next_tsn(&self) -> Option<u32> {
        self.next_tsn
    }

    /// The verification tag of `side`'s SCTP packets (the peer's Initiate Tag).
    pub fn verification_tag(&self) -> Option<u32> {
        self.sctp_header.and_then(|h| sctp::verification_tag(&h))
    }

    /// An SCTP packet with `side`'s ports, `verification_tag`, and `chunks` (whole chunks,
    /// each padded); the CRC32c over it all (RFC 9260 §3, §6.8).
    pub fn sctp_packet(&self, verification_tag: u32, chunks: &[u8]) -> Result<Vec<u8>, String> {
        let header = self.sctp_header.ok_or("no SCTP packet of this side was read")?;
        Ok(sctp::packet([header[0], header[1], header[2], header[3]], verification_tag, chunks))
    }

    /// An SCTP packet as `side`'s association would send it: its last packet's ports and
    /// verification tag, and one DATA chunk with `tsn`, on `stream`, ordered with `ssn` or
    /// unordered (`None`), with `ppid` and `payload`; the CRC32c over it all (RFC 9260 §3,
    /// §6.8).
    pub fn sctp_data(
        &self,
        tsn: u32,
        stream: u16,
        ssn: Option<u16>,
        ppid: u32,
        payload: &[u8],
    ) -> Result<Vec<u8>, String> {
        let tag = self.verification_tag().ok_or("no SCTP packet of this side was read")?;
        let chunk = sctp::data_chunk(tsn, stream, ssn, ppid, payload);
        self.sctp_packet(tag, &chunk)
    }
}

/// Compound RTCP packets protected in order as `side` of the call would (one fresh SRTCP
/// context: consecutive indices from its first).
pub fn srtcp_protected(
    view: &WireView,
    keylog: &[String],
    side: Side,
    packets: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, String> {
    let mut context = view.srtp_context(keylog, side)?;
    packets
        .iter()
        .map(|p| context.encrypt_rtcp(p).map(|b| b.to_vec()).map_err(|e| format!("SRTCP protect: {e}")))
        .collect()
}

/// `record` with the last byte of its AES-GCM tag changed: the ciphertext is intact, the
/// record does not authenticate.
pub fn with_broken_tag(mut record: RawRecord) -> RawRecord {
    if let Some(last) = record.fragment.last_mut() {
        *last ^= 0x01;
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_tag_changes_only_the_last_byte() {
        let r = RawRecord { content_type: 23, version: DTLS_1_2, epoch: 1, sequence: 7, fragment: vec![0; 30] };
        let broken = with_broken_tag(r.clone());
        assert_eq!(broken.fragment[..29], r.fragment[..29]);
        assert_ne!(broken.fragment[29], r.fragment[29]);
    }
}
