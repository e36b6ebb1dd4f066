//! Target descriptions: `targets/*.toml`, plus the in-process targets that need no file.
//!
//! ```toml
//! name = "coturn"
//! kind = "server"                 # builtin | shim | server
//! start = ["turnserver", "..."]   # server: how to start it (optional: omit to test a running one)
//! addr = "127.0.0.1:34780"
//! capabilities = ["stun-responder", "stun-open-binding", "stun-long-term"]
//! [credentials]
//! username = "test"
//! password = "secret"
//! realm = "example.test"
//! ```
//! Relative paths in `command` and `start` are resolved against the TOML file's directory,
//! which is also the child's working directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::model::ModelDriver;
use super::mutant::{Fault, MutantDriver};
use super::server::ServerDriver;
use super::shim::ShimDriver;
use super::str0m::Str0mDriver;
use super::webrtc_rs::WebrtcRsDriver;
use super::{Driver, LongTermCredentials, TargetError, BUILTIN_TARGETS};
use crate::capability::Capability;
use rtcspec_live::net::namespace::NamespacePlan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// Linked into rtcspec: `engine` = reference | str0m | mutant.
    Builtin,
    /// Another language, through the stdio JSON-lines shim protocol.
    Shim,
    /// A live STUN/TURN server on loopback.
    Server,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub name: String,
    pub kind: TargetKind,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub implementation: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    /// builtin: which in-process engine.
    #[serde(default)]
    pub engine: Option<String>,
    /// builtin mutant: the faults to inject (see `rtcspec targets --faults`).
    #[serde(default)]
    pub faults: Vec<String>,
    /// builtin mutant: the target the faults are layered over (default: reference).
    #[serde(default)]
    pub base: Option<String>,
    /// shim: the program and its arguments.
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// What to tell a user whose shim or server is not installed.
    #[serde(default)]
    pub install_hint: Option<String>,
    /// server: how to start it; omitted when the server is already running.
    #[serde(default)]
    pub start: Option<Vec<String>>,
    #[serde(default)]
    pub addr: Option<SocketAddr>,
    #[serde(default)]
    pub ready_timeout_ms: Option<u64>,
    /// How long to wait for an answer before concluding "no answer" (live targets).
    #[serde(default)]
    pub reply_wait_ms: Option<u64>,
    /// shim: how long one request may take before the shim counts as hung (default 5000; a
    /// browser's first call may wait for the browser to start).
    #[serde(default)]
    pub request_timeout_ms: Option<u64>,
    #[serde(default)]
    pub capabilities: Option<Vec<String>>,
    #[serde(default)]
    pub credentials: Option<LongTermCredentials>,
    /// shim: run it in a network and PID namespace of its own (see `net::namespace`), for
    /// stacks that do no ICE on loopback or should not see the host's network (browsers).
    #[serde(default)]
    pub namespace: Option<NamespaceSpec>,
    /// Directory of the TOML file (resolution base for relative paths).
    #[serde(skip)]
    pub dir: PathBuf,
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `[namespace]`: `address = "10.77.0.1/24"` puts that address on a veth interface inside
/// (for stacks that gather no candidates on loopback); without it there is loopback only.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamespaceSpec {
    #[serde(default)]
    pub address: Option<String>,
}

impl NamespaceSpec {
    pub fn plan(&self) -> Result<NamespacePlan, String> {
        NamespacePlan::parse(self.address.as_deref())
    }
}

/// Why a target could not be found or read. Every variant is a usage error (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("unknown target {name:?}; known targets: {}", known.join(", "))]
    Unknown { name: String, known: Vec<String> },
    #[error("cannot read {}: {err}", path.display())]
    Io { path: PathBuf, err: std::io::Error },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Toml { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

/// Line and column (1-based) of a byte offset, for error messages.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.len(), |nl| before.len() - nl - 1) + 1;
    (line, column)
}

pub fn parse_target(text: &str, path: &Path) -> Result<TargetSpec, SpecError> {
    let mut spec: TargetSpec = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        SpecError::Toml { path: path.to_path_buf(), line, column, message: e.message().trim().to_string() }
    })?;
    // Absolute, so commands resolve the same whatever the working directory.
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    spec.dir = parent.canonicalize().unwrap_or_else(|_| parent.to_path_buf());
    spec.source = Some(path.to_path_buf());
    spec.validate().map_err(|message| SpecError::Invalid { path: path.to_path_buf(), message })?;
    Ok(spec)
}

