//! rtcspec-suites: the conformance cases, one module per protocol and one file per RFC
//! section, plus each RFC's requirement inventory as data.

pub mod dtls;
pub mod forged;
pub mod ice;
pub mod live;
pub mod sctp;
pub mod sdp;
pub mod srtp;
pub mod stun;

use rtcspec_harness::requirements::Inventory;
use rtcspec_harness::Case;

/// Every case of every suite.
pub fn all_cases() -> Vec<&'static Case> {
    let mut all = stun::cases();
    all.extend(sdp::cases());
    all.extend(ice::cases());
    all.extend(dtls::cases());
    all.extend(srtp::cases());
    all.extend(sctp::cases());
    all
}

/// The suites by name, for `--suite` and `rtcspec list`.
pub const SUITES: &[&str] = &["stun", "sdp", "ice", "dtls", "srtp", "sctp"];

/// The requirement inventories, compiled in so rtcspec never needs the RFC texts at run time.
/// A parse error here is a packaging bug, caught by the crate's tests.
pub fn inventories() -> Result<Vec<Inventory>, String> {
    const FILES: &[(&str, &str)] = &[
        ("rfc8489.toml", include_str!("../requirements/rfc8489.toml")),
        ("rfc8839.toml", include_str!("../requirements/rfc8839.toml")),
        ("rfc9429.toml", include_str!("../requirements/rfc9429.toml")),
    ];
    FILES.iter().map(|(name, text)| Inventory::parse(text, name)).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rtcspec_harness::requirements::Status;

    use super::*;

    #[test]
    fn case_ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in all_cases() {
            assert!(seen.insert(c.id), "duplicate case id {}", c.id);
            assert!(c.id.starts_with(&format!("{}.", c.suite)), "{} does not start with its suite", c.id);
            assert!(
                c.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'),
                "{}",
                c.id
            );
            assert!(!c.spec.text.is_empty() && !c.title.is_empty(), "{} lacks its requirement text or title", c.id);
            assert!(!c.needs.is_empty(), "{} needs no capability", c.id);
        }
        assert!(seen.len() >= 60, "the STUN suite has at least 60 cases");
    }

    /// The RFC and section a case file's name gives: `rfc8489_9_1_3` is RFC 8489 §9.1.3,
    /// `rfc8489_b_1` Appendix B.1, `rfc8832_6_refused` RFC 8832 §6, `rfc8838` the whole of
    /// RFC 8838.
    fn section_of(file: &str) -> (String, String) {
        let mut parts = file.trim_start_matches("rfc").split('_').peekable();
        let doc = format!("RFC {}", parts.next().unwrap_or_default());
        let mut section = Vec::new();
        if let Some(appendix) = parts.next_if(|p| p.len() == 1 && p.bytes().all(|b| b.is_ascii_lowercase())) {
            section.push(appendix.to_ascii_uppercase());
        }
        section.extend(parts.take_while(|p| p.bytes().all(|b| b.is_ascii_digit())).map(str::to_string));
        (doc, section.join("."))
    }

    #[test]
    fn every_case_file_holds_only_the_rfc_section_its_name_gives() {
        let suites = [
            ("stun", stun::FILES),
            ("sdp", sdp::FILES),
            ("ice", ice::FILES),
            ("dtls", dtls::FILES),
            ("srtp", srtp::FILES),
            ("sctp", sctp::FILES),
        ];
        let mut misplaced = Vec::new();
        for (suite, files) in suites {
            for (file, cases) in files {
                let (doc, section) = section_of(file);
                for c in *cases {
                    let within = section.is_empty()
                        || c.spec.section == section
                        || c.spec.section.starts_with(&format!("{section}."));
                    if c.spec.doc != doc || !within {
                        let (doc, section) = (c.spec.doc, c.spec.section);
                        misplaced.push(format!("{suite}/{file}.rs: {} cites {doc} §{section}", c.id));
                    }
                }
            }
        }
        assert!(misplaced.is_empty(), "cases outside their file's RFC section:\n{}", misplaced.join("\n"));
        assert_eq!(section_of("rfc8832_6_refused"), ("RFC 8832".into(), "6".into()));
        assert_eq!(section_of("rfc8838"), ("RFC 8838".into(), String::new()));
        assert_eq!(section_of("rfc8489_b_1"), ("RFC 8489".into(), "B.1".into()));
    }

    #[test]
    fn covered_requirements_exist_and_are_testable() {
        let inventories = inventories().unwrap();
        let reqs: std::collections::HashMap<&str, Status> =
            inventories.iter().flat_map(|i| i.requirements.iter().map(|r| (r.id.as_str(), r.status))).collect();
        for c in all_cases() {
            for id in c.covers {
                match reqs.get(id) {
                    Some(Status::Testable) => {}
                    Some(other) => panic!("{} covers {id}, which the inventory marks {other:?}", c.id),
                    None => panic!("{} covers {id}, which is not in any inventory", c.id),
                }
            }
        }
    }

    #[test]
    fn inventory_entries_are_curated() {
        for inv in inventories().unwrap() {
            let mut ids = HashSet::new();
            for r in &inv.requirements {
                assert!(ids.insert(&r.id), "duplicate requirement {}", r.id);
                assert!(
                    r.status == Status::Testable || !r.reason.is_empty(),
                    "{} is {:?} without a reason",
                    r.id,
                    r.status
                );
                assert!(matches!(r.level.as_str(), "MUST" | "SHOULD"), "{}: level {}", r.id, r.level);
            }
        }
    }
}
