//! The counter and histogram types each crate counts its own work with, and
//! how they are written in Prometheus's text exposition format (version
//! 0.0.4). The crawler counts its fetches (`veille_crawler::metrics`), the
//! API its searches and responses; search-api writes them all at `/metrics`.

use std::fmt::Write as _;

/// A counter with one label: a count per label value, in the order the
/// values were first seen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    counts: Vec<(String, u64)>,
}

impl Counts {
    /// Adds one to the count of `label`.
    pub fn increment(&mut self, label: &str) {
        match self.counts.iter_mut().find(|(l, _)| l == label) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((label.to_string(), 1)),
        }
    }

    /// Writes the counter `name{label_name="…"}`, with its help line.
    pub fn write(&self, out: &mut String, name: &str, help: &str, label_name: &str) {
        let family = Family {
            name,
            help,
            kind: "counter",
        };
        family.write_labelled(out, label_name, &self.counts);
    }
}

/// A metric's name, help line and type (`counter`, `gauge`, `histogram`).
#[derive(Debug, Clone, Copy)]
pub struct Family<'a> {
    pub name: &'a str,
    pub help: &'a str,
    pub kind: &'a str,
}

impl Family<'_> {
    /// Writes the help and type lines.
    pub fn write_header(&self, out: &mut String) {
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(out, "# TYPE {} {}", self.name, self.kind);
    }

    /// Writes the family with one sample per value of its one label.
    pub fn write_labelled(&self, out: &mut String, label_name: &str, samples: &[(String, u64)]) {
        self.write_header(out);
        for (label, n) in samples {
            let _ = writeln!(
                out,
                "{}{{{label_name}=\"{}\"}} {n}",
                self.name,
                escape_label(label)
            );
        }
    }

    /// Writes the family with its one sample, unlabelled.
    pub fn write_value(&self, out: &mut String, value: u64) {
        self.write_header(out);
        let _ = writeln!(out, "{} {value}", self.name);
    }
}

/// A histogram over fixed bucket bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    bounds: &'static [f64],
    /// Per bucket (not cumulative), plus one for +Inf.
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    /// An empty histogram with these upper bounds (increasing).
    pub fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            counts: vec![0; bounds.len() + 1],
            sum: 0.0,
            count: 0,
        }
    }

    /// Counts one value (a negative or non-finite one as 0).
    pub fn observe(&mut self, value: f64) {
        let value = if value.is_finite() && value >= 0.0 {
            value
        } else {
            0.0
        };
        let slot = self
            .bounds
            .iter()
            .position(|b| value <= *b)
            .unwrap_or(self.bounds.len());
        self.counts[slot] += 1;
        self.sum += value;
        self.count += 1;
    }

    /// Writes the histogram `name` (cumulative buckets, sum, count), with
    /// its help line.
    pub fn write(&self, out: &mut String, name: &str, help: &str) {
        let family = Family {
            name,
            help,
            kind: "histogram",
        };
        family.write_header(out);
        let mut cumulative = 0;
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            cumulative += count;
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum {}", self.sum);
        let _ = writeln!(out, "{name}_count {}", self.count);
    }
}

/// A label value escaped as the format asks (backslash, quote, newline).
pub fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
