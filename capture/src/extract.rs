//! What can be taken out of a capture: its UDP datagrams as the harness's own `Datagram`s
//! (for tests that rewrite real captures), and fuzzing seeds per format.

use std::io::Read;

use super::file::{CaptureError, CaptureReader, Item};
use super::ip::{Reassembler, Step, UDP};
use super::link::network;
use super::transport::udp;
use rtcspec_live::net::Datagram;

/// Every UDP datagram (fragments reassembled); times relative to the first packet.
/// Packets that are not UDP over IP are left out.
pub fn udp_datagrams<R: Read>(input: R) -> Result<Vec<Datagram>, CaptureError> {
    let mut reader = CaptureReader::new(input)?;
    let mut reassembler = Reassembler::default();
    let mut out = Vec::new();
    let mut first = None;
    while let Some(item) = reader.next_item() {
        let Item::Frame(f) = item? else { continue };
        let Ok((net, packet)) = network(f.link_type, f.data) else { continue };
        let Ok(Step::Packet(ip)) = reassembler.push(net, packet, f.number, f.timestamp) else { continue };
        if ip.protocol != UDP {
            continue;
        }
        let Ok((sp, dp, payload)) = udp(&ip.payload) else { continue };
        let start = *first.get_or_insert(f.timestamp);
        out.push(Datagram {
            from: std::net::SocketAddr::new(ip.src, sp),
            to: std::net::SocketAddr::new(ip.dst, dp),
            bytes: payload.to_vec(),
            at_us: f.timestamp.saturating_sub(start).as_micros() as u64,
        });
    }
    Ok(out)
}

/// Seed files per format, deduplicated by content, at most `per_format` of each.
pub struct Seeds {
    pub per_format: usize,
    seen: super::fasthash::FastMap<u64, ()>,
    /// Format directory name → contents, in capture order.
    pub files: std::collections::BTreeMap<&'static str, Vec<Vec<u8>>>,
}

impl Seeds {
    pub fn new(per_format: usize) -> Seeds {
        Seeds { per_format, seen: Default::default(), files: Default::default() }
    }

    /// Keeps `bytes` as a seed of `format` unless it is a duplicate or the format is full,
    /// and the seeds of the formats inside it: handshake messages of plaintext DTLS records
    /// (`dtls-handshake`), DCEP messages in SCTP (`dcep`), and RTP/RTCP packets for the
    /// `srtp_unprotect` fuzz target (`srtp`: a first byte picking AEAD_AES_128_GCM, the
    /// usual WebRTC profile, with the top bit set for RTCP).
    pub fn add(&mut self, format: &'static str, bytes: &[u8]) {
        match format {
            "dtls" => {
                for r in rtcspec_wire::dtls::records(bytes).0 {
                    if r.content_type == rtcspec_wire::dtls::HANDSHAKE && r.epoch == 0 && r.sequence.is_some() {
                        self.add_one("dtls-handshake", r.body);
                    }
                }
            }
            "sctp" => {
                for m in rtcspec_wire::dcep::messages(bytes) {
                    self.add_one("dcep", &m);
                }
            }
            "rtp" | "rtcp" => {
                let select = if format == "rtcp" { 0x84 } else { 0x04 };
                self.add_one("srtp", &[&[select][..], bytes].concat());
            }
            _ => {}
        }
        self.add_one(format, bytes);
    }

    fn add_one(&mut self, format: &'static str, bytes: &[u8]) {
        use std::hash::{Hash, Hasher};
        let list = self.files.entry(format).or_default();
        if list.len() >= self.per_format || bytes.is_empty() {
            return;
        }
        let mut h = super::fasthash::FxHasher::default();
        (format, bytes).hash(&mut h);
        if self.seen.insert(h.finish(), ()).is_none() {
            list.push(bytes.to_vec());
        }
    }

    /// Writes `dir/<format>/<prefix>-<content hash>.bin` (`.sdp` for SDPs, as the SDP tools
    /// look for); returns the number of files per format.
    pub fn write(&self, dir: &std::path::Path, prefix: &str) -> std::io::Result<Vec<(&'static str, usize)>> {
        use std::hash::{Hash, Hasher};
        let mut counts = Vec::new();
        for (format, list) in &self.files {
            let sub = dir.join(format);
            std::fs::create_dir_all(&sub)?;
            for bytes in list {
                let mut h = super::fasthash::FxHasher::default();
                bytes.hash(&mut h);
                let extension = if *format == "sdp" { "sdp" } else { "bin" };
                std::fs::write(sub.join(format!("{prefix}-{:016x}.{extension}", h.finish())), bytes)?;
            }
            counts.push((*format, list.len()));
        }
        Ok(counts)
    }
}
