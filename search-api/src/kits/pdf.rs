//! A kit as a printable PDF (A4), made on the server by krilla with the
//! shipped DejaVu Sans (`search-api/data/fonts/`): a cover (title, date,
//! language), the contents with page numbers, the introduction, one
//! section per practice (its note, places, organisations, themes,
//! challenge, approach, results and conditions for transfer in the kit's
//! language, or another one marked as such, figures, sources with their
//! addresses, and a small map), the conclusions. Every text is real text
//! (krilla embeds the glyphs with their Unicode mapping), so it can be
//! searched and extracted; the PDF's outline lists the sections.
//!
//! Layout is done here in two passes: the body is laid out into pages
//! first (lines broken by the font's advances), then the contents, whose
//! length is known beforehand, take the pages after the cover.
//!
//! The map is the portal's: the countries' outlines (Natural Earth 1:110m
//! in the Equal Earth projection, `ui::map`), simplified to what shows at
//! its size, and a dot at each place's coordinates.

use chrono::{DateTime, Utc};
use krilla::color::luma;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use veille_store::{Kit, KitEntry, Practice, PRACTICE_FIELDS};

use super::labels::Labels;
use super::practice_text;

static REGULAR: &[u8] = include_bytes!("../../data/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../data/fonts/DejaVuSans-Bold.ttf");

/// A4, in points.
const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
const TEXT_WIDTH: f32 = WIDTH - 2.0 * MARGIN;
/// Where text stops, leaving room for the page number.
const BOTTOM: f32 = HEIGHT - MARGIN;
/// The map of a practice: the world at 2:1.
const MAP_WIDTH: f32 = 200.0;
/// Lines of the contents per page.
const CONTENTS_LINES: usize = 40;
const CONTENTS_LINE: f32 = 16.0;

/// What is drawn on a page.
enum Op {
    Text {
        x: f32,
        /// The baseline.
        y: f32,
        size: f32,
        bold: bool,
        gray: u8,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        gray: u8,
    },
    Dot {
        x: f32,
        y: f32,
        r: f32,
    },
    /// A closed outline, filled light grey and drawn thin.
    Shape {
        points: Vec<(f32, f32)>,
    },
}

/// The advances of the two fonts, to break lines.
struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    fn new() -> Result<Metrics, String> {
        let face =
            |data| ttf_parser::Face::parse(data, 0).map_err(|e| format!("the shipped font: {e}"));
        Ok(Metrics {
            regular: face(REGULAR)?,
            bold: face(BOLD)?,
        })
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let units: u32 = text
            .chars()
            .map(|c| {
                let glyph = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                u32::from(face.glyph_hor_advance(glyph).unwrap_or(0))
            })
            .sum();
        units as f32 * size / f32::from(face.units_per_em())
    }
}

/// Pages being filled, top to bottom.
struct Layout<'m> {
    metrics: &'m Metrics,
    pages: Vec<Vec<Op>>,
    /// The top of the next line on the last page.
    y: f32,
}

