//! Capture replay on the real captures in `captures/`: counts against MANIFEST.toml (and
//! tshark), every check shown to fail on a rewritten capture, every supported file format
//! and link type, and damaged input that must never panic.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use rtcspec_harness::capture::checks::CheckId;
use rtcspec_harness::capture::extract::udp_datagrams;
use rtcspec_harness::capture::manifest::{DataChannel, Entry, Manifest};
use rtcspec_harness::capture::report::build;
use rtcspec_harness::capture::sdp_info::SessionInfo;
use rtcspec_harness::capture::{CaptureError, CaptureReader, Replay, ReplayOptions, ReplayResult};
use rtcspec_harness::case::{Outcome, OutcomeKind};
use rtcspec_harness::net::{pcapng, Datagram};
use rtcspec_harness::stun::unhex;
use rtcspec_harness::wire::keys::KeyLog;
use rtcspec_harness::wire::keys::RecordDecryptor;
use rtcspec_harness::wire::Direction;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn manifest() -> Manifest {
    Manifest::load(&root().join("captures/MANIFEST.toml")).unwrap()
}

fn options(entry: &Entry) -> ReplayOptions {
    let dir = root().join("captures");
    let mut session = SessionInfo::default();
    for s in &entry.sdp {
        session.add(s, &std::fs::read(dir.join(s)).unwrap()).unwrap();
    }
    for c in &entry.turn_credentials {
        session.add_turn_credentials(c).unwrap();
    }
    let mut keylog = KeyLog::default();
    if let Some(k) = &entry.key_log {
        keylog.add(k, &std::fs::read(dir.join(k)).unwrap());
    }
    ReplayOptions { session, keylog }
}

fn replay(bytes: &[u8], options: ReplayOptions) -> (ReplayResult, Option<CaptureError>) {
    let replay = Replay::new("test", options);
    match CaptureReader::new(Cursor::new(bytes)) {
        Ok(mut reader) => replay.read(&mut reader),
        Err(e) => (replay.finish(), Some(e)),
    }
}

fn counts(r: &ReplayResult) -> BTreeMap<String, u64> {
    let mut c: BTreeMap<String, u64> = r.summary.protocols.iter().map(|(p, n)| (p.name().to_string(), *n)).collect();
    for (p, n) in &r.summary.relayed {
        c.insert(format!("relayed-{}", p.name()), *n);
    }
    let unified: u64 = r.summary.flows.iter().filter_map(|f| f.dtls.as_ref()).map(|d| d.unified_header_records).sum();
    if unified > 0 {
        c.insert("dtls13-records".into(), unified);
    }
    c.insert("packets".into(), r.summary.packets);
    c.insert("webrtc_flows".into(), r.summary.webrtc_flows as u64);
    c
}

fn verdicts(r: &ReplayResult) -> BTreeMap<&'static str, OutcomeKind> {
    CheckId::ALL.iter().map(|id| (id.spec().id, r.verdict(*id).kind())).collect()
}

#[test]
fn bundled_captures_match_the_manifest() {
    for entry in manifest().capture {
        let bytes = std::fs::read(root().join("captures").join(&entry.file)).unwrap();
        let (r, error) = replay(&bytes, options(&entry));
        assert!(error.is_none(), "{}: {error:?}", entry.file);
        assert_eq!(counts(&r), entry.expected, "{}: counts differ from MANIFEST.toml", entry.file);
        assert!(r.summary.warnings.is_empty(), "{}: {:?}", entry.file, r.summary.warnings);
        for (id, kind) in verdicts(&r) {
            let known = entry.known_violations.iter().any(|k| k == id);
            assert_eq!(kind.is_failure(), known, "{}: {id} is {kind:?}: {:?}", entry.file, r.verdict_by_id(id));
        }
        if entry.key_log.is_some() {
            let k = r.summary.key_log.as_ref().expect("key log summary");
            assert!(k.flows_covered >= 1, "{}: the key log covers no DTLS session of the capture", entry.file);
            // Every SRTP and SRTCP packet decrypts and authenticates with the exported keys.
            let (srtp, srtcp, failed) =
                r.summary.flows.iter().filter_map(|f| f.srtp.as_ref()).fold((0, 0, 0), |(a, b, c), s| {
                    (a + s.srtp_authenticated, b + s.srtcp_authenticated, c + s.failed + s.undecrypted)
                });
            let count = |p: &str| {
                entry.expected.get(p).copied().unwrap_or(0)
                    + entry.expected.get(&format!("relayed-{p}")).copied().unwrap_or(0)
            };
            assert_eq!((srtp, srtcp, failed), (count("rtp"), count("rtcp"), 0), "{}: SRTP, SRTCP, failed", entry.file);
            for f in &r.summary.flows {
                let d = f.dtls.as_ref().map_or(0, |d| d.undecryptable_records);
                assert_eq!(d, 0, "{}: DTLS records that did not authenticate", entry.file);
            }
        }
        if let Some(dc) = &entry.data_channel {
            let carried: Vec<_> = r.summary.flows.iter().filter_map(|f| f.sctp.as_ref()).collect();
            assert!(!carried.is_empty(), "{}: no SCTP decrypted", entry.file);
            for s in carried {
                let got = DataChannel {
                    messages: s.messages_by_ppid.values().sum(),
                    largest_message: s.largest_message,
                    channels: s.channels.len(),
                };
                assert_eq!(&got, dc, "{}", entry.file);
            }
        }
    }
}