impl TargetSpec {
    fn builtin(name: &str, engine: &str, faults: Vec<String>, dir: &Path) -> TargetSpec {
        TargetSpec {
            name: name.to_string(),
            kind: TargetKind::Builtin,
            description: String::new(),
            implementation: None,
            version: None,
            engine: Some(engine.to_string()),
            faults,
            base: None,
            command: None,
            install_hint: None,
            start: None,
            addr: None,
            ready_timeout_ms: None,
            reply_wait_ms: None,
            request_timeout_ms: None,
            capabilities: None,
            credentials: None,
            namespace: None,
            dir: dir.to_path_buf(),
            source: None,
        }
    }

    fn validate(&self) -> Result<(), String> {
        if self.namespace.is_some() && self.kind != TargetKind::Shim {
            return Err("[namespace] is for kind = \"shim\" targets (their shim process runs inside it)".into());
        }
        match self.kind {
            TargetKind::Builtin => match self.engine.as_deref() {
                Some("reference" | "str0m" | "model") => Ok(()),
                Some("mutant") => self.faults.iter().try_for_each(|f| Fault::parse(f).map(|_| ())),
                Some(other) => {
                    Err(format!("unknown engine {other:?}; builtin engines are reference, str0m, model, mutant"))
                }
                None => Err("kind = \"builtin\" needs engine = \"reference\" | \"str0m\" | \"mutant\"".into()),
            },
            TargetKind::Shim => match &self.command {
                Some(c) if !c.is_empty() => self.namespace.as_ref().map_or(Ok(()), |n| n.plan().map(|_| ())),
                _ => Err("kind = \"shim\" needs command = [\"program\", \"args\"...]".into()),
            },
            TargetKind::Server => {
                if self.addr.is_none() {
                    return Err("kind = \"server\" needs addr = \"127.0.0.1:PORT\"".into());
                }
                self.declared_capabilities().map(|_| ())
            }
        }
    }