impl<'m> Layout<'m> {
    fn new(metrics: &'m Metrics) -> Layout<'m> {
        Layout {
            metrics,
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    fn page(&self) -> usize {
        self.pages.len() - 1
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Makes room for `height` on this page, or starts the next.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > MARGIN {
            self.new_page();
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn gap(&mut self, height: f32) {
        self.y += height;
    }

    /// `text` broken into lines of `width` at most: at spaces, and inside
    /// a word only when the word alone is too long. Each line of the text
    /// starts a new line. Each word is measured once.
    fn lines(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let measure = |s: &str| self.metrics.width(s, size, bold);
        let space = measure(" ");
        let mut out = Vec::new();
        for paragraph in text.lines() {
            let (mut line, mut used) = (String::new(), 0.0);
            for word in paragraph.split_whitespace() {
                let w = measure(word);
                let needed = if line.is_empty() { w } else { used + space + w };
                if needed <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    used = needed;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                used = 0.0;
                if w <= width {
                    line.push_str(word);
                    used = w;
                    continue;
                }
                // A word longer than the line: cut where it fills it.
                for c in word.chars() {
                    let cw = measure(c.encode_utf8(&mut [0; 4]));
                    if used + cw > width && !line.is_empty() {
                        out.push(std::mem::take(&mut line));
                        used = 0.0;
                    }
                    line.push(c);
                    used += cw;
                }
            }
            if !line.is_empty() {
                out.push(line);
            }
        }
        out
    }

    /// A paragraph at `indent` from the margin, then a little space.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool, gray: u8, indent: f32) {
        let leading = size * 1.4;
        for line in self.lines(text, size, bold, TEXT_WIDTH - indent) {
            self.room(leading);
            self.push(Op::Text {
                x: MARGIN + indent,
                y: self.y + size,
                size,
                bold,
                gray,
                text: line,
            });
            self.y += leading;
        }
        self.y += size * 0.5;
    }

    /// A heading, kept with at least three lines after it.
    fn heading(&mut self, text: &str, size: f32) {
        self.room(size * 1.4 + 3.0 * 14.0);
        self.paragraph(text, size, true, 0, 0.0);
    }

    /// The map of places (latitude, longitude), with its caption: the
    /// countries' outlines (Natural Earth 1:110m in the Equal Earth
    /// projection, those of the portal's map) and a dot per place.
    fn map(&mut self, places: &[(f64, f64)], labels: &Labels) {
        let scale = MAP_WIDTH / 1000.0;
        let height = crate::ui::map::project(-90.0, 0.0).1 as f32 * scale;
        self.room(height + 24.0);
        let (left, top) = (MARGIN, self.y);
        let at = |(x, y): (f64, f64)| (left + x as f32 * scale, top + y as f32 * scale);
        for ring in crate::ui::map::outline_rings() {
            // Points closer than a point on the page add nothing at this size.
            let mut points: Vec<(f32, f32)> = Vec::with_capacity(ring.len());
            for &p in ring {
                let p = at(p);
                let far = points
                    .last()
                    .is_none_or(|q: &(f32, f32)| (p.0 - q.0).abs() + (p.1 - q.1).abs() >= 1.0);
                if far {
                    points.push(p);
                }
            }
            if points.len() >= 3 {
                self.push(Op::Shape { points });
            }
        }
        let corners = [
            (left, top),
            (left + MAP_WIDTH, top),
            (left + MAP_WIDTH, top + height),
            (left, top + height),
        ];
        for i in 0..4 {
            self.push(Op::Line {
                from: corners[i],
                to: corners[(i + 1) % 4],
                width: 0.6,
                gray: 120,
            });
        }
        for &(lat, lon) in places {
            let (x, y) = at(crate::ui::map::project(lat, lon));
            self.push(Op::Dot { x, y, r: 2.5 });
        }
        self.y = top + height + 4.0;
        self.paragraph(labels.map_caption, 7.0, false, 90, 0.0);
    }
}

/// A section of the PDF: its title and the page (0-based, in the body)
/// where it starts.
struct Section {
    title: String,
    page: usize,
}

/// The kit as a PDF in `lang`, with `practices` in its order (those the
/// reader may see), made at `made`.
pub fn render(
    kit: &Kit,
    practices: &[(KitEntry, Practice)],
    lang: &str,
    made: DateTime<Utc>,
) -> Result<Vec<u8>, String> {
    let labels = Labels::of(lang);
    let metrics = Metrics::new()?;
    let title = kit.kit.title_in(lang).to_string();
    let mut body = Layout::new(&metrics);
    let mut sections = Vec::new();

    if let Some((intro, in_lang)) = veille_store::text_in(&kit.kit.introduction, lang) {
        sections.push(Section {
            title: labels.introduction.to_string(),
            page: body.page(),
        });
        body.heading(&marked(labels.introduction, in_lang, lang, labels), 18.0);
        body.paragraph(intro, 10.5, false, 0, 0.0);
    }
    for (i, (entry, p)) in practices.iter().enumerate() {
        if i > 0 || !sections.is_empty() {
            body.new_page();
        }
        let name = format!("{}. {}", i + 1, p.record.name);
        sections.push(Section {
            title: name.clone(),
            page: body.page(),
        });
        practice_section(&mut body, &name, entry, p, lang, labels);
    }
    if let Some((conclusions, in_lang)) = veille_store::text_in(&kit.kit.conclusions, lang) {
        if !sections.is_empty() {
            body.new_page();
        }
        sections.push(Section {
            title: labels.conclusions.to_string(),
            page: body.page(),
        });
        body.heading(&marked(labels.conclusions, in_lang, lang, labels), 18.0);
        body.paragraph(conclusions, 10.5, false, 0, 0.0);
    }
    if practices.is_empty() {
        body.paragraph(labels.no_practices, 10.5, false, 90, 0.0);
    }

    // The cover, then the contents, then the body.
    let contents_pages = sections.len().div_ceil(CONTENTS_LINES).max(1);
    let first_body_page = 1 + contents_pages;
    let mut pages = vec![cover(&metrics, &title, kit, lang, made, labels)];
    pages.extend(contents(&metrics, &sections, first_body_page, labels));
    pages.extend(body.pages);
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate().skip(1) {
        let number = format!("{title} · {}/{total}", i + 1);
        let number = fit(&metrics, &number, 8.0, TEXT_WIDTH);
        page.push(Op::Text {
            x: MARGIN,
            y: HEIGHT - MARGIN / 2.0,
            size: 8.0,
            bold: false,
            gray: 110,
            text: number,
        });
    }

    let mut outline = Outline::new();
    for s in &sections {
        let page = first_body_page + s.page;
        outline.push_child(OutlineNode::new(
            s.title.clone(),
            XyzDestination::new(page, Point::from_xy(0.0, 0.0)),
        ));
    }
    draw(pages, outline, &title, lang)
}

/// `label`, with the language its text is in when not the kit's.
fn marked(label: &str, in_lang: &str, lang: &str, labels: &Labels) -> String {
    if in_lang == lang {
        label.to_string()
    } else {
        format!("{label} ({})", labels.shown_in(in_lang))
    }
}

fn practice_section(
    body: &mut Layout<'_>,
    name: &str,
    entry: &KitEntry,
    p: &Practice,
    lang: &str,
    labels: &Labels,
) {
    let r = &p.record;
    body.heading(name, 16.0);
    if let Some((note, in_lang)) = veille_store::text_in(&entry.note, lang) {
        body.paragraph(
            &format!("{}: {note}", marked(labels.why, in_lang, lang, labels)),
            10.0,
            false,
            70,
            0.0,
        );
    }
    let join = |v: Vec<String>| v.join(", ");
    let places = join(
        r.places
            .iter()
            .map(|pl| match &pl.country {
                Some(c) => format!("{} ({c})", pl.name),
                None => pl.name.clone(),
            })
            .collect(),
    );
    let organisations = join(r.organizations.iter().map(|o| o.name.clone()).collect());
    let themes = join(
        r.themes
            .iter()
            .map(|t| {
                veille_indexer::practice::theme_label(t, labels.lang)
                    .map_or_else(|| t.clone(), str::to_string)
            })
            .collect(),
    );
    let since = r.start_year.map(|y| y.to_string()).unwrap_or_default();
    for (label, value) in [
        (labels.places, places),
        (labels.organisations, organisations),
        (labels.themes, themes),
        (labels.since, since),
    ] {
        if !value.is_empty() {
            body.paragraph(&format!("{label}: {value}"), 10.0, false, 0, 0.0);
        }
    }
    let located: Vec<(&str, f64, f64)> = r
        .places
        .iter()
        .filter_map(|pl| Some((pl.name.as_str(), pl.lat?, pl.lon?)))
        .filter(|(_, lat, lon)| lat.is_finite() && lon.is_finite())
        .collect();
    body.gap(4.0);
    if located.is_empty() {
        body.paragraph(
            &format!("{}: {}", labels.location, labels.no_location),
            9.0,
            false,
            90,
            0.0,
        );
    } else {
        let dots: Vec<(f64, f64)> = located.iter().map(|&(_, lat, lon)| (lat, lon)).collect();
        body.map(&dots, labels);
        let coordinates: Vec<String> = located
            .iter()
            .map(|(name, lat, lon)| format!("{name} {lat:.2}, {lon:.2}"))
            .collect();
        body.paragraph(&coordinates.join(" · "), 7.0, false, 90, 0.0);
    }
    for field in PRACTICE_FIELDS {
        if let Some((text, in_lang)) = practice_text(p, field, lang) {
            body.heading(&marked(labels.field(field), in_lang, lang, labels), 12.0);
            body.paragraph(text, 10.5, false, 0, 0.0);
        }
    }
    if !r.figures.is_empty() {
        body.heading(labels.figures, 12.0);
        for f in &r.figures {
            body.paragraph(&format!("• {}", f.text), 10.0, false, 0, 8.0);
        }
    }
    if !r.sources.is_empty() {
        body.heading(labels.sources, 12.0);
        for s in &r.sources {
            body.paragraph(&format!("• {}", s.title), 10.0, false, 0, 8.0);
            body.y -= 4.0;
            body.paragraph(&s.url, 8.5, false, 90, 18.0);
        }
    }
}

/// `text`, cut with "…" to fit `width`.
fn fit(metrics: &Metrics, text: &str, size: f32, width: f32) -> String {
    if metrics.width(text, size, false) <= width {
        return text.to_string();
    }
    let mut cut: String = text.to_string();
    while !cut.is_empty() && metrics.width(&format!("{cut}…"), size, false) > width {
        cut.pop();
    }
    format!("{}…", cut.trim_end())
}

fn cover(
    metrics: &Metrics,
    title: &str,
    kit: &Kit,
    lang: &str,
    made: DateTime<Utc>,
    labels: &Labels,
) -> Vec<Op> {
    let mut page = Layout::new(metrics);
    page.gap(200.0);
    page.paragraph(labels.transfer_kit, 12.0, false, 90, 0.0);
    page.gap(6.0);
    page.paragraph(title, 26.0, true, 0, 0.0);
    page.gap(30.0);
    page.paragraph(
        &format!("{} {}", labels.made_on, made.format("%Y-%m-%d")),
        11.0,
        false,
        60,
        0.0,
    );
    page.paragraph(
        &format!(
            "{}: {lang} · {} · {} {}",
            labels.language, kit.id, labels.version, kit.version
        ),
        11.0,
        false,
        60,
        0.0,
    );
    page.pages.swap_remove(0)
}

fn contents(
    metrics: &Metrics,
    sections: &[Section],
    first_body_page: usize,
    labels: &Labels,
) -> Vec<Vec<Op>> {
    let mut pages = Vec::new();
    for chunk in sections
        .chunks(CONTENTS_LINES)
        .chain(sections.is_empty().then_some(&[][..]))
    {
        let mut page = Layout::new(metrics);
        page.paragraph(labels.contents, 20.0, true, 0, 0.0);
        page.gap(8.0);
        for s in chunk {
            let number = (first_body_page + s.page + 1).to_string();
            let number_width = metrics.width(&number, 11.0, false);
            page.push(Op::Text {
                x: MARGIN,
                y: page.y + 11.0,
                size: 11.0,
                bold: false,
                gray: 0,
                text: fit(metrics, &s.title, 11.0, TEXT_WIDTH - number_width - 16.0),
            });
            page.push(Op::Text {
                x: WIDTH - MARGIN - number_width,
                y: page.y + 11.0,
                size: 11.0,
                bold: false,
                gray: 0,
                text: number,
            });
            page.gap(CONTENTS_LINE);
        }
        pages.push(page.pages.swap_remove(0));
    }
    pages
}

/// The pages drawn with krilla into a PDF.
fn draw(pages: Vec<Vec<Op>>, outline: Outline, title: &str, lang: &str) -> Result<Vec<u8>, String> {
    let font = |data: &'static [u8]| {
        Font::new(data.into(), 0).ok_or_else(|| "the shipped font cannot be read".to_string())
    };
    let (regular, bold) = (font(REGULAR)?, font(BOLD)?);
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language(lang.to_string())
            .creator("veille".to_string()),
    );
    let settings =
        PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| "the page size".to_string())?;
    for ops in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: is_bold,
                    gray,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        paint: luma::Color::new(gray).into(),
                        ..Fill::default()
                    }));
                    let font = if is_bold {
                        bold.clone()
                    } else {
                        regular.clone()
                    };
                    surface.draw_text(
                        Point::from_xy(x, y),
                        font,
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line {
                    from,
                    to,
                    width,
                    gray,
                } => {
                    let mut path = PathBuilder::new();
                    path.move_to(from.0, from.1);
                    path.line_to(to.0, to.1);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: luma::Color::new(gray).into(),
                            width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Shape { points } => {
                    let mut path = PathBuilder::new();
                    path.move_to(points[0].0, points[0].1);
                    for &(x, y) in &points[1..] {
                        path.line_to(x, y);
                    }
                    path.close();
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(Fill {
                            paint: luma::Color::new(225).into(),
                            ..Fill::default()
                        }));
                        surface.set_stroke(Some(Stroke {
                            paint: luma::Color::new(150).into(),
                            width: 0.2,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Dot { x, y, r } => {
                    // A circle of four cubic arcs.
                    let k = 0.552_284_8 * r;
                    let mut path = PathBuilder::new();
                    path.move_to(x + r, y);
                    path.cubic_to(x + r, y + k, x + k, y + r, x, y + r);
                    path.cubic_to(x - k, y + r, x - r, y + k, x - r, y);
                    path.cubic_to(x - r, y - k, x - k, y - r, x, y - r);
                    path.cubic_to(x + k, y - r, x + r, y - k, x + r, y);
                    path.close();
                    if let Some(path) = path.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill {
                            paint: krilla::color::rgb::Color::new(200, 30, 30).into(),
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.set_outline(outline);
    document
        .finish()
        .map_err(|e| format!("the PDF could not be written: {e}"))
}