fn tshark(file: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(["--enable-heuristic", "stun_udp", "--enable-heuristic", "dtls_udp", "--enable-heuristic", "rtp_udp"])
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "tshark is needed for this test ({e}); install it with `cargo xtask setup` (Debian: \
            apt-get install tshark)"
            )
        });
    assert!(out.status.success(), "tshark failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn manifest_counts_agree_with_tshark() {
    for entry in manifest().capture {
        let file = root().join("captures").join(&entry.file);
        let mut got = BTreeMap::new();
        got.insert("packets".to_string(), tshark(&file, &[]).len() as u64);
        // Over TCP one frame can hold several messages: count field occurrences, not frames.
        let occurrences = |field: &str| -> u64 {
            tshark(&file, &["-T", "fields", "-e", field])
                .iter()
                .flat_map(|l| l.split(','))
                .filter(|v| !v.is_empty())
                .count() as u64
        };
        got.insert("stun".to_string(), occurrences("stun.cookie"));
        got.insert("turn-channel".to_string(), occurrences("stun.channel"));
        for (p, filter) in [("dtls", "dtls"), ("rtp", "rtp && !dtls")] {
            got.insert(p.to_string(), tshark(&file, &["-Y", filter]).len() as u64);
        }
        let rest = tshark(&file, &["-Y", "udp && !stun && !dtls && !rtp", "-T", "fields", "-e", "udp.payload"]);
        let byte = |hex: &String, i: usize| hex.get(2 * i..2 * i + 2).and_then(|b| u8::from_str_radix(b, 16).ok());
        let rtcp = rest
            .iter()
            .filter(|hex| {
                byte(hex, 0).is_some_and(|b| (128..192).contains(&b))
                    && byte(hex, 1).is_some_and(|pt| (192..=223).contains(&pt))
            })
            .count();
        got.insert("rtcp".to_string(), rtcp as u64);
        // tshark 4.0 does not decode the DTLS 1.3 unified header (RFC 9147 §4): datagrams it
        // leaves undissected whose first byte is 001xxxxx are DTLS 1.3 records.
        let unified = rest.iter().filter(|hex| byte(hex, 0).is_some_and(|b| (0x20..=0x3F).contains(&b))).count() as u64;
        *got.entry("dtls".to_string()).or_default() += unified;
        if unified > 0 {
            got.insert("dtls13-records".to_string(), unified);
        }
        for (k, v) in &got {
            assert_eq!(*v, entry.expected.get(k).copied().unwrap_or(0), "{}: tshark counts {k} = {v}", entry.file);
        }
        // Relayed media crosses both client legs once each (see MANIFEST.toml).
        for p in ["dtls", "rtp", "rtcp"] {
            if let Some(relayed) = entry.expected.get(&format!("relayed-{p}")) {
                assert_eq!(*relayed, 2 * got[p], "{}: relayed-{p}", entry.file);
            }
        }
    }
}

fn aiortc() -> (Vec<Datagram>, Entry) {
    bundled("aiortc-aiortc.pcapng")
}

fn bundled(file: &str) -> (Vec<Datagram>, Entry) {
    let entry = manifest().capture.into_iter().find(|e| e.file == file).unwrap();
    let bytes = std::fs::read(root().join("captures").join(&entry.file)).unwrap();
    (udp_datagrams(Cursor::new(bytes)).unwrap(), entry)
}

