//! Project tasks: `cargo xtask setup` installs what the tests need (idempotently), and
//! `cargo xtask test` runs setup and then the whole test suite. CI runs `cargo xtask test`.

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

/// Debian packages the tests use: coturn (live TURN server), tshark (evidence decoding).
fn apt_packages() -> Result<(), String> {
    let missing: Vec<&str> = [("turnserver", "coturn"), ("tshark", "tshark")]
        .into_iter()
        .filter(|(bin, _)| !have(bin))
        .map(|(_, pkg)| pkg)
        .collect();
    if missing.is_empty() {
        eprintln!("xtask: coturn and tshark are installed");
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

fn setup(root: &Path) -> Result<(), String> {
    apt_packages()?;
    python_venv(root)
}

fn main() -> ExitCode {
    let root = root();
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "setup" => setup(&root),
        "test" => setup(&root).and_then(|_| {
            run(Command::new(env!("CARGO"))
                .args(["test", "--workspace", "--release", "--no-fail-fast"])
                .current_dir(&root))
        }),
        _ => {
            eprintln!("usage: cargo xtask <setup|test>\n  setup  install coturn, tshark and the Python shim venv (idempotent)\n  test   setup, then cargo test --workspace --release --no-fail-fast");
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
