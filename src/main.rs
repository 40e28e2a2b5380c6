//! The `veille` command line: parses arguments, sets up logging, and calls
//! the library (`veille::pipeline`, `veille::scheduler`) and the crates.

mod commands;
mod eval;
mod kits;
mod train;
mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// veille: international monitoring of social and solidarity economy
/// practices. Crawls the feeds and pages listed in sources.toml, finds
/// candidate best practices, and serves them to curators and analysts.
#[derive(Debug, Parser)]
#[command(name = "veille", version, about, long_about = None)]
pub struct Cli {
    /// The list of sources.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        default_value = "./sources.toml"
    )]
    pub config: PathBuf,

    /// The data directory (veille.db and index/).
    #[arg(long, global = true, value_name = "DIR", default_value = "./data")]
    pub data: PathBuf,

    /// Address the API listens on (run, serve).
    #[arg(
        long,
        global = true,
        value_name = "ADDR",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,

    /// Log format on standard error.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Only log warnings and errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Schedule every enabled source by its cron expression and serve the
    /// API, until Ctrl-C.
    Run {
        /// What this process does: `all` (crawl on schedule and serve),
        /// `api` (serve only, its index following the store's changes,
        /// made by other processes too: an API node beside others on one
        /// PostgreSQL store), or `crawler` (crawl on schedule only, each
        /// due source leased in the store so that several workers share
        /// the sources; no API, no index).
        #[arg(long, value_enum, default_value_t = Role::All)]
        role: Role,
    },
    /// Crawl sources now, then print a summary and exit.
    Crawl {
        /// One pass over the sources, then exit (required: the scheduler
        /// is `veille run`).
        #[arg(long, required = true)]
        once: bool,
        /// Crawl only this source (repeatable); default: every enabled source.
        #[arg(long = "source", value_name = "ID")]
        sources: Vec<String>,
    },
    /// Serve the API over existing data, without crawling.
    Serve,
    /// Search the index from the terminal, as the API does.
    Search {
        /// The query (words, "phrases", -excluded, OR).
        query: String,
        /// Only items in this language (ISO 639-1).
        #[arg(long)]
        lang: Option<String>,
        /// How many hits to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print the API's response object as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check and inspect the list of sources.
    Sources {
        #[command(subcommand)]
        command: SourcesCommand,
    },
    /// Rebuild the search index from the store.
    Reindex,
    /// Copy the store to a new file, consistently, even while `veille run`
    /// writes (the index is derived: a restore rebuilds it).
    Backup {
        /// The backup file to write (must not exist).
        path: PathBuf,
    },
    /// Replace the store with a backup (the current one is kept beside it
    /// as veille.db.before-restore-TIME) and rebuild the index. Stop veille
    /// first.
    Restore {
        /// The backup file to restore.
        path: PathBuf,
    },
    /// Copy the data directory's SQLite store into an empty PostgreSQL
    /// database, every table as it is, then check the copy is identical.
    /// Stop veille first; afterwards set `[store] url` (or
    /// VEILLE_STORE_URL) so that veille uses the copy.
    Migrate {
        /// The engine to copy into.
        #[arg(long, value_enum)]
        to: MigrateTarget,
        /// The database's URL (postgres://user:password@host:port/database);
        /// default: `[store] url` or VEILLE_STORE_URL.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
    /// Check the store's integrity and that the index holds exactly the
    /// store's items, statuses and versions; exits with 1 if not.
    Verify {
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run extraction, language and candidate detection on saved files and
    /// print one JSON object per input, one per line, in input order. Exits
    /// with status 1 if any input failed (its object carries an "error").
    Extract {
        /// The inputs are plain text, not HTML.
        #[arg(long)]
        text: bool,
        /// The page's address, for a single input.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// A file of lines `PATH<TAB>URL`, for many inputs.
        #[arg(long, value_name = "TSV")]
        manifest: Option<PathBuf>,
        /// Files to read; `-` reads standard input.
        files: Vec<PathBuf>,
    },
    /// Manage the accounts of the web app and the API.
    Users {
        #[command(subcommand)]
        command: users::UsersCommand,
    },
    /// Transfer kits: list, show, export as PDF, ZIP or JSON-LD.
    Kits {
        #[command(subcommand)]
        command: kits::KitsCommand,
    },
    /// Measure the stages against people's decisions (`eval candidates`).
    Eval {
        #[command(subcommand)]
        command: eval::EvalCommand,
    },
    /// Retrain the candidate model on the shipped corpus and the curators'
    /// decisions; print its cross-validated figures per language beside the
    /// current model's; write it to the data directory (`run` and `serve`
    /// pick it up) and rescore the items waiting for a decision. Refuses a
    /// model worse than the current one unless --force.
    Train(train::TrainArgs),
    /// Build the labelled corpus the shipped model is trained on.
    Corpus {
        #[command(subcommand)]
        command: train::CorpusCommand,
    },
}

/// What a `veille run` process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// Crawl on schedule and serve the API.
    All,
    /// Serve the API only.
    Api,
    /// Crawl only, beside other workers.
    Crawler,
}

/// The engines `veille migrate` copies into.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MigrateTarget {
    Postgres,
}

#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Validate the config, print every problem, and show each source with
    /// its schedule and health.
    Check {
        /// Also fetch each enabled source once and print what it serves:
        /// reachable, robots, kind, items, languages, last error.
        #[arg(long)]
        probe: bool,
    },
    /// Per source, from the store: last success, consecutive failures and
    /// since when, items per week, candidates, approved and rejected.
    Status,
    /// The sites partners submitted to watch (at /submit or POST
    /// /api/submissions), not yet decided, with the command that adds each.
    Suggestions,
    /// Discover a site's feeds and add one to sources.toml (keeping its
    /// comments and layout). On a terminal you pick the feed; otherwise, or
    /// with --yes, the first one is added and the others listed.
    Add {
        /// The site's home page (or a feed).
        url: String,
        /// The source's id (default: derived from the host).
        #[arg(long)]
        id: Option<String>,
        /// ISO 3166-1 alpha-2 country of the source.
        #[arg(long)]
        country: Option<String>,
        #[arg(long)]
        city: Option<String>,
        #[arg(long)]
        network: Option<String>,
        /// Cron expression (5 or 6 fields).
        #[arg(long)]
        schedule: Option<String>,
        /// Add the first feed found without asking.
        #[arg(long, short)]
        yes: bool,
    },
    /// Add the feeds of an OPML 2.0 file to sources.toml: all at once, or
    /// none if an entry is invalid; duplicates are skipped and listed.
    ImportOpml {
        file: PathBuf,
        /// Import the valid entries even when some are invalid.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Print the sources as an OPML 2.0 document.
    ExportOpml,
}

/// mimalloc rather than the system's allocator: searches and ingestion
/// allocate and free large buffers at a high rate (see `Cargo.toml`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("veille: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn init_logging(cli: &Cli) {
    use tracing_subscriber::EnvFilter;
    let default = if cli.quiet {
        "warn"
    } else {
        "warn,veille=info,veille_crawler=info,veille_indexer=info,veille_search_api=info"
    };
    let filter = EnvFilter::try_from_env("VEILLE_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