fn rewritten(datagrams: &[Datagram], entry: &Entry, change: impl Fn(&mut Vec<Datagram>)) -> ReplayResult {
    let mut d = datagrams.to_vec();
    change(&mut d);
    let (r, error) = replay(&pcapng::encode(&d, 1_700_000_000_000_000), options(entry));
    assert!(error.is_none());
    r
}

fn first(d: &[Datagram], pred: impl Fn(&[u8]) -> bool) -> usize {
    d.iter().position(|x| pred(&x.bytes)).expect("the capture has such a datagram")
}

fn is_stun(b: &[u8]) -> bool {
    b.first().is_some_and(|x| *x <= 3)
}

/// A DTLS datagram holding a handshake message of `kind` in epoch 0.
fn dtls_handshake(kind: u8) -> impl Fn(&[u8]) -> bool {
    move |b: &[u8]| b.len() > 25 && b[0] == 22 && b[3..5] == [0, 0] && b[13] == kind
}

#[test]
fn each_check_fails_on_a_rewritten_capture() {
    let (d, entry) = aiortc();
    let unchanged = rewritten(&d, &entry, |_| {});
    let fails = |r: &ReplayResult, id: CheckId| matches!(r.verdict(id), Outcome::Fail { .. });
    for id in CheckId::ALL {
        assert!(!fails(&unchanged, id), "{:?} fails on the unchanged capture", id);
    }
    // A STUN message with a wrong magic cookie.
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, is_stun);
        d[i].bytes[4] ^= 0xFF;
    });
    assert!(fails(&r, CheckId::StunWellFormed));
    // A flipped FINGERPRINT bit (the last byte of a message that carries one).
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, is_stun);
        *d[i].bytes.last_mut().unwrap() ^= 1;
    });
    assert!(fails(&r, CheckId::StunFingerprint));
    // A wrong ice-pwd in the SDP: the checks no longer verify.
    let mut wrong = options(&entry);
    for pwd in wrong.session.passwords.values_mut() {
        pwd.push('x');
    }
    let (r, _) = replay(&pcapng::encode(&d, 0), wrong);
    assert!(fails(&r, CheckId::StunIntegrity));
    // A DTLS record whose length runs past the datagram.
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, |b| b.first() == Some(&22));
        let len = u16::from_be_bytes([d[i].bytes[11], d[i].bytes[12]]) + 50;
        d[i].bytes[11..13].copy_from_slice(&len.to_be_bytes());
    });
    assert!(fails(&r, CheckId::DtlsRecordWellFormed));
    // An RTP packet glued after a DTLS record.
    let r = rewritten(&d, &entry, |d| {
        let (i, rtp) =
            (first(d, |b| b.first() == Some(&23)), first(d, |b| b.first().is_some_and(|x| (128..192).contains(x))));
        let media = d[rtp].bytes.clone();
        d[i].bytes.extend_from_slice(&media);
    });
    assert!(fails(&r, CheckId::DtlsSeparateDatagrams));
    // A second, different record reusing an epoch and sequence number.
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, |b| b.first() == Some(&23));
        let mut copy = d[i].clone();
        let last = copy.bytes.len() - 1;
        copy.bytes[last] ^= 0xFF;
        d.insert(i + 1, copy);
    });
    assert!(fails(&r, CheckId::DtlsRecordUnique));
    // The ServerHello picks a profile the client did not offer (SRTP_NULL_HMAC_SHA1_32).
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, dtls_handshake(2));
        let b = &mut d[i].bytes;
        let at = b.windows(6).position(|w| w[0..4] == [0x00, 0x0E, 0x00, 0x05]).expect("use_srtp in the ServerHello");
        b[at + 6..at + 8].copy_from_slice(&[0x00, 0x06]);
    });
    assert!(fails(&r, CheckId::DtlsUseSrtpOffered));
    // One flipped byte in the payload of an SRTP packet: its tag no longer verifies.
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, |b| {
            b.first().is_some_and(|x| (128..192).contains(x)) && b.get(1).is_some_and(|pt| !(192..=223).contains(pt))
        });
        d[i].bytes[20] ^= 0x01;
    });
    assert!(fails(&r, CheckId::SrtpAuthenticated), "{:?}", r.verdict(CheckId::SrtpAuthenticated));
    // An SDP fingerprint that matches neither certificate, while media flows.
    let mut other = options(&entry);
    for f in &mut other.session.fingerprints {
        f.value[0] ^= 0xFF;
    }
    let (r, _) = replay(&pcapng::encode(&d, 0), other);
    assert!(fails(&r, CheckId::DtlsCertificateFingerprint));
}

