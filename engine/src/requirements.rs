//! The requirement inventory: every MUST/SHOULD sentence of an RFC, as data, marked testable,
//! untestable (why) or out of scope (why), so coverage is a number, not a feeling.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::Case;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Testable,
    Untestable,
    OutOfScope,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Requirement {
    pub id: String,
    pub section: String,
    pub level: String,
    pub text: String,
    pub status: Status,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub topic: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inventory {
    pub doc: String,
    pub title: String,
    pub url: String,
    #[serde(rename = "req")]
    pub requirements: Vec<Requirement>,
}

impl Inventory {
    pub fn parse(text: &str, name: &str) -> Result<Inventory, String> {
        toml::from_str(text).map_err(|e| format!("{name}: {e}"))
    }
}

/// Where one requirement stands.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementCoverage {
    pub id: String,
    pub section: String,
    pub level: String,
    pub status: Status,
    pub reason: String,
    pub text: String,
    /// Ids of the cases that test it.
    pub cases: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub doc: String,
    pub title: String,
    pub testable: usize,
    pub covered: usize,
    pub untestable: usize,
    pub out_of_scope: usize,
    pub requirements: Vec<RequirementCoverage>,
}

impl Coverage {
    pub fn percent(&self) -> f64 {
        if self.testable == 0 {
            100.0
        } else {
            100.0 * self.covered as f64 / self.testable as f64
        }
    }
}

pub fn coverage(inventory: &Inventory, cases: &[&Case]) -> Coverage {
    let mut by_req: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for case in cases {
        for r in case.covers {
            by_req.entry(r).or_default().push(case.id.to_string());
        }
    }
    let requirements: Vec<RequirementCoverage> = inventory
        .requirements
        .iter()
        .map(|r| RequirementCoverage {
            id: r.id.clone(),
            section: r.section.clone(),
            level: r.level.clone(),
            status: r.status,
            reason: r.reason.clone(),
            text: r.text.clone(),
            cases: by_req.get(r.id.as_str()).cloned().unwrap_or_default(),
        })
        .collect();
    let count = |s: Status| requirements.iter().filter(|r| r.status == s).count();
    Coverage {
        doc: inventory.doc.clone(),
        title: inventory.title.clone(),
        testable: count(Status::Testable),
        covered: requirements.iter().filter(|r| r.status == Status::Testable && !r.cases.is_empty()).count(),
        untestable: count(Status::Untestable),
        out_of_scope: count(Status::OutOfScope),
        requirements,
    }
}
