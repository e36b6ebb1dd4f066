//! Rules the source keeps, checked on the source itself: no line longer than 120 characters,
//! wire constants defined only in the wire crate, and the README's case counts true.

use std::path::{Path, PathBuf};

const MAX_LINE: usize = 120;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every Rust file of the workspace (and the fuzz targets), without build output.
fn rust_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() && name != "target" && name != "node_modules" {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for dir in ["wire", "harness", "suites", "src", "tests", "xtask", "fuzz/fuzz_targets"] {
        walk(&root().join(dir), &mut out);
    }
    out.sort();
    out
}

#[test]
fn no_source_line_is_longer_than_120_characters() {
    let files = rust_files();
    assert!(files.len() > 100, "found only {} Rust files under {}", files.len(), root().display());
    let mut long = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let width = line.chars().count();
            if width > MAX_LINE {
                long.push(format!("{}:{}: {width} characters", file.strip_prefix(root()).unwrap().display(), n + 1));
            }
        }
    }
    assert!(long.is_empty(), "{} lines over {MAX_LINE} characters:\n{}", long.len(), long.join("\n"));
}

/// A `const NAME: TYPE = ...` line's name and type.
fn const_of(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().trim_start_matches("pub ").trim_start_matches("pub(crate) ").strip_prefix("const ")?;
    let (name, rest) = rest.split_once(':')?;
    let ty = rest.split('=').next().unwrap_or_default().trim();
    Some((name.trim().to_string(), ty.to_string()))
}

/// The names and types of the constants the wire crate defines.
fn wire_constants() -> Vec<(String, String)> {
    let mut names = Vec::new();
    for file in rust_files().iter().filter(|f| f.starts_with(root().join("wire"))) {
        for line in std::fs::read_to_string(file).unwrap().lines() {
            if line.starts_with("pub const ") {
                names.extend(const_of(line));
            }
        }
    }
    names
}

#[test]
fn wire_constants_are_defined_in_the_wire_crate_only() {
    let names = wire_constants();
    assert!(names.iter().any(|(n, _)| n == "CLIENT_HELLO"), "the wire crate's constants were not found");
    let mut again = Vec::new();
    for file in rust_files().iter().filter(|f| !f.starts_with(root().join("wire"))) {
        for (n, line) in std::fs::read_to_string(file).unwrap().lines().enumerate() {
            // A quote or a count that happens to share a name is no wire constant: the type
            // must be the wire one's too.
            let Some((name, ty)) = const_of(line) else { continue };
            if names.iter().any(|(n, t)| *n == name && *t == ty) {
                again.push(format!("{}:{}: const {name}", file.strip_prefix(root()).unwrap().display(), n + 1));
            }
        }
    }
    assert!(
        again.is_empty(),
        "wire constants defined again outside wire/ (import them \
        instead):\n{}",
        again.join("\n")
    );
}

#[test]
fn the_readme_gives_each_suite_its_true_case_count() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = |suite: &str| rtcspec_suites::all_cases().iter().filter(|c| c.suite == suite).count();
    let live: usize = ["ice", "dtls", "srtp", "sctp"].iter().map(|s| count(s)).sum();
    for phrase in [
        format!("§7; {} cases)", count("stun")),
        format!("SDP/JSEP ({} cases)", count("sdp")),
        format!("ICE ({} cases)", count("ice")),
        format!("DTLS ({})", count("dtls")),
        format!("SRTP ({})", count("srtp")),
        format!("SCTP/data channel ({})", count("sctp")),
        format!("{live} cases in about"),
    ] {
        assert!(readme.contains(&phrase), "README.md does not say {phrase:?}: update its counts");
    }
}
