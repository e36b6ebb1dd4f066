//! rtcspec: conformance and fuzzing suite for WebRTC protocol implementations.
//! The CLI only parses arguments and dispatches; the work is done in the library crates,
//! reached through `rtcspec-harness` (ARCHITECTURE.md).

mod commands;
mod fuzz;
mod matrix;
mod output;
mod replay;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Conformance and fuzzing test suite for WebRTC protocol implementations
/// (STUN/TURN, ICE, SDP, DTLS, SRTP, SCTP data channels).
///
/// Every case tests one RFC requirement, quotes it, and cites its section. Runs write
/// JSON (the source of truth), JUnit XML, a self-contained HTML page and Markdown.
///
/// Exit codes: 0 every required case passed (or the results match --baseline),
/// 1 conformance failures or a baseline mismatch, 2 usage or environment error.
#[derive(Parser, Debug)]
#[command(name = "rtcspec", version, max_term_width = 100)]
struct Cli {
    /// Log what the harness and targets do (-v info, -vv debug, -vvv trace) to stderr.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run cases against a target and write reports.
    ///
    /// Example: rtcspec run --suite stun --target coturn --out reports/coturn
    Run(RunArgs),
    /// List cases (or, with --requirements, RFC coverage).
    List(ListArgs),
    /// Differential parsing: the same inputs into several parsers; every kind of disagreement
    /// is reported once, with its input minimized. STUN: generated and corrupted messages.
    /// SDP: the descriptions under --input and seeded one-line mutations of them.
    ///
    /// Examples: rtcspec diff --target reference,str0m,aioice --count 5000
    ///           rtcspec diff --protocol sdp --target reference,str0m,aiortc
    Diff(DiffArgs),
    /// List known targets and the faults the mutant target can inject.
    Targets(TargetsArgs),
    /// Check a protocol artefact from a bug report (today: SDP) and cite the RFC for each finding.
    Lint {
        #[command(subcommand)]
        kind: LintKind,
    },
    /// Check a capture of a call (pcap or pcapng): flows, RFC 7983 demultiplexing, STUN,
    /// DTLS and TURN checks, with the same reports as a live run (the capture is the target).
    ///
    /// Example: rtcspec replay call.pcapng --sdp offer.sdp --sdp answer.sdp --keylog keys.log
    ///
    /// Exit 0 no violation, 1 violations found, 2 unreadable or damaged capture (the report
    /// is still written, with what could be read).
    Replay(ReplayArgs),
    /// Seed corpora for fuzzing.
    Corpus {
        #[command(subcommand)]
        action: CorpusAction,
    },
    /// The fuzz targets (run them with `cargo xtask fuzz`, see fuzz/README.md).
    Fuzz {
        #[command(subcommand)]
        action: FuzzAction,
    },
    /// Many reports into one compatibility matrix: implementations × cases, a self-contained
    /// HTML page and Markdown; failing cells link to their evidence.
    ///
    /// Example: rtcspec matrix reports/*/report.json --out reports/matrix.html
    Matrix(matrix::MatrixArgs),
    /// A linked-in stack as a shim: the peer operations of shims/PROTOCOL.md over stdio,
    /// one JSON object per line. This is the reference as a separate process
    /// (targets/reference-process.toml), and a working model for writing a shim.
    ///
    /// Example: printf '{"id":1,"op":"peer.start"}\n{"id":2,"op":"peer.offer"}\n' | rtcspec peer-shim
    PeerShim {
        /// Which stack answers: the reference (webrtc-rs) or str0m.
        #[arg(long, value_enum, default_value_t = PeerStackName::Reference)]
        stack: PeerStackName,
    },
    /// Baseline files: the expected outcome per case for one target.
    Baseline {
        #[command(subcommand)]
        action: BaselineAction,
    },
}