/// Gives the ServerHello (alone at the start of its datagram) a one-byte MKI, fixing every
/// length that encloses it: extension, extension block, handshake message, record.
fn add_server_mki(b: &mut Vec<u8>) {
    let sh = 13 + 12;
    let sid = usize::from(b[sh + 34]);
    let ext_block = sh + 35 + sid + 3;
    let at = b[ext_block + 2..].windows(4).position(|w| w[0..2] == [0x00, 0x0E]).expect("use_srtp") + ext_block + 2;
    let profiles = usize::from(u16::from_be_bytes([b[at + 4], b[at + 5]]));
    let mki_len = at + 6 + profiles;
    b[mki_len] += 1;
    b.insert(mki_len + 1, 0xAB);
    let bump16 = |b: &mut Vec<u8>, i: usize| {
        let v = u16::from_be_bytes([b[i], b[i + 1]]) + 1;
        b[i..i + 2].copy_from_slice(&v.to_be_bytes());
    };
    let bump24 = |b: &mut Vec<u8>, i: usize| {
        let v = u32::from_be_bytes([0, b[i], b[i + 1], b[i + 2]]) + 1;
        b[i..i + 3].copy_from_slice(&v.to_be_bytes()[1..]);
    };
    bump16(b, at + 2);
    bump16(b, ext_block);
    bump24(b, 13 + 1);
    bump24(b, 13 + 9);
    bump16(b, 11);
}

#[test]
fn dtls_handshake_checks_fail_on_a_rewritten_openssl_capture() {
    let (d, entry) = bundled("openssl-dtls12.pcapng");
    let fails = |r: &ReplayResult, id: CheckId| matches!(r.verdict(id), Outcome::Fail { .. });
    let unchanged = rewritten(&d, &entry, |_| {});
    assert_eq!(unchanged.verdict(CheckId::DtlsHelloVerifySequence), Outcome::Pass);
    assert_eq!(unchanged.verdict(CheckId::DtlsUseSrtpMki), Outcome::Pass);
    // The HelloVerifyRequest in another record than the ClientHello's.
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, dtls_handshake(3));
        d[i].bytes[10] ^= 0x01;
    });
    assert!(fails(&r, CheckId::DtlsHelloVerifySequence));
    // The server answers an MKI the client never sent.
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, dtls_handshake(2));
        add_server_mki(&mut d[i].bytes);
    });
    assert!(fails(&r, CheckId::DtlsUseSrtpMki), "{:?}", r.verdict(CheckId::DtlsUseSrtpMki));
    assert_eq!(r.verdict(CheckId::DtlsRecordWellFormed), Outcome::Pass, "the rewrite keeps the framing");
}

#[test]
fn channel_data_check_fails_on_a_rewritten_turn_capture() {
    let (d, entry) = bundled("aiortc-turn-aiortc.pcapng");
    let unchanged = rewritten(&d, &entry, |_| {});
    assert_eq!(unchanged.verdict(CheckId::TurnChannelData), Outcome::Pass);
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, |b| b.first().is_some_and(|x| (0x40..=0x4F).contains(x)));
        d[i].bytes[2] = 0xFF;
    });
    assert!(matches!(r.verdict(CheckId::TurnChannelData), Outcome::Fail { .. }));
}

/// An authenticated TURN request (USERNAME and REALM present) of `method`.
fn turn_request(method: u16) -> impl Fn(&[u8]) -> bool {
    move |b: &[u8]| {
        b.len() > 20
            && u16::from_be_bytes([b[0], b[1]]) == method
            && b.windows(4).any(|w| w == [0x00, 0x14, 0x00, 0x0c]) // REALM "example.test"
    }
}

