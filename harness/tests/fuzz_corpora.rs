//! The fuzz targets on the stable toolchain: every seed in `corpora/<format>/` and every
//! crash ever found in `corpora/regressions/<target>/` replays through the same entry point
//! libFuzzer runs (`rtcspec_harness::fuzz`), and each target takes a bounded number of seeded
//! random inputs. The known crashes in dependencies that the targets step around are shown
//! to still happen, so the workaround goes when upstream fixes them.

use std::path::{Path, PathBuf};

use rtcspec_harness::fuzz::{divergences, TARGETS};
use rtcspec_harness::seed::SeedRng;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Runs `input` through `target`, naming the file when it panics.
fn replay(target: &rtcspec_harness::fuzz::FuzzTarget, file: &Path, input: &[u8]) -> Result<(), String> {
    std::panic::catch_unwind(|| (target.run)(input)).map_err(|e| {
        let why = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
        format!(
            "{} on {}: {}\n  reproduce: cargo +nightly fuzz run {} {}",
            target.name,
            file.display(),
            why.unwrap_or_default(),
            target.name,
            file.display()
        )
    })
}

#[test]
fn every_seed_and_regression_replays_without_a_crash() {
    let corpora = root().join("corpora");
    let mut failures = Vec::new();
    for t in TARGETS {
        let mut dirs: Vec<PathBuf> = t.seeds.iter().map(|s| corpora.join(s)).collect();
        dirs.push(corpora.join("regressions").join(t.name));
        let mut n = 0;
        for file in dirs.iter().flat_map(|d| files(d)) {
            let input = std::fs::read(&file).unwrap();
            n += 1;
            if let Err(e) = replay(t, &file, &input) {
                failures.push(e);
            }
        }
        eprintln!("{}: {n} files", t.name);
        for seed_dir in t.seeds {
            assert!(!files(&corpora.join(seed_dir)).is_empty(), "{}: corpora/{seed_dir} has no seeds", t.name);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_target_survives_seeded_random_inputs() {
    let seed = std::env::var("RTCSPEC_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7);
    eprintln!("seed {seed} (RTCSPEC_FUZZ_SEED to change)");
    let mut rng = SeedRng::new(seed);
    let mut failures = Vec::new();
    for t in TARGETS {
        for i in 0..200 {
            let len = rng.below(if i % 2 == 0 { 64 } else { 1500 }) as usize;
            let input: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
            if let Err(e) = replay(t, Path::new(&format!("<seed {seed} input {i}>")), &input) {
                failures.push(format!("{e}\n  input: {}", rtcspec_harness::stun::hex(&input)));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cargo_fuzz_has_exactly_the_library_targets() {
    let text = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap();
    let mut declared: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"'))
        .filter(|n| *n != "rtcspec-fuzz")
        .collect();
    let mut library: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
    declared.sort_unstable();
    library.sort_unstable();
    assert_eq!(declared, library);
    for t in TARGETS {
        let src = std::fs::read_to_string(root().join(format!("fuzz/fuzz_targets/{}.rs", t.name))).unwrap();
        assert!(src.contains(&format!("by_name(\"{}\")", t.name)), "fuzz/fuzz_targets/{}.rs", t.name);
    }
}

/// What `rtcspec fuzz list --tsv` prints; fuzz/targets.tsv is read by `cargo xtask fuzz` and
/// the OSS-Fuzz build script, which do not build the library.
fn targets_tsv() -> String {
    let mut out =
        String::from("# name\tseed folders under corpora/\tdictionary under fuzz/dict/ (rtcspec fuzz list --tsv)\n");
    for t in TARGETS {
        let seeds = if t.seeds.is_empty() { "-".to_string() } else { t.seeds.join(",") };
        out.push_str(&format!("{}\t{seeds}\t{}\n", t.name, t.dictionary().unwrap_or("-")));
    }
    out
}

#[test]
fn fuzz_targets_tsv_is_the_library_list() {
    let path = root().join("fuzz/targets.tsv");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != targets_tsv() {
        if std::env::var_os("RTCSPEC_UPDATE_TARGETS_TSV").is_some() {
            std::fs::write(&path, targets_tsv()).unwrap();
        }
        panic!(
            "fuzz/targets.tsv differs from the library's targets; rerun with RTCSPEC_UPDATE_TARGETS_TSV=1 to \
            rewrite it"
        );
    }
    for t in TARGETS {
        if let Some(d) = t.dictionary() {
            assert!(root().join("fuzz/dict").join(d).exists(), "{}: fuzz/dict/{d}", t.name);
        }
    }
}

#[test]
fn known_crashes_in_dependencies_still_happen() {
    for c in divergences::CRASHES {
        let regressions = files(&root().join("corpora/regressions").join(c.target));
        let inputs: Vec<Vec<u8>> = regressions
            .iter()
            .filter(|f| f.file_name().is_some_and(|n| n.to_string_lossy().starts_with(c.regressions)))
            .map(|f| std::fs::read(f).unwrap())
            .collect();
        for input in &inputs {
            assert!(
                (c.matches)(input),
                "{}: the target would not step around {}",
                c.crate_name,
                rtcspec_harness::stun::hex(input)
            );
        }
        assert!(!inputs.is_empty(), "{}: keep the crashing input in corpora/regressions/{}/", c.crate_name, c.target);
        assert!(root().join(c.report).exists(), "{}: no upstream report at {}", c.crate_name, c.report);
        for input in inputs {
            let crashed = std::panic::catch_unwind(|| match c.target {
                "dcep" => {
                    use rtc_shared::marshal::Unmarshal;
                    let mut buf: &[u8] = &input;
                    let _ = rtc::datachannel::message::Message::unmarshal(&mut buf);
                }
                "sctp" => {
                    // As the target does: the CRC32c made right first.
                    let mut p = input.clone();
                    if let Some(c) = rtcspec_wire::sctp::checksum(&p) {
                        p[8..12].copy_from_slice(&c.to_le_bytes());
                    }
                    let _ = rtc::sctp::fuzzing::packet_unmarshal(&p);
                }
                "srtp_unprotect" => srtp_encrypt(&input),
                other => panic!("no reproducer for {other}"),
            })
            .is_err();
            assert!(
                crashed,
                "{} no longer crashes on {}: drop the workaround in fuzz::divergences",
                c.crate_name,
                rtcspec_harness::stun::hex(&input)
            );
        }
    }
}

/// Protects the `srtp_unprotect` input's packet with its profile, as a sender would.
fn srtp_encrypt(input: &[u8]) {
    let profile = rtcspec_harness::fuzz::formats::srtp_profile(input[0]);
    let provider = rtc_crypto::default_provider().unwrap();
    let (key, salt) = (vec![0x11; profile.key_len()], vec![0x22; profile.salt_len()]);
    let mut c = rtc::srtp::context::Context::new(&key, &salt, profile, None, None, provider.crypto()).unwrap();
    let _ = c.encrypt_rtp(&input[1..]);
}

#[test]
fn the_sctp_crash_is_rtc_sctp_only() {
    // str0m's SCTP stack (sctp-proto 0.10.8) checks the error cause length: same input, no panic.
    for f in files(&root().join("corpora/regressions/sctp")) {
        sctp_proto::_fuzz::fuzz_packet_unmarshal(&std::fs::read(f).unwrap());
    }
}

#[test]
fn str0m_reads_0x0022_as_software() {
    // reports/findings/str0m-software-attribute-type.md: fails once str0m reads 0x8022.
    let input = std::fs::read(root().join("corpora/regressions/stun_diff/str0m-0x0022-read-as-software.bin")).unwrap();
    let m = str0m::ice::StunMessage::parse(&input[1..]).expect("str0m parses the message");
    assert_eq!(m.software(), Some(""), "str0m now reads SOFTWARE from 0x8022: drop the divergence");
}

#[test]
fn str0m_reads_an_empty_xor_mapped_address_from_the_next_attribute() {
    // reports/findings/str0m-xor-address-past-attribute.md: XOR-MAPPED-ADDRESS of length 0,
    // followed by attribute 0x0001 of length 0; str0m decodes 0x0001 0000 XOR the cookie.
    use rtcspec_harness::driver::StunCodec;
    let input = std::fs::read(root().join("corpora/regressions/stun_diff/str0m-xor-mapped-address-past-attribute.bin"))
        .unwrap();
    let d = rtcspec_harness::driver::str0m::Str0mCodec.decode(&input[1..]).unwrap().unwrap();
    assert_eq!(
        d.fields.xor_mapped_address,
        Some("33.18.164.66:8466".parse().unwrap()),
        "str0m fixed: drop the divergence"
    );
}

#[test]
fn rtc_srtp_protects_part_of_the_header_after_an_extension_with_id_15() {
    // reports/findings/rtc-srtp-header-size-panic.md: protect then unprotect does not give
    // the packet back; the bytes after the ID-15 element were encrypted as payload.
    use rtc::srtp::protection_profile::ProtectionProfile as P;
    let input =
        std::fs::read(root().join("corpora/regressions/srtp_unprotect/rtc-srtp-extension-id15-encrypts-header.bin"))
            .unwrap();
    let packet = &input[1..];
    assert!(divergences::rtp_header_size_differs(packet));
    let provider = rtc_crypto::default_provider().unwrap();
    let p = P::Aes256CmHmacSha1_80;
    let (key, salt) = (vec![0x11; p.key_len()], vec![0x22; p.salt_len()]);
    let context = || rtc::srtp::context::Context::new(&key, &salt, p, None, None, provider.crypto()).unwrap();
    let protected = context().encrypt_rtp(packet).unwrap();
    assert_ne!(&protected[16..20], &packet[16..20], "the extension block's bytes after ID 15 went out encrypted");
    let back = context().decrypt_rtp(&protected).unwrap();
    assert_ne!(&back[..], packet, "rtc-srtp round-trips this packet now: drop the divergence");
}

#[test]
fn xor_mapped_addresses_that_do_not_fit_their_family_are_still_read() {
    // fuzz::divergences: family 2 with an 8-byte value (rtc-stun), family 1 with 20 (str0m).
    use rtcspec_harness::driver::StunCodec;
    let ipv6_in_8 = rtcspec_harness::stun::unhex(
        "351100242112a4420001deff27fe24ffff2b74ff0009000400000623002000080002182b0e669d7bf9ff000139\
            000000802800049add2408",
    )
    .unwrap();
    let mut reference = rtcspec_harness::driver::webrtc_rs::WebrtcRsCodec::new().unwrap();
    let d = reference.decode(&ipv6_in_8).unwrap().unwrap();
    assert_eq!(
        d.fields.xor_mapped_address,
        Some("[2f74:3939::]:14649".parse().unwrap()),
        "rtc-stun fixed: drop the divergence"
    );
    let ipv4_in_20 = rtcspec_harness::stun::unhex(
        "3fff00382112a442ffff24ff1dff000020ffffff00090011000003115151393939393939393939395800000080\
            220000f9000000002000140001a1addeeda442ffff24002dba8bbf9f404047",
    )
    .unwrap();
    let d = rtcspec_harness::driver::str0m::Str0mCodec.decode(&ipv4_in_20).unwrap().unwrap();
    assert_eq!(
        d.fields.xor_mapped_address,
        Some("255.255.0.0:32959".parse().unwrap()),
        "str0m fixed: drop the divergence"
    );
}
