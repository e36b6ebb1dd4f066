//! RFC 9143 §5 and §9.1: the bundled m= sections share one transport, and each endpoint
//! sends and receives all of it on one address:port; RTP on it is symmetric (RFC 4961).
//! With audio and a data channel bundled, everything the target sends on the bundle (DTLS
//! with SCTP in it, SRTP, SRTCP) must come from the one address the harness sends to. STUN
//! is left out: ICE checks go out from every local candidate, and only the selected pair
//! carries the bundle.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use rtcspec_harness::{Case, Ctx, Outcome, Spec, Verdict};
use rtcspec_wire::demux::{classify, Protocol};

use super::kit::*;
use crate::live::*;

const SYMMETRIC: &str = "Each endpoint uses a single address:port combination for sending and \
    receiving the bundled media. ... Since a single BUNDLE transport is \
    used for sending and receiving bundled media, the symmetric RTP \
    mechanism [RFC4961] MUST be used for RTP-based bundled media.";

pub const CASES: &[Case] = &[Case::new(
    "srtp.9143.9.1.one-5-tuple",
    "With audio and a data channel bundled, the target sends DTLS and \
        SRTCP from the one address:port it receives on",
    Spec::must("RFC 9143", "9.1", SYMMETRIC),
    PEER,
    one_5_tuple,
)];

fn protocol_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Stun => "STUN",
        Protocol::Zrtp => "ZRTP",
        Protocol::Dtls => "DTLS",
        Protocol::TurnChannel => "TURN channel data",
        Protocol::Rtp => "SRTP",
        Protocol::Rtcp => "SRTCP",
        Protocol::Unknown => "unknown",
    }
}

fn one_5_tuple(ctx: &mut Ctx) -> Verdict {
    let (call, _) = call_with_audio(ctx, |call, _| send_audio_until(call, 2))?;
    let mut by_source: BTreeMap<SocketAddr, Vec<&'static str>> = BTreeMap::new();
    for d in call.from_target.iter().filter(|d| classify(&d.bytes) != Protocol::Stun) {
        let names = by_source.entry(d.from).or_default();
        let name = protocol_name(classify(&d.bytes));
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let srtcp_seen = by_source.values().any(|names| names.contains(&"SRTCP"));
    if !srtcp_seen {
        return Err(Outcome::Error { why: format!("the target sent no SRTCP: nothing to judge; {}", call.summary) });
    }
    let Some(to) = call.target_addr else {
        return Err(Outcome::Error { why: "the harness sent the target nothing".into() });
    };
    let expected = format!("every datagram from the one address:port the harness sends to ({to})");
    Ok(match by_source.len() {
        1 if by_source.contains_key(&to) => Outcome::Pass,
        _ => Outcome::fail(
            expected,
            by_source
                .iter()
                .map(|(from, names)| format!("{} from {from}", names.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    })
}