#[derive(Args, Debug, Clone, Default)]
pub struct SelectArgs {
    /// Only these suites (protocols), e.g. `stun`. Repeat or comma-separate.
    #[arg(long, value_delimiter = ',')]
    suite: Vec<String>,
    /// Only cases whose id matches this glob (`*` and `?`), e.g. 'stun.8489.14.*'.
    #[arg(long = "case", value_name = "GLOB", value_delimiter = ',')]
    cases: Vec<String>,
    /// Only cases with one of these tags, e.g. `security`.
    #[arg(long, value_delimiter = ',')]
    tag: Vec<String>,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    select: SelectArgs,
    /// Target name (a builtin or targets/NAME.toml) or path to a target TOML file.
    /// Builtins: reference, str0m, model, mutant[@BASE][:FAULT,...].
    #[arg(long, short, default_value = "reference")]
    target: String,
    /// Where target TOML files are looked up by name.
    #[arg(long, default_value = "targets", value_name = "DIR")]
    targets_dir: PathBuf,
    /// Seed for everything random; printed in every report. Default: from the clock.
    #[arg(long)]
    seed: Option<u64>,
    /// Output directory for reports and evidence (pcapng per failing case).
    #[arg(long, short, default_value = "reports", value_name = "DIR")]
    out: PathBuf,
    /// Seed of the impaired paths (the DTLS loss, delay, duplication and reordering cases).
    /// By default each such case uses one fixed seed (0x7274637370656331), so its verdict
    /// does not change with --seed and matches the baselines; another value explores other
    /// paths (compare the result with no baseline). Decimal or 0x-prefixed hex.
    #[arg(long, value_name = "SEED", value_parser = parse_seed)]
    path_seed: Option<u64>,
    /// Report formats to write.
    #[arg(long, value_delimiter = ',', default_value = "json,junit,html,md")]
    format: Vec<String>,
    /// Compare with a baseline (expected outcome per case); exit 1 on any difference.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Per-case timeout in seconds; a case that takes longer is Timeout and the target restarts.
    /// Cases that wait longer by design (calls on an impaired path) get their own bound plus a
    /// margin when that is longer.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    timeout: f64,
    /// How many cases run at once, each worker with its own instance of the target (a shim
    /// process or an in-process stack). Live calls spend most of their time waiting, so this
    /// shortens runs of them. Server targets always run one case at a time. Default: 4 for
    /// in-process targets (reference, str0m, their mutants), else the number of CPUs, at most 4.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Also replay the captures this manifest lists, each into OUT/replay/NAME/, when no
    /// --suite, --case or --tag narrows the run. `none` skips them.
    #[arg(long, default_value = "captures/MANIFEST.toml", value_name = "MANIFEST")]
    captures: PathBuf,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    select: SelectArgs,
    /// Show requirement coverage per RFC instead of cases: covered, not yet, untestable (why).
    #[arg(long)]
    requirements: bool,
    /// With --requirements: list every requirement, not only the summary and the gaps.
    #[arg(long)]
    all: bool,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// What to compare: STUN decoders (stun-codec) or SDP parsers (sdp-codec).
    #[arg(long, value_enum, default_value_t = DiffProtocol::Stun)]
    protocol: DiffProtocol,
    /// The parsers to compare (targets with the capability --protocol needs).
    #[arg(long, short, value_delimiter = ',', default_value = "reference,str0m,model")]
    target: Vec<String>,
    /// SDP only: seed descriptions, files or directories (searched recursively for *.sdp).
    #[arg(long, value_name = "PATH", default_value = "corpora/sdp")]
    input: Vec<PathBuf>,
    #[arg(long, default_value = "targets", value_name = "DIR")]
    targets_dir: PathBuf,
    /// Seed for the generated inputs; printed in the report. Default: from the clock.
    #[arg(long)]
    seed: Option<u64>,
    /// How many inputs to generate: STUN messages (half corrupted), or SDP mutations.
    #[arg(long, default_value_t = 2000)]
    count: usize,
    /// Also feed what these captures (pcap/pcapng) hold, first: every STUN message (inside
    /// TURN too), or for --protocol sdp every SDP sent in the clear by the signaling.
    #[arg(long, value_name = "FILE")]
    capture: Vec<PathBuf>,
    /// Where diff.json and diff.md go.
    #[arg(long, short, default_value = "reports", value_name = "DIR")]
    out: PathBuf,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffProtocol {
    Stun,
    Sdp,
}

#[derive(Args, Debug)]
pub struct TargetsArgs {
    #[arg(long, default_value = "targets", value_name = "DIR")]
    targets_dir: PathBuf,
}

#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// The capture: pcap or pcapng (any byte order, micro- or nanosecond timestamps).
    capture: PathBuf,
    /// SDP offers/answers of the call: their ice-pwd values check MESSAGE-INTEGRITY and
    /// their a=fingerprint lines the DTLS certificates. Repeat for each.
    #[arg(long, value_name = "FILE")]
    sdp: Vec<PathBuf>,
    /// SSLKEYLOGFILE-format key logs for the DTLS sessions. Repeat for each.
    #[arg(long, value_name = "FILE")]
    keylog: Vec<PathBuf>,
    /// TURN long-term credentials, to check the MESSAGE-INTEGRITY of authenticated TURN
    /// requests and responses (RFC 8489 §9.2). Repeat for each user.
    #[arg(long, value_name = "USER:PASSWORD")]
    turn_credentials: Vec<String>,
    /// Output directory for the reports.
    #[arg(long, short, default_value = "reports/replay", value_name = "DIR")]
    out: PathBuf,
    /// Report formats to write.
    #[arg(long, value_delimiter = ',', default_value = "json,junit,html,md")]
    format: Vec<String>,
}

