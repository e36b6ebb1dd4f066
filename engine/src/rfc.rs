//! What an RFC requires, as a case or a replay check cites it: the RFC 2119 level and the
//! quoted requirement ([`Spec`]).

use std::fmt;

use serde::{Deserialize, Serialize};

/// RFC 2119 strength of the requirement a case tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Must,
    Should,
    May,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        })
    }
}

/// The requirement a case tests, quoted briefly, as someone holding the RFC would find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spec {
    /// "RFC 8489"
    pub doc: &'static str,
    /// "14.5", "B.1"
    pub section: &'static str,
    pub level: Level,
    pub text: &'static str,
}

impl Spec {
    pub const fn must(doc: &'static str, section: &'static str, text: &'static str) -> Spec {
        Spec { doc, section, level: Level::Must, text }
    }

    pub const fn should(doc: &'static str, section: &'static str, text: &'static str) -> Spec {
        Spec { doc, section, level: Level::Should, text }
    }

    pub const fn may(doc: &'static str, section: &'static str, text: &'static str) -> Spec {
        Spec { doc, section, level: Level::May, text }
    }

    /// Link to the section on rfc-editor.org.
    pub fn url(&self) -> String {
        let num = self.doc.trim_start_matches("RFC ").trim();
        let anchor = if self.section.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            format!("appendix-{}", self.section)
        } else {
            format!("section-{}", self.section)
        };
        format!("https://www.rfc-editor.org/rfc/rfc{num}#{anchor}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_urls_point_at_sections_and_appendices() {
        let s = Spec { doc: "RFC 8489", section: "14.5", level: Level::Must, text: "" };
        assert_eq!(s.url(), "https://www.rfc-editor.org/rfc/rfc8489#section-14.5");
        let a = Spec { section: "B.1", ..s };
        assert_eq!(a.url(), "https://www.rfc-editor.org/rfc/rfc8489#appendix-B.1");
    }
}
