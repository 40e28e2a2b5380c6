//! `veille kits`: the transfer kits from the command line, as the API
//! gives them to curators (drafts and draft practices included).
//!
//! - `veille kits list`: id, status, version, number of practices,
//!   languages and title, newest change first;
//! - `veille kits show ID`: the kit: titles, introduction, its practices
//!   in order (with their status and notes), conclusions;
//! - `veille kits export ID --format pdf|zip|jsonld --out FILE [--lang L]`:
//!   the printable PDF, the ZIP of records (JSON-LD, CSV, kit.json) or the
//!   records as one JSON-LD graph, written to FILE.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use veille::data::DataDir;
use veille_search_api::kits::{jsonld_of, pdf_of, readable, zip_of};
use veille_store::{is_lang, KitTexts};

#[derive(Debug, Subcommand)]
pub enum KitsCommand {
    /// List the kits, newest change first.
    List,
    /// Show a kit: its texts and its practices in order.
    Show {
        /// The kit's id (`k1` …).
        id: String,
    },
    /// Write a kit as a printable PDF, a ZIP of its records, or its
    /// records as JSON-LD.
    Export {
        /// The kit's id (`k1` …).
        id: String,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The PDF's language (ISO 639-1); default English if the kit has
        /// it, else its first language.
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Pdf,
    Zip,
    Jsonld,
}

/// A kit's id as given, or what to give.
fn checked(id: &str) -> anyhow::Result<&str> {
    anyhow::ensure!(
        veille_search_api::kits::is_kit_id(id),
        "{id:?} is not a kit id (k and a number): `veille kits list` shows them"
    );
    Ok(id)
}

pub fn run(data: &DataDir, listen: SocketAddr, command: KitsCommand) -> anyhow::Result<ExitCode> {
    let store = data.open_store()?;
    let mut out = std::io::stdout().lock();
    match command {
        KitsCommand::List => {
            for kit in store.kits(None)? {
                writeln!(
                    out,
                    "{}\t{}\tv{}\t{} practices\t{}\t{}",
                    kit.id,
                    kit.kit.status.as_str(),
                    kit.version,
                    kit.kit.practices.len(),
                    kit.languages.join(","),
                    one_line(kit.kit.title_in("en"))
                )?;
            }
        }
        KitsCommand::Show { id } => {
            let (kit, practices) = readable(&store, checked(&id)?, true)?;
            writeln!(
                out,
                "{} · {} · version {} · updated {}",
                kit.id,
                kit.kit.status.as_str(),
                kit.version,
                kit.updated_at.format("%Y-%m-%d %H:%M")
            )?;
            texts(&mut out, "title", &kit.kit.title)?;
            texts(&mut out, "introduction", &kit.kit.introduction)?;
            writeln!(out, "practices:")?;
            for (i, (entry, p)) in practices.iter().enumerate() {
                writeln!(
                    out,
                    "  {}. {} {} ({})",
                    i + 1,
                    p.id,
                    one_line(&p.record.name),
                    p.record.status.as_str()
                )?;
                for (lang, note) in &entry.note {
                    writeln!(out, "     note [{lang}] {}", one_line(note))?;
                }
            }
            texts(&mut out, "conclusions", &kit.kit.conclusions)?;
        }
        KitsCommand::Export {
            id,
            format,
            out: path,
            lang,
        } => {
            let id = checked(&id)?;
            if let Some(l) = &lang {
                anyhow::ensure!(
                    is_lang(l),
                    "--lang {l:?}: give an ISO 639-1 code (two lowercase letters, e.g. fr)"
                );
            }
            let base = format!("http://{listen}");
            let bytes = match format {
                ExportFormat::Pdf => pdf_of(&store, id, lang.as_deref(), true)?.0,
                ExportFormat::Zip => zip_of(&store, id, &base, true)?,
                ExportFormat::Jsonld => {
                    serde_json::to_vec_pretty(&jsonld_of(&store, id, &base, true)?)?
                }
            };
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(out, "wrote {} ({} bytes)", path.display(), bytes.len())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A text on one line, control characters shown as spaces, so that
/// nothing a curator wrote reaches the terminal as a command.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn texts(out: &mut impl Write, what: &str, texts: &KitTexts) -> std::io::Result<()> {
    for (lang, text) in texts {
        writeln!(out, "{what} [{lang}] {}", one_line(text))?;
    }
    Ok(())
}