#[derive(Subcommand, Debug)]
enum CorpusAction {
    /// Write per-format seed files from a capture: every distinct STUN message, DTLS
    /// datagram, RTP and RTCP packet, TURN ChannelData, (with --keylog) decrypted SCTP
    /// packet, as OUT/<format>/<capture>-<hash>.bin, and every SDP the signaling sent in the
    /// clear (plain text, JSON, HTTP, WebSocket) as OUT/sdp/<capture>-<hash>.sdp.
    ///
    /// Example: rtcspec corpus extract call.pcapng --keylog keys.log --out corpora/
    Extract(ExtractArgs),
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// The capture (pcap or pcapng).
    capture: PathBuf,
    /// Key logs, to decrypt DTLS application data (SCTP). Repeat for each.
    #[arg(long, value_name = "FILE")]
    keylog: Vec<PathBuf>,
    /// Where the format folders go.
    #[arg(long, short, default_value = "corpora", value_name = "DIR")]
    out: PathBuf,
    /// At most this many seeds per format.
    #[arg(long, default_value_t = 500)]
    max_per_format: usize,
}

#[derive(Subcommand, Debug)]
enum FuzzAction {
    /// List the fuzz targets: name, seed folders under corpora/, what each feeds where.
    List {
        /// One line per target for scripts: name, seed folders (comma-separated) and
        /// dictionary, separated by tabs ("-" for none).
        #[arg(long)]
        tsv: bool,
    },
    /// Write the report of a fuzzing run from its folder (run.json and one log per target,
    /// as `cargo xtask fuzz` leaves them), in every report format.
    ///
    /// Exit 0 nothing found, 1 a target crashed, hung, ran out of memory or disagreed.
    Report(FuzzReportArgs),
}

#[derive(Args, Debug)]
pub struct FuzzReportArgs {
    /// The run folder (target/fuzz-run by default for `cargo xtask fuzz`).
    run: PathBuf,
    #[arg(long, short, default_value = "reports/fuzz", value_name = "DIR")]
    out: PathBuf,
    #[arg(long, value_delimiter = ',', default_value = "json,junit,html,md")]
    format: Vec<String>,
}

#[derive(Subcommand, Debug)]
enum LintKind {
    /// Lint SDP files: findings with line numbers, MUST/SHOULD, RFC section and a fix hint.
    ///
    /// Exit 0 clean (or SHOULD-level findings only), 1 MUST-level findings, 2 unreadable input.
    Sdp(LintSdpArgs),
}

#[derive(Args, Debug)]
pub struct LintSdpArgs {
    /// SDP files; `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
    /// One JSON document on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum BaselineAction {
    /// Create a baseline from a report.json (records every case's outcome kind).
    Write {
        /// The report to take outcomes from.
        report: PathBuf,
        /// Where to write the baseline (default: stdout).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// The stacks `rtcspec peer-shim` can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PeerStackName {
    Reference,
    Str0m,
}

impl PeerStackName {
    fn serve(self) -> std::io::Result<()> {
        use rtcspec_harness::peer::serve::{serve_stdio, ReferenceStack};
        match self {
            PeerStackName::Reference => serve_stdio(ReferenceStack::plain()),
            PeerStackName::Str0m => serve_stdio(rtcspec_harness::peer::str0m::Str0mStack),
        }
    }
}

/// A seed given as decimal or as 0x-prefixed hex (the form failures print it in).
fn parse_seed(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|e| format!("{text:?} is not a 64-bit seed (decimal, or hex after 0x): {e}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    commands::init_logging(cli.verbose);
    let code = match cli.command {
        Command::Run(args) => commands::run(&args),
        Command::List(args) => commands::list(&args),
        Command::Targets(args) => commands::targets(&args),
        Command::Diff(args) => commands::diff(&args),
        Command::Lint { kind: LintKind::Sdp(args) } => commands::lint_sdp(&args),
        Command::Replay(args) => replay::replay(&args),
        Command::Corpus { action: CorpusAction::Extract(args) } => replay::corpus_extract(&args),
        Command::Fuzz { action: FuzzAction::List { tsv } } => fuzz::list(tsv),
        Command::Fuzz { action: FuzzAction::Report(args) } => fuzz::report(&args),
        Command::Matrix(args) => matrix::matrix(&args),
        Command::PeerShim { stack } => match stack.serve() {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("rtcspec peer-shim: {e}");
                2
            }
        },
        Command::Baseline { action: BaselineAction::Write { report, output } } => {
            commands::baseline_write(&report, output.as_deref())
        }
    };
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::parse_seed;

    #[test]
    fn seeds_read_as_decimal_or_hex() {
        assert_eq!(parse_seed("42"), Ok(42));
        assert_eq!(parse_seed("0x7274637370656331"), Ok(0x7274_6373_7065_6331));
        assert_eq!(parse_seed("0XfF"), Ok(255));
        for bad in ["", "0x", "-1", "0x1g", "18446744073709551616"] {
            assert!(parse_seed(bad).is_err(), "{bad:?}");
        }
    }
}
