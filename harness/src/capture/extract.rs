//! The UDP datagrams of a capture, in order, as the harness's own `Datagram`s: for tests that
//! rewrite real captures, and for extracting seeds.

use std::io::Read;

use super::file::{CaptureError, CaptureReader, Item};
use super::ip::{Reassembler, Step, UDP};
use super::link::network;
use super::transport::udp;
use crate::net::Datagram;

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
