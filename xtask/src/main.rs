//! Project tasks: `cargo xtask setup` installs what the tests need (idempotently), and
//! `cargo xtask test` runs setup, the format and lint checks, and then the whole test suite.
//! CI runs `cargo xtask test`. `cargo xtask test --fast` is the edit loop: the codec suites,
//! the unit tests and one live call, without setup, in a few minutes.
//! `cargo xtask fuzz` is the overnight fuzzing run (see fuzz/README.md); `cargo xtask matrix`
//! runs every suite against the seven stacks and regenerates `reports/examples/`.

mod fuzz;
mod matrix;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("xtask: $ {cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

/// Debian packages the tests use, by a program each installs: coturn (live TURN server),
/// tshark (evidence decoding), Node and npm (the Node shim), Chromium and Firefox ESR (live
/// targets, driven by the Node shim's puppeteer-core), and iproute2 and util-linux (`ip`,
/// `unshare`: the network namespaces the browsers and libwebrtc run in).
const APT_PACKAGES: [(&str, &str); 8] = [
    ("turnserver", "coturn"),
    ("tshark", "tshark"),
    ("node", "nodejs"),
    ("npm", "npm"),
    ("chromium", "chromium"),
    ("firefox-esr", "firefox-esr"),
    ("ip", "iproute2"),
    ("unshare", "util-linux"),
];

fn apt_packages() -> Result<(), String> {
    let missing: Vec<&str> = APT_PACKAGES.into_iter().filter(|(bin, _)| !have(bin)).map(|(_, pkg)| pkg).collect();
    if missing.is_empty() {
        let all: Vec<&str> = APT_PACKAGES.iter().map(|(_, pkg)| *pkg).collect();
        eprintln!("xtask: {} are installed", all.join(", "));
        return Ok(());
    }
    if !have("apt-get") {
        return Err(format!("missing {} and no apt-get: install them with your package manager", missing.join(", ")));
    }
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// The Python shim's venv under target/, with its pinned requirements.
fn python_venv(root: &Path) -> Result<(), String> {
    let venv = root.join("target/shim-venv");
    let python = venv.join("bin/python");
    let requirements = root.join("shims/python/requirements.txt");
    let stamp = venv.join(".requirements");
    let wanted = std::fs::read_to_string(&requirements).map_err(|e| format!("{}: {e}", requirements.display()))?;
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        eprintln!("xtask: {} is up to date", venv.display());
        return Ok(());
    }
    if !python.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))
}

/// The Node shim's packages under target/shim-node, exactly as shims/node/package-lock.json
/// pins them (`npm ci`).
fn node_modules(root: &Path) -> Result<(), String> {
    let dir = root.join("target/shim-node");
    let lock = root.join("shims/node/package-lock.json");
    let stamp = dir.join(".package-lock");
    let wanted = std::fs::read_to_string(&lock).map_err(|e| format!("{}: {e}", lock.display()))?;
    if dir.join("node_modules").is_dir() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        eprintln!("xtask: {} is up to date", dir.display());
        return Ok(());
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for file in ["package.json", "package-lock.json"] {
        let from = root.join("shims/node").join(file);
        std::fs::copy(&from, dir.join(file)).map_err(|e| format!("{}: {e}", from.display()))?;
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&dir))?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))
}

fn setup(root: &Path) -> Result<(), String> {
    apt_packages()?;
    python_venv(root)?;
    node_modules(root)
}

/// Formatting and lints, as CI holds them: rustfmt's output and no clippy warning.
fn checks(root: &Path) -> Result<(), String> {
    run(Command::new(env!("CARGO")).args(["fmt", "--all", "--", "--check"]).current_dir(root))?;
    run(Command::new(env!("CARGO"))
        .args(["clippy", "--workspace", "--all-targets", "--release", "--", "-D", "warnings"])
        .current_dir(root))
}

/// The fast tier: every crate's unit tests, the codec suites' honesty proof, capture replay,
/// the fuzz corpora, the source rules, and one live call against the in-process reference
/// (its evidence read by tshark, which `cargo xtask setup` installed once).
fn fast(root: &Path) -> Result<(), String> {
    // Always the whole workspace selected, as the full run does: a narrower selection unifies
    // features differently and rebuilds the dependencies each time the two alternate.
    let cargo = || {
        let mut c = Command::new(env!("CARGO"));
        c.args(["test", "--release", "--workspace"]).current_dir(root);
        c
    };
    let tests = ["capture_replay", "fuzz_corpora", "every_case_can_fail", "sdp_corpus", "source"];
    run(cargo().args(["--lib", "--bins"]).args(tests.iter().flat_map(|t| ["--test", t])))?;
    run(cargo().args(["--test", "live_call", "--", "in_process_reference"]))
}

fn main() -> ExitCode {
    let root = root();
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "setup" => setup(&root),
        "test" if std::env::args().nth(2).as_deref() == Some("--fast") => fast(&root),
        "test" => setup(&root).and_then(|_| checks(&root)).and_then(|_| {
            run(Command::new(env!("CARGO"))
                .args(["test", "--workspace", "--release", "--no-fail-fast"])
                .current_dir(&root))
        }),
        "fuzz" => fuzz::fuzz(&root, &std::env::args().skip(2).collect::<Vec<_>>()),
        "matrix" => setup(&root).and_then(|_| matrix::matrix(&root, &std::env::args().skip(2).collect::<Vec<_>>())),
        _ => {
            eprintln!(
                "usage: cargo xtask <setup|test|fuzz|matrix>\n  setup   install coturn, tshark, node, chromium, \
                    firefox-esr, the Python shim venv and the Node shim packages (idempotent)\n  test    setup, cargo \
                    fmt --check, cargo clippy -D warnings, then cargo test --workspace --release \
                    --no-fail-fast\n  test --fast  the edit loop: unit tests, codec suites, capture replay, fuzz \
                    corpora, one live call (no setup)\n  fuzz    {}\n  matrix  {}",
                fuzz::USAGE,
                matrix::USAGE
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
