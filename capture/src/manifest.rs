//! `captures/MANIFEST.toml`: the bundled captures, with their SDPs, key logs and the counts
//! replay must find in them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub capture: Vec<Entry>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub file: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub key_log: Option<String>,
    #[serde(default)]
    pub sdp: Vec<String>,
    /// TURN long-term credentials of the call, as `USER:PASSWORD`.
    #[serde(default)]
    pub turn_credentials: Vec<String>,
    /// Protocol name (or packets, webrtc_flows, relayed-PROTOCOL) → count.
    pub expected: BTreeMap<String, u64>,
    /// Checks this capture fails because a stack in it breaks the RFC (see `why`).
    #[serde(default)]
    pub known_violations: Vec<String>,
    #[serde(default)]
    pub why: String,
    /// What the data channel carried, when the key log lets replay decrypt it.
    #[serde(default)]
    pub data_channel: Option<DataChannel>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct DataChannel {
    /// Whole user messages on each flow that carries the association (DCEP included).
    pub messages: u64,
    pub largest_message: usize,
    pub channels: usize,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

impl Entry {
    /// The capture, SDP and key log paths, relative to the manifest's folder.
    pub fn paths(&self, dir: &Path) -> (PathBuf, Vec<PathBuf>, Vec<PathBuf>) {
        (
            dir.join(&self.file),
            self.sdp.iter().map(|s| dir.join(s)).collect(),
            self.key_log.iter().map(|k| dir.join(k)).collect(),
        )
    }
}