    /// Capabilities listed in the file (servers must list them; shims may, to restrict).
    pub fn declared_capabilities(&self) -> Result<Option<Vec<Capability>>, String> {
        let Some(names) = &self.capabilities else { return Ok(None) };
        names
            .iter()
            .map(|n| {
                Capability::from_name(n).ok_or_else(|| {
                    let known: Vec<_> = Capability::ALL.iter().map(|c| c.name()).collect();
                    format!("unknown capability {n:?}; known: {}", known.join(", "))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// A path from the file, resolved against the file's directory.
    pub fn resolve_path(&self, p: &str) -> PathBuf {
        let path = Path::new(p);
        if path.is_absolute() || !p.contains('/') {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        }
    }

    /// Whether several instances of this target may run cases side by side. A server target
    /// is one process (started and stopped by its driver, its quotas shared by every case),
    /// so not; a shim process or an in-process stack per worker is independent of the others.
    /// A mutant is as its base.
    pub fn runs_in_parallel(&self) -> bool {
        match self.kind {
            TargetKind::Server => false,
            TargetKind::Shim => true,
            TargetKind::Builtin if self.engine.as_deref() == Some("mutant") => {
                let base = self.base.as_deref().unwrap_or("reference");
                load_target(base, &self.dir).map(|b| b.kind != TargetKind::Server).unwrap_or(false)
            }
            TargetKind::Builtin => true,
        }
    }

    /// Whether the target's instances are stacks linked into this process (the reference,
    /// str0m, and mutants of them), not processes of their own.
    pub fn in_process(&self) -> bool {
        match self.kind {
            TargetKind::Builtin if self.engine.as_deref() == Some("mutant") => {
                let base = self.base.as_deref().unwrap_or("reference");
                load_target(base, &self.dir).map(|b| b.in_process()).unwrap_or(false)
            }
            TargetKind::Builtin => true,
            TargetKind::Shim | TargetKind::Server => false,
        }
    }

    pub fn driver(&self) -> Result<Box<dyn Driver>, TargetError> {
        Ok(match self.kind {
            TargetKind::Builtin => match self.engine.as_deref() {
                Some("str0m") => Box::new(Str0mDriver { name: self.name.clone() }),
                Some("model") => Box::new(ModelDriver { name: self.name.clone() }),
                Some("mutant") => {
                    let faults = self.faults.iter().map(|f| Fault::parse(f)).collect::<Result<Vec<_>, _>>();
                    let base_name = self.base.as_deref().unwrap_or("reference");
                    if base_name.starts_with("mutant") {
                        return Err(TargetError::Environment("a mutant cannot be the base of a mutant".into()));
                    }
                    let base =
                        load_target(base_name, &self.dir).map_err(|e| TargetError::Environment(e.to_string()))?;
                    Box::new(MutantDriver::new(&self.name, base.driver()?, faults.map_err(TargetError::Environment)?))
                }
                _ => Box::new(WebrtcRsDriver { name: self.name.clone() }),
            },
            TargetKind::Shim => Box::new(ShimDriver::start(self)?),
            TargetKind::Server => Box::new(ServerDriver::start(self)?),
        })
    }
}

/// Finds a target by name or path: a path to a TOML file; `targets_dir/NAME.toml`; or a
/// builtin (`reference`, `str0m`, `model`, `mutant`, `mutant:fault1,fault2`, or
/// `mutant@BASE:fault1,...` to layer the faults over any other target).
pub fn load_target(name: &str, targets_dir: &Path) -> Result<TargetSpec, SpecError> {
    let read = |path: &Path| {
        let text = std::fs::read_to_string(path).map_err(|err| SpecError::Io { path: path.to_path_buf(), err })?;
        parse_target(&text, path)
    };
    if name.ends_with(".toml") || name.contains('/') {
        return read(Path::new(name));
    }
    let file = targets_dir.join(format!("{name}.toml"));
    if file.is_file() {
        return read(&file);
    }
    if name.starts_with("mutant:") || name.starts_with("mutant@") {
        let (head, faults) = name.split_once(':').unwrap_or((name, ""));
        let faults: Vec<String> = faults.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect();
        let mut spec = TargetSpec::builtin(name, "mutant", faults, targets_dir);
        spec.base = head.strip_prefix("mutant@").map(str::to_string);
        spec.validate().map_err(|message| SpecError::Invalid { path: PathBuf::from(name), message })?;
        return Ok(spec);
    }
    if BUILTIN_TARGETS.contains(&name) {
        return Ok(TargetSpec::builtin(name, name, Vec::new(), targets_dir));
    }
    Err(SpecError::Unknown { name: name.to_string(), known: known_targets(targets_dir) })
}

/// Builtin names and the TOML files in `targets_dir`, sorted, without duplicates.
pub fn known_targets(targets_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN_TARGETS.iter().map(|s| s.to_string()).collect();
    if let Ok(entries) = std::fs::read_dir(targets_dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "toml") {
                if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
                    names.push(stem.to_string());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_errors_carry_line_and_column() {
        let err = parse_target("name = \"x\"\nkind = \"server\"\naddr = 12\n", Path::new("t.toml")).unwrap_err();
        match err {
            SpecError::Toml { line, column, .. } => assert_eq!((line, column), (3, 8)),
            other => panic!("expected a TOML error, got {other}"),
        }
        let err = parse_target("name = \"x\"\nkind = \"server\"\nbogus = 1\n", Path::new("t.toml")).unwrap_err();
        assert!(err.to_string().starts_with("t.toml:3:1:"), "{err}");
    }

    #[test]
    fn unknown_targets_list_the_known_ones() {
        let err = load_target("nonesuch", Path::new("/nonexistent")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("reference") && msg.contains("str0m") && msg.contains("mutant"), "{msg}");
    }

    #[test]
    fn invalid_specs_are_explained() {
        let err = parse_target("name = \"x\"\nkind = \"server\"\n", Path::new("t.toml")).unwrap_err();
        assert!(err.to_string().contains("needs addr"), "{err}");
        let err = load_target("mutant:no-such-fault", Path::new(".")).unwrap_err();
        assert!(err.to_string().contains("no-such-fault"), "{err}");
    }
}
