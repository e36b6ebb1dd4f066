//! `rtcspec matrix`: many reports into one compatibility matrix (HTML and Markdown).

use std::path::PathBuf;

use clap::Args;
use rtcspec_harness::report::matrix::{Input, Matrix};
use rtcspec_harness::report::Report;

use crate::output::usage;

#[derive(Args, Debug)]
pub struct MatrixArgs {
    /// report.json files, one per implementation (columns keep this order).
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// The HTML page to write; the Markdown goes beside it with the extension .md.
    #[arg(long, default_value = "reports/matrix.html")]
    pub out: PathBuf,
}

pub fn matrix(args: &MatrixArgs) -> u8 {
    let mut inputs = Vec::new();
    for path in &args.reports {
        let report = match std::fs::read_to_string(path) {
            Ok(text) => Report::from_json(&text),
            Err(e) => Err(e.to_string()),
        };
        match report {
            Ok(report) => inputs.push(Input { path: path.clone(), report }),
            Err(e) => return usage(format!("{}: {e}", path.display())),
        }
    }
    let dir = args.out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let matrix = Matrix::build(&inputs, dir);
    let markdown = args.out.with_extension("md");
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&args.out, matrix.html()))
        .and_then(|()| std::fs::write(&markdown, matrix.markdown()));
    match written {
        Ok(()) => {
            eprintln!("rtcspec: wrote {} and {}", args.out.display(), markdown.display());
            0
        }
        Err(e) => usage(format!("cannot write {}: {e}", args.out.display())),
    }
}