#[test]
fn long_term_integrity_check_fails_on_a_wrong_password_or_a_rewritten_request() {
    let (d, entry) = bundled("aiortc-turn-aiortc.pcapng");
    let unchanged = rewritten(&d, &entry, |_| {});
    assert_eq!(unchanged.verdict(CheckId::TurnLongTermIntegrity), Outcome::Pass);
    // A byte of the second Allocate request's REALM changed: its MESSAGE-INTEGRITY no longer
    // covers what is on the wire (the FINGERPRINT after it is left as it was).
    let r = rewritten(&d, &entry, |d| {
        let i = first(d, turn_request(0x0003));
        let at = d[i].bytes.windows(4).position(|w| w == [0x00, 0x14, 0x00, 0x0c]).unwrap() + 4;
        d[i].bytes[at] ^= 0x20;
    });
    match r.verdict(CheckId::TurnLongTermIntegrity) {
        Outcome::Fail { actual, .. } => assert!(actual.contains("does not verify"), "{actual}"),
        other => panic!("{other:?}"),
    }
    // The right user with the wrong password: nothing verifies, requests nor responses.
    let mut wrong = options(&entry);
    wrong.session.add_turn_credentials("test:not-the-secret").unwrap();
    let (r, _) = replay(&pcapng::encode(&d, 0), wrong);
    match r.verdict(CheckId::TurnLongTermIntegrity) {
        Outcome::Fail { actual, .. } => {
            let (broke, rest) = actual.split_once(" of ").unwrap();
            assert!(rest.starts_with(&format!("{broke} broke it")), "not every message failed: {actual}");
        }
        other => panic!("{other:?}"),
    }
    // Without credentials the check says what to give.
    let mut none = options(&entry);
    none.session.turn_passwords.clear();
    let (r, _) = replay(&pcapng::encode(&d, 0), none);
    match r.verdict(CheckId::TurnLongTermIntegrity) {
        Outcome::Unsupported { why } => assert!(why.contains("--turn-credentials"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// Decrypts the first application data record whose SCTP payload `pick` accepts, lets
/// `change` rewrite that SCTP packet, and seals it again with the session's keys, as a
/// broken sender would have sent it.
fn reseal(d: &mut [Datagram], entry: &Entry, pick: impl Fn(&[u8]) -> bool, change: impl Fn(&mut Vec<u8>)) {
    let keys = std::fs::read_to_string(root().join("captures").join(entry.key_log.as_ref().unwrap())).unwrap();
    let line = keys.lines().find(|l| l.starts_with("CLIENT_RANDOM")).unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    let (client_random, master) = (unhex(words[1]).unwrap(), unhex(words[2]).unwrap());
    // The hellos: client random known, server random from the ServerHello.
    let ch = first(d, dtls_handshake(1));
    let sh = first(d, dtls_handshake(2));
    let server_random = d[sh].bytes[13 + 12 + 2..13 + 12 + 34].to_vec();
    let suite_at = 13 + 12 + 34 + 1 + usize::from(d[sh].bytes[13 + 12 + 34]);
    let suite = u16::from_be_bytes([d[sh].bytes[suite_at], d[sh].bytes[suite_at + 1]]);
    let client_addr = d[ch].from;
    let (a, _) = if d[ch].from <= d[ch].to { (d[ch].from, d[ch].to) } else { (d[ch].to, d[ch].from) };
    let client = if client_addr == a { Direction::AtoB } else { Direction::BtoA };
    let mut keyed = RecordDecryptor::new(&master, &client_random, &server_random, suite, client).unwrap();
    for x in d.iter_mut() {
        let b = &x.bytes;
        if b.first() != Some(&23) || b.len() < 13 + 24 {
            continue;
        }
        let dir = if x.from == a { Direction::AtoB } else { Direction::BtoA };
        let epoch = u16::from_be_bytes([b[3], b[4]]);
        let seq = u64::from_be_bytes([0, 0, b[5], b[6], b[7], b[8], b[9], b[10]]);
        let len = usize::from(u16::from_be_bytes([b[11], b[12]]));
        let Ok(mut plain) = keyed.open(dir, 23, 0xFEFD, epoch, seq, &b[13..13 + len]) else { continue };
        if !pick(&plain) {
            continue;
        }
        change(&mut plain);
        let nonce: [u8; 8] = b[13..21].try_into().unwrap();
        let sealed = keyed.seal(dir, 23, 0xFEFD, epoch, seq, &nonce, &plain).unwrap();
        let mut record = b[..11].to_vec();
        record.extend_from_slice(&(sealed.len() as u16).to_be_bytes());
        record.extend_from_slice(&sealed);
        x.bytes = record;
        return;
    }
    panic!("no such SCTP packet in the capture");
}

/// The SCTP packet carries a DCEP message of this type (first chunk DATA with PPID 50).
fn dcep(kind: u8) -> impl Fn(&[u8]) -> bool {
    move |p: &[u8]| p.len() > 28 && p[12] == 0 && p[24..28] == [0, 0, 0, 50] && p[28] == kind
}

fn fix_crc(p: &mut [u8]) {
    let c = rtcspec_wire::sctp::checksum(p).unwrap();
    p[8..12].copy_from_slice(&c.to_le_bytes());
}

#[test]
fn sctp_and_dcep_checks_fail_on_resealed_records() {
    let (d, entry) = aiortc();
    let fails = |r: &ReplayResult, id: CheckId| matches!(r.verdict(id), Outcome::Fail { .. });
    let unchanged = rewritten(&d, &entry, |_| {});
    assert_eq!(unchanged.verdict(CheckId::SctpChecksum), Outcome::Pass);
    assert_eq!(unchanged.verdict(CheckId::DcepAcknowledged), Outcome::Pass);
    // A sender that gets the CRC32c wrong.
    let r = rewritten(&d, &entry, |d| reseal(d, &entry, |_| true, |p| p[8] ^= 0xFF));
    assert!(fails(&r, CheckId::SctpChecksum));
    assert_eq!(r.verdict(CheckId::DcepAcknowledged), Outcome::Pass);
    // A peer that answers DATA_CHANNEL_OPEN with something else than DATA_CHANNEL_ACK.
    let r = rewritten(&d, &entry, |d| {
        reseal(d, &entry, dcep(0x02), |p| {
            p[28] = 0x7F;
            fix_crc(p);
        })
    });
    assert!(fails(&r, CheckId::DcepAcknowledged), "{:?}", r.verdict(CheckId::DcepAcknowledged));
    assert_eq!(r.verdict(CheckId::SctpChecksum), Outcome::Pass, "the rewrite keeps the checksum right");
}

#[test]
fn checks_without_their_inputs_say_what_is_missing() {
    let (d, _) = aiortc();
    let (r, _) = replay(&pcapng::encode(&d, 0), ReplayOptions::default());
    for (id, option) in [
        (CheckId::StunIntegrity, "--sdp"),
        (CheckId::DtlsCertificateFingerprint, "--sdp"),
        (CheckId::SrtpAuthenticated, "--keylog"),
    ] {
        match r.verdict(id) {
            Outcome::Unsupported { why } => assert!(why.contains(option), "{why}"),
            other => panic!("{id:?}: {other:?}"),
        }
    }
}

/// A pcap file of raw IP packets wrapped in `link`, in either byte order and resolution.
fn pcap(d: &[Datagram], link: u32, big_endian: bool, nanos: bool) -> Vec<u8> {
    let u32b = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    let u16b = |v: u16| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    let mut out = Vec::new();
    out.extend_from_slice(&u32b(if nanos { 0xA1B2_3C4D } else { 0xA1B2_C3D4 }));
    out.extend_from_slice(&u16b(2));
    out.extend_from_slice(&u16b(4));
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&u32b(65_535));
    out.extend_from_slice(&u32b(link));
    for x in d {
        let ip = pcapng::ip_udp_packet(x.from, x.to, &x.bytes);
        let v6 = ip[0] >> 4 == 6;
        let mut frame = match link {
            1 => {
                let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
                f.extend_from_slice(if v6 { &[0x86, 0xDD] } else { &[0x08, 0x00] });
                f
            }
            113 => {
                let mut f = vec![0; 14];
                f.extend_from_slice(if v6 { &[0x86, 0xDD] } else { &[0x08, 0x00] });
                f
            }
            276 => {
                let mut f = if v6 { vec![0x86, 0xDD] } else { vec![0x08, 0x00] };
                f.resize(20, 0);
                f
            }
            0 => (if v6 { 30u32 } else { 2 }).to_le_bytes().to_vec(),
            108 => (if v6 { 30u32 } else { 2 }).to_be_bytes().to_vec(),
            _ => vec![],
        };
        frame.extend_from_slice(&ip);
        let (sec, frac) = (1_700_000_000 + (x.at_us / 1_000_000) as u32, (x.at_us % 1_000_000) as u32);
        out.extend_from_slice(&u32b(sec));
        out.extend_from_slice(&u32b(if nanos { frac * 1000 } else { frac }));
        out.extend_from_slice(&u32b(frame.len() as u32));
        out.extend_from_slice(&u32b(frame.len() as u32));
        out.extend_from_slice(&frame);
    }
    out
}

#[test]
fn every_format_and_link_type_gives_the_same_counts() {
    let (d, entry) = aiortc();
    let (expected, _) = replay(&pcapng::encode(&d, 0), options(&entry));
    let expected = counts(&expected);
    for link in [1u32, 113, 276, 0, 108, 101, 228] {
        for (big_endian, nanos) in [(false, false), (true, false), (false, true), (true, true)] {
            let (r, error) = replay(&pcap(&d, link, big_endian, nanos), options(&entry));
            assert!(error.is_none(), "link {link}: {error:?}");
            assert_eq!(counts(&r), expected, "link {link}, big endian {big_endian}, ns {nanos}");
            assert_eq!(r.summary.duration_ms, expected_duration(&d), "link {link}, ns {nanos}");
        }
    }
}

fn expected_duration(d: &[Datagram]) -> u64 {
    d.last().map_or(0, |x| x.at_us / 1000)
}

#[test]
fn damaged_files_are_errors_naming_where_and_the_report_is_still_built() {
    let (d, entry) = aiortc();
    let good = pcapng::encode(&d, 0);
    let check = |bytes: &[u8], expect: &str| {
        let (r, error) = replay(bytes, options(&entry));
        let e = error.unwrap_or_else(|| panic!("no error for {expect}"));
        assert!(e.to_string().contains(expect), "{e}");
        let report = build(Path::new("broken.pcapng"), r, Some(&e), "now".into(), 0);
        assert_eq!(report.results[0].id, "replay.capture.readable");
        assert_eq!(report.results[0].kind(), OutcomeKind::Error);
        report
    };
    check(&[], "empty");
    check(b"GIF89a and then some", "not a pcap or pcapng file");
    let report = check(&good[..good.len() - 7], "after packet 326");
    assert_eq!(report.capture.unwrap().packets, 326, "what was read before the cut is analysed");
    // A pcapng block whose length is not a multiple of 4: the block structure is broken.
    let mut corrupt = good.clone();
    let second_block = u32::from_le_bytes(corrupt[4..8].try_into().unwrap()) as usize;
    corrupt[second_block + 4] = 0x13;
    check(&corrupt, "after packet 0");
    let mut header = pcap(&d[..1], 1, false, false);
    header.truncate(10);
    check(&header, "header");
}

#[test]
fn damaged_packets_are_warnings_with_their_number() {
    let (d, entry) = aiortc();
    // Unknown link type: one warning, every packet skipped.
    let (r, error) = replay(&pcap(&d[..5], 147, false, false), options(&entry));
    assert!(error.is_none());
    assert_eq!(r.summary.warnings.len(), 1, "{:?}", r.summary.warnings);
    assert!(r.summary.warnings[0].contains("link type 147"));
    assert_eq!(r.summary.skipped["unknown link type"], 5);
    // Snap length: the third packet cut to 30 bytes of its length.
    let mut file = pcap(&d[..4], 101, false, false);
    let mut at = 24;
    for _ in 0..2 {
        at += 16 + u32::from_le_bytes(file[at + 8..at + 12].try_into().unwrap()) as usize;
    }
    let len = u32::from_le_bytes(file[at + 8..at + 12].try_into().unwrap()) as usize;
    file.drain(at + 16 + 30..at + 16 + len);
    file[at + 8..at + 12].copy_from_slice(&30u32.to_le_bytes());
    let (r, error) = replay(&file, options(&entry));
    assert!(error.is_none());
    assert!(
        r.summary.warnings.iter().any(|w| w.starts_with("packet 3:") && w.contains("cut to 30")),
        "{:?}",
        r.summary.warnings
    );
    // IPv4 fragments with the middle one missing.
    let big = Datagram {
        from: "10.0.0.1:5000".parse().unwrap(),
        to: "10.0.0.2:5001".parse().unwrap(),
        bytes: vec![0x80; 3000],
        at_us: 0,
    };
    let ip = pcapng::ip_udp_packet(big.from, big.to, &big.bytes);
    let frag = |offset: usize, end: usize, more: bool| {
        let mut p = ip[..20].to_vec();
        p.extend_from_slice(&ip[20 + offset..20 + end]);
        let total = p.len() as u16;
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p[4..6].copy_from_slice(&[0x12, 0x34]);
        let flags = (offset / 8) as u16 | if more { 0x2000 } else { 0 };
        p[6..8].copy_from_slice(&flags.to_be_bytes());
        p
    };
    let fragments = [frag(0, 1480, true), frag(2960, ip.len() - 20, false)];
    let mut file = pcap(&[], 101, false, false);
    for f in &fragments {
        for v in [0u32, 0, f.len() as u32, f.len() as u32] {
            file.extend_from_slice(&v.to_le_bytes());
        }
        file.extend_from_slice(f);
    }
    let (r, _) = replay(&file, ReplayOptions::default());
    assert!(
        r.summary.warnings.iter().any(|w| w.contains("first in packet 1") && w.contains("never completed")),
        "{:?}",
        r.summary.warnings
    );
    // Garbage key log lines: warnings naming the line, the good lines still used.
    let mut opts = options(&entry);
    opts.keylog.add("keys.log", b"\x00\xff garbage\nCLIENT_RANDOM 12 34\n");
    let (r, _) = replay(&pcapng::encode(&d, 0), opts);
    let named: Vec<&String> = r.summary.warnings.iter().filter(|w| w.starts_with("keys.log:")).collect();
    assert_eq!(named.len(), 2, "{:?}", r.summary.warnings);
    assert_eq!(r.summary.key_log.unwrap().flows_covered, 1);
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Seeded: the same bytes every run (rtcspec's rule), enough to reach every layer.
    let (d, _) = aiortc();
    let good = pcapng::encode(&d[..40], 0);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..2000 {
        let mut b = good.clone();
        for _ in 0..(next() % 8 + 1) {
            let at = (next() as usize) % b.len();
            b[at] = next() as u8;
        }
        let cut = (next() as usize) % (b.len() + 1);
        b.truncate(cut.max(b.len() / 2));
        let (r, e) = replay(&b, ReplayOptions::default());
        let _ = build(Path::new("x"), r, e.as_ref(), String::new(), 0);
    }
}

/// An IPv4 packet carrying one TCP segment (PSH+ACK) with `payload`.
fn ipv4_tcp(from: std::net::SocketAddrV4, to: std::net::SocketAddrV4, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&(40 + payload.len() as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
    p.extend_from_slice(&from.ip().octets());
    p.extend_from_slice(&to.ip().octets());
    p.extend_from_slice(&from.port().to_be_bytes());
    p.extend_from_slice(&to.port().to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 1, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0]);
    p.extend_from_slice(payload);
    p
}

/// A little-endian microsecond pcap of raw IP packets (link type 101).
fn raw_ip_pcap(packets: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&65_535u32.to_le_bytes());
    out.extend_from_slice(&101u32.to_le_bytes());
    for (i, p) in packets.iter().enumerate() {
        for v in [1_700_000_000u32, i as u32, p.len() as u32, p.len() as u32] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(p);
    }
    out
}

#[test]
fn sdps_sent_by_the_signaling_become_seeds() {
    // The real offer and answer of the aiortc call, sent the way signaling servers do: a JSON
    // message over TCP (as aiortc's TcpSocketSignaling does) and an HTTP POST body (WHIP).
    let dir = root().join("captures");
    let offer = std::fs::read_to_string(dir.join("aiortc-aiortc.offer.sdp")).unwrap();
    let answer = std::fs::read_to_string(dir.join("aiortc-aiortc.answer.sdp")).unwrap();
    let json = serde_json::json!({ "type": "offer", "sdp": offer }).to_string() + "\n";
    let http = format!(
        "POST /whip HTTP/1.1\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{answer}",
        answer.len()
    );
    let (a, b) = ("127.0.0.1:40000".parse().unwrap(), "127.0.0.1:8080".parse().unwrap());
    let file = raw_ip_pcap(&[ipv4_tcp(a, b, 1, json.as_bytes()), ipv4_tcp(b, a, 1, http.as_bytes())]);
    let mut replay = Replay::new("signaling", ReplayOptions::default()).collect_seeds(10);
    assert!(replay.read_all(&mut CaptureReader::new(Cursor::new(file)).unwrap()).is_none());
    let seeds = replay.take_seeds().unwrap();
    let sdps: Vec<String> =
        seeds.files.get("sdp").expect("SDP seeds").iter().map(|s| String::from_utf8(s.clone()).unwrap()).collect();
    assert_eq!(sdps, vec![offer, answer]);
}
