//! Fuzz entry points. Each is a plain function of the input bytes that must not panic (and,
//! for the differential and structured targets, aborts with a readable message when the
//! implementations disagree beyond the divergences listed in `divergences`).
//!
//! They live in the library, not only in `fuzz/`, so that `cargo test` on the stable
//! toolchain replays every seed in `corpora/<format>/` and every crash ever found in
//! `corpora/regressions/<target>/` through exactly the code libFuzzer ran
//! (`harness/tests/fuzz_corpora.rs`); `fuzz/fuzz_targets/*.rs` are one call each.

pub mod divergences;
pub mod formats;
pub mod report;
pub mod stateful;
pub mod structured;

/// One fuzz target: its cargo-fuzz name, what it feeds where, the seed folders under
/// `corpora/` it starts from, and the entry point.
pub struct FuzzTarget {
    pub name: &'static str,
    pub about: &'static str,
    /// Folders under `corpora/` whose files seed this target (besides its own regressions).
    pub seeds: &'static [&'static str],
    pub run: fn(&[u8]),
}

macro_rules! target {
    ($name:literal, $run:path, [$($seed:literal),*], $about:literal) => {
        FuzzTarget { name: $name, about: $about, seeds: &[$($seed),*], run: $run }
    };
}

pub const TARGETS: &[FuzzTarget] = &[
    target!(
        "stun",
        formats::stun,
        ["stun"],
        "a STUN message into rtcspec's reader, the reference (rtc-stun) and \
        str0m"
    ),
    target!(
        "stun_integrity",
        formats::stun_integrity,
        ["stun-integrity"],
        "MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT verification in all three (first byte: key \
                length, then key, then message)"
    ),
    target!(
        "sdp",
        formats::sdp,
        ["sdp"],
        "an SDP into rtcspec's reader and linter, the reference (rtc-sdp) and str0m (offer and \
            answer)"
    ),
    target!(
        "dtls_record",
        formats::dtls_record,
        ["dtls"],
        "a datagram of DTLS records (1.2 and 1.3 unified header) into rtcspec's record layer and \
            the reference's"
    ),
    target!(
        "dtls_handshake",
        formats::dtls_handshake,
        ["dtls-handshake"],
        "a DTLS handshake message body into rtcspec's hello/certificate readers and the \
            reference's handshake parser"
    ),
    target!("rtp", formats::rtp, ["rtp"], "an RTP packet into rtcspec's stream tracker and the reference (rtc-rtp)"),
    target!(
        "rtcp",
        formats::rtcp,
        ["rtcp"],
        "an RTCP compound packet into rtcspec's tracker and the reference \
        (rtc-rtcp)"
    ),
    target!(
        "srtp_unprotect",
        formats::srtp_unprotect,
        ["srtp"],
        "SRTP and SRTCP unprotect with fixed keys, every profile the reference supports (first \
                byte picks profile and RTP/RTCP)"
    ),
    target!(
        "sctp",
        formats::sctp,
        ["sctp"],
        "an SCTP packet into rtcspec's reader (CRC32c, chunks, reassembly, DCEP) and the reference \
            (rtc-sctp)"
    ),
    target!(
        "dcep",
        formats::dcep,
        ["dcep"],
        "a DCEP message (RFC 8832) into rtcspec's reader and the reference \
        (rtc-datachannel)"
    ),
    target!(
        "turn_channel_data",
        formats::turn_channel_data,
        ["turn-channel"],
        "a TURN ChannelData message into \
        rtcspec's reader and the reference (rtc-turn)"
    ),
    target!("pcap", formats::pcap, ["pcap"], "a whole pcap or pcapng file through `rtcspec replay`"),
    target!(
        "demux",
        formats::demux,
        ["stun", "dtls", "rtp", "rtcp", "turn-channel"],
        "datagrams on one 5-tuple through RFC 7983 demultiplexing and every per-flow checker \
                (length-prefixed datagrams)"
    ),
    target!("keylog", formats::keylog, ["keylog"], "an SSLKEYLOGFILE key log into rtcspec's reader"),
    target!(
        "stun_structured",
        structured::stun,
        [],
        "an arbitrary STUN message model, serialized, then mutated: valid ones must be read alike by all decoders"
    ),
    target!(
        "stun_diff",
        structured::stun_diff,
        ["stun"],
        "raw bytes into all STUN decoders: what rtcspec's strict reader accepts the others must accept and read alike"
    ),
    target!(
        "sdp_structured",
        structured::sdp,
        [],
        "an arbitrary JSEP offer model, then targeted corruptions: parsers keep what it says; \
                corruptions are flagged and rejected"
    ),
    target!(
        "ice_agent",
        stateful::ice_agent,
        [],
        "the reference's sans-IO ICE agent driven by datagrams and timer \
        ticks"
    ),
    target!(
        "dtls_endpoint",
        stateful::dtls_endpoint,
        [],
        "the reference's sans-IO DTLS endpoint driven by datagrams \
        and timer ticks"
    ),
];

impl FuzzTarget {
    /// The libFuzzer dictionary (under `fuzz/dict/`) whose tokens this target's input holds.
    pub fn dictionary(&self) -> Option<&'static str> {
        match self.name {
            "stun" | "stun_integrity" | "stun_structured" | "stun_diff" | "ice_agent" | "turn_channel_data"
            | "demux" => Some("stun.dict"),
            "sdp" | "sdp_structured" => Some("sdp.dict"),
            _ => None,
        }
    }
}

pub fn by_name(name: &str) -> Option<&'static FuzzTarget> {
    TARGETS.iter().find(|t| t.name == name)
}
