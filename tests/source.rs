//! Rules the source keeps, checked on the source itself: no line longer than 120 characters,
//! wire constants defined only in the wire crate, the layers (each crate uses only the ones
//! below it, and no two modules of a crate use each other), cases declared one way, and the
//! README's case counts true.

use std::collections::{BTreeMap, BTreeSet};
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
    for dir in ["wire", "live", "engine", "capture", "harness", "suites", "src", "tests", "xtask", "fuzz/fuzz_targets"]
    {
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

/// (directory, crate name) of the workspace's crates in layers, bottom first
/// (ARCHITECTURE.md): each may depend only on crates before it.
const LAYERS: [(&str, &str); 7] = [
    ("wire", "rtcspec-wire"),
    ("live", "rtcspec-live"),
    ("engine", "rtcspec-engine"),
    ("capture", "rtcspec-capture"),
    ("harness", "rtcspec-harness"),
    ("suites", "rtcspec-suites"),
    (".", "rtcspec"),
];

#[test]
fn each_crate_depends_only_on_the_layers_below_it() {
    let mut upward = Vec::new();
    for (layer, (dir, name)) in LAYERS.iter().enumerate() {
        let manifest = std::fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
        // Dependency lines name a crate first: `rtcspec-wire.workspace = true`, `rtcspec-x = {..}`.
        for line in manifest.lines() {
            let key = line.split(['.', '=', ' ']).next().unwrap_or_default();
            if let Some(used) = LAYERS.iter().position(|(_, l)| *l == key) {
                if used >= layer && !line.starts_with("name") {
                    upward.push(format!("{name} depends on {key}"));
                }
            }
        }
    }
    assert!(upward.is_empty(), "dependencies against the layers: {upward:?}");
}

/// The top-level modules (file or directory under `src/`) of the crate in `dir`, each with
/// the other top-level modules its non-test code names (`crate::m`, `crate::{m, ..}`, and
/// `super::m` in a top-level file, where `super` is the crate).
fn module_uses(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let all: Vec<PathBuf> = rust_files().into_iter().filter(|f| f.starts_with(src)).collect();
    let module_of = |path: &Path| {
        let rel = path.strip_prefix(src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        first.trim_end_matches(".rs").to_string()
    };
    let modules: BTreeSet<String> = all.iter().map(|p| module_of(p)).filter(|m| m != "lib" && m != "main").collect();
    let mut uses: BTreeMap<String, BTreeSet<String>> = modules.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    for path in &all {
        let module = module_of(path);
        let Some(used) = uses.get_mut(&module) else { continue };
        let text = std::fs::read_to_string(path).unwrap();
        // Unit tests may use any module of their crate; only what ships counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let top_level = path.parent() == Some(src);
        for line in code.lines().map(|l| l.split("//").next().unwrap_or_default()) {
            let mut prefixes = vec!["crate::"];
            if top_level {
                prefixes.push("super::");
            }
            for prefix in prefixes {
                for (at, _) in line.match_indices(prefix) {
                    let rest = &line[at + prefix.len()..];
                    let names: Vec<&str> = match rest.strip_prefix('{') {
                        Some(group) => group.split('}').next().unwrap_or_default().split(',').collect(),
                        None => vec![rest],
                    };
                    for name in names {
                        let name: String =
                            name.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                        if name != module && modules.contains(&name) {
                            used.insert(name);
                        }
                    }
                }
            }
        }
    }
    uses
}

#[test]
fn no_two_modules_of_a_layer_use_each_other() {
    let mut cycles = Vec::new();
    for (dir, name) in LAYERS {
        let uses = module_uses(&root().join(dir).join("src"));
        assert!(uses.len() > 1, "{name}: found no modules in {dir}/src");
        // `a` uses `b` and `b` reaches `a` again: a cycle through a and b.
        let reaches = |from: &str, to: &str| {
            let (mut seen, mut stack) = (BTreeSet::new(), vec![from.to_string()]);
            while let Some(m) = stack.pop() {
                if m == to {
                    return true;
                }
                if seen.insert(m.clone()) {
                    stack.extend(uses[&m].iter().cloned());
                }
            }
            false
        };
        for (a, used) in &uses {
            for b in used {
                if reaches(b, a) {
                    cycles.push(format!("{name}: {a} uses {b}, and {b} leads back to {a}"));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_suites_declare_cases_one_way() {
    // `Case::new(..).covers(..).tags(..).time_bound(..)`: no struct literal, no constructor
    // of a suite's own, so every case file reads the same.
    let mut other = Vec::new();
    for file in rust_files().iter().filter(|f| f.starts_with(root().join("suites"))) {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains("Case {") || line.contains("-> Case ") || line.trim_end().ends_with("-> Case") {
                other.push(format!("{}:{}: {}", file.strip_prefix(root()).unwrap().display(), n + 1, line.trim()));
            }
        }
    }
    assert!(other.is_empty(), "cases declared other than with Case::new:\n{}", other.join("\n"));
}
