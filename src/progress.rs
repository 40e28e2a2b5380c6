//! Progress of a long command (`crawl --once`, `sources check --probe`): a
//! bar on a terminal, a plain line per step otherwise (both on standard
//! error, so standard output stays the command's result), nothing with
//! `--quiet`.

use std::cell::Cell;
use std::io::IsTerminal;

pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    total: u64,
    done: Cell<u64>,
}

impl Progress {
    /// `total` steps of `unit` (e.g. "sources").
    pub fn new(total: u64, unit: &str, quiet: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            let bar = indicatif::ProgressBar::new(total);
            let template = format!(
                "{{spinner}} [{{elapsed_precise}}] {{bar:30}} {{pos}}/{{len}} {unit}  {{msg}}"
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template(&template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            bar,
            plain: !quiet && !terminal,
            total,
            done: Cell::new(0),
        }
    }

    /// One step done; `what` says which and how it went.
    pub fn step(&self, what: &str) {
        self.done.set(self.done.get() + 1);
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_string());
            bar.inc(1);
        } else if self.plain {
            eprintln!("[{}/{}] {what}", self.done.get(), self.total);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
