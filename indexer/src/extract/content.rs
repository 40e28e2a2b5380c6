//! Main-content detection, readability style.
//!
//! The parsed page is copied once into [`Dom`], a flat vector of nodes in
//! document order (a parent always before its children), without what is
//! never content (scripts, styles, forms controls, hidden nodes, `<head>`).
//! Per-node counts (text length, link text, commas, paragraphs, list items,
//! images, inputs) are summed bottom-up in one reverse pass. Boilerplate
//! (`nav`, `footer`, `aside`, `header`, `form`, ARIA landmarks that are not
//! content, and class/id names such as `sidebar`, `comment`, `share`) is
//! marked and left out of scores and text.
//!
//! Scoring: each paragraph-like block (`p`, `pre`, `td`, a `div` of inline
//! text …) of 25 characters or more gives 1 + commas + length/100 (at most
//! 3) to its parent, half to its grandparent and a third of that further
//! up; a container starts from a tag bonus and ±25 from its class/id
//! hints. The best container (score × (1 − link density)) wins, possibly
//! moved up to an ancestor that scores nearly as well, and its siblings
//! that score well or read like prose join it. Inside the chosen subtrees,
//! containers that look like link lists, share bars or forms are dropped
//! ("conditional cleaning"). If that leaves almost nothing, the page is
//! read again with class/id hints ignored.

use scraper::node::Element;
use scraper::{ElementRef, Html, Node};

use super::meta::Collector;

const NONE: u32 = u32::MAX;

/// Tags whose whole subtree is never content.
fn is_dropped_tag(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "button"
            | "select"
            | "input"
            | "textarea"
            | "option"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "video"
            | "audio"
            | "map"
            | "dialog"
    )
}

fn is_inline_tag(tag: &str) -> bool {
    matches!(
        tag,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "data"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "kbd"
            | "label"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "var"
            | "wbr"
            | "img"
            | "picture"
            | "del"
            | "ins"
            | "strike"
            | "tt"
            | "big"
            | "nobr"
    )
}

/// Tags that start and end a block of text.
fn is_block_tag(tag: &str) -> bool {
    !is_inline_tag(tag) && !matches!(tag, "td" | "th")
}

fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text",
    "blog", "story", "prose",
];
const NEGATIVE: &[&str] = &[
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
    "nav",
    "menu",
    "social",
    "cookie",
    "newsletter",
    "subscribe",
    "taboola",
    "recommend",
];
/// Class/id names of blocks that are boilerplate whatever their score.
const UNLIKELY: &[&str] = &[
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumb",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
    "yom-remote",
    "share",
    "cookie",
    "newsletter",
    "subscribe",
    "promo",
    "taboola",
    "outbrain",
    "consent",
    "modal",
    "masthead",
    "skip-link",
    "skiplink",
    "toolbar",
    "navbar",
    "byline",
    "dateline",
    "recommend",
];
/// Names that keep a block whose name is also "unlikely".
const MAYBE: &[&str] = &[
    "and", "article", "body", "column", "content", "main", "shadow",
];
/// Whole tokens of class/id names that mean an advertisement.
const AD_TOKENS: &[&str] = &["ad", "ads", "advert", "adsense", "advertisement", "adslot"];

/// Class/id weight (−25 … +25 per hint) and whether the name says
/// "boilerplate".
fn class_hints(el: &Element) -> (i32, bool) {
    let class = el.attr("class").unwrap_or("");
    let id = el.attr("id").unwrap_or("");
    if class.is_empty() && id.is_empty() {
        return (0, false);
    }
    let mut weight = 0;
    let mut unlikely = false;
    for name in [class, id] {
        if name.is_empty() {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let ad = lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|t| AD_TOKENS.contains(&t));
        if ad || NEGATIVE.iter().any(|n| lower.contains(n)) {
            weight -= 25;
        }
        if POSITIVE.iter().any(|p| lower.contains(p)) {
            weight += 25;
        }
        if (ad || UNLIKELY.iter().any(|u| lower.contains(u)))
            && !MAYBE.iter().any(|m| lower.contains(m))
        {
            unlikely = true;
        }
    }
    (weight, unlikely)
}

/// Whether the element is hidden (and so never content).
fn is_hidden(el: &Element) -> bool {
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

fn is_boiler_role(el: &Element) -> bool {
    matches!(
        el.attr("role"),
        Some(
            "navigation"
                | "complementary"
                | "banner"
                | "contentinfo"
                | "menu"
                | "menubar"
                | "dialog"
                | "alert"
                | "alertdialog"
                | "search"
        )
    )
}

/// Boilerplate by tag, decided once the node's counts are known.
fn is_boiler_tag(tag: &str) -> bool {
    matches!(
        tag,
        "nav" | "footer" | "aside" | "header" | "form" | "menu" | "fieldset"
    )
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    text: u32,
    link: u32,
    commas: u32,
    p: u32,
    li: u32,
    img: u32,
    input: u32,
    heading: u32,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.text += o.text;
        self.link += o.link;
        self.commas += o.commas;
        self.p += o.p;
        self.li += o.li;
        self.img += o.img;
        self.input += o.input;
        self.heading += o.heading;
    }

    fn link_density(&self) -> f32 {
        if self.text == 0 {
            0.0
        } else {
            self.link as f32 / self.text as f32
        }
    }
}

pub(super) struct DNode<'a> {
    /// Tag name; empty for a text node.
    tag: &'a str,
    /// Text of a text node.
    text: &'a str,
    parent: u32,
    children: Vec<u32>,
    weight: i32,
    /// Named like boilerplate (class/id).
    unlikely: bool,
    /// Boilerplate by tag or role (kept out unless it holds an article).
    boiler_tag: bool,
    /// Inputs and embeds dropped from the tree, counted for cleaning.
    dropped_inputs: u32,
}

/// The body of a page as a flat tree.
pub(super) struct Dom<'a> {
    nodes: Vec<DNode<'a>>,
}

fn text_len(s: &str) -> u32 {
    let mut n = 0u32;
    let mut in_word = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if in_word {
                n += 1;
                in_word = false;
            }
        } else {
            n += 1;
            in_word = true;
        }
    }
    n
}

fn count_commas(s: &str) -> u32 {
    s.chars()
        .filter(|c| {
            matches!(
                c,
                ',' | '،' | '，' | '、' | '﹐' | '︐' | '︑' | '⹁' | '⸴' | '⸲'
            )
        })
        .count() as u32
}

impl<'a> Dom<'a> {
    /// Copies the parsed page; `collector`, when given, sees every element
    /// (head included) to gather metadata.
    pub(super) fn build(doc: &'a Html, mut collector: Option<&mut Collector>) -> Dom<'a> {
        let mut nodes: Vec<DNode<'a>> = Vec::with_capacity(1024);
        nodes.push(DNode {
            tag: "#root",
            text: "",
            parent: NONE,
            children: Vec::new(),
            weight: 0,
            unlikely: false,
            boiler_tag: false,
            dropped_inputs: 0,
        });
        let mut stack = Vec::with_capacity(64);
        for child in doc.tree.root().children().rev() {
            stack.push((child, 0));
        }
        while let Some((node, parent)) = stack.pop() {
            match node.value() {
                Node::Text(t) => {
                    let text: &'a str = t;
                    if text.is_empty() {
                        continue;
                    }
                    let idx = nodes.len() as u32;
                    nodes.push(DNode {
                        tag: "",
                        text,
                        parent,
                        children: Vec::new(),
                        weight: 0,
                        unlikely: false,
                        boiler_tag: false,
                        dropped_inputs: 0,
                    });
                    nodes[parent as usize].children.push(idx);
                }
                Node::Element(el) => {
                    if let (Some(c), Some(e)) = (collector.as_deref_mut(), ElementRef::wrap(node)) {
                        c.element(e);
                    }
                    let tag: &'a str = el.name();
                    if is_dropped_tag(tag) || is_hidden(el) {
                        if matches!(
                            tag,
                            "input" | "select" | "textarea" | "button" | "iframe" | "embed"
                        ) || (tag == "object" || tag == "video")
                        {
                            nodes[parent as usize].dropped_inputs += 1;
                        }
                        if let Some(c) = collector.as_deref_mut() {
                            // Metadata lives in <head>, and JSON-LD and meta
                            // tags also in hidden parts of the body.
                            let all = tag == "head";
                            for d in node.descendants().skip(1) {
                                if let Some(e) = ElementRef::wrap(d) {
                                    if all || matches!(e.value().name(), "script" | "meta") {
                                        c.element(e);
                                    }
                                }
                            }
                        }
                        continue;
                    }
                    let (weight, unlikely) = if matches!(tag, "html" | "body" | "a" | "main") {
                        (0, false)
                    } else {
                        class_hints(el)
                    };
                    let boiler_tag = is_boiler_tag(tag) || is_boiler_role(el);
                    let idx = nodes.len() as u32;
                    nodes.push(DNode {
                        tag,
                        text: "",
                        parent,
                        children: Vec::new(),
                        weight,
                        unlikely,
                        boiler_tag,
                        dropped_inputs: 0,
                    });
                    nodes[parent as usize].children.push(idx);
                    for child in node.children().rev() {
                        stack.push((child, idx));
                    }
                }
                _ => {}
            }
        }
        Dom { nodes }
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }
}

/// Per-node state of one reading of the page.
struct Reading {
    counts: Vec<Counts>,
    /// Left out: boilerplate itself or inside it.
    dead: Vec<bool>,
}

/// Sums the counts bottom-up and decides what is boilerplate; with
/// `use_hints` false, class/id names are ignored.
fn read(dom: &Dom<'_>, use_hints: bool) -> Reading {
    let n = dom.len();
    let mut counts = vec![Counts::default(); n];
    let mut boiler = vec![false; n];
    for i in (0..n).rev() {
        let node = &dom.nodes[i];
        let mut c = counts[i];
        if node.tag.is_empty() {
            c.text = text_len(node.text);
            c.commas = count_commas(node.text);
        } else {
            c.input += node.dropped_inputs;
            match node.tag {
                "p" => c.p += 1,
                "li" => c.li += 1,
                "img" | "picture" => c.img += 1,
                "a" => c.link = c.text,
                t if is_heading(t) => c.heading = c.text,
                _ => {}
            }
            // A boilerplate tag that holds several paragraphs of prose is a
            // misused wrapper, not boilerplate.
            let prose = c.p >= 3 && c.text >= 500 && c.link_density() < 0.3;
            let b = (node.boiler_tag && !prose) || (use_hints && node.unlikely && !prose);
            boiler[i] = b;
        }
        counts[i] = c;
        if i > 0 && !boiler[i] {
            let p = node.parent as usize;
            let mut pc = counts[p];
            pc.add(&c);
            counts[p] = pc;
        }
    }
    let mut dead = vec![false; n];
    for i in 1..n {
        dead[i] = boiler[i] || dead[dom.nodes[i].parent as usize];
    }
    Reading { counts, dead }
}

fn base_score(tag: &str) -> f32 {
    match tag {
        "div" | "article" | "main" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

struct Scores {
    score: Vec<f32>,
    scored: Vec<bool>,
}

impl Scores {
    fn add(&mut self, dom: &Dom<'_>, i: usize, amount: f32) {
        if !self.scored[i] {
            self.scored[i] = true;
            self.score[i] = base_score(dom.nodes[i].tag) + dom.nodes[i].weight as f32;
        }
        self.score[i] += amount;
    }
}

fn score(dom: &Dom<'_>, r: &Reading, use_hints: bool) -> Scores {
    let n = dom.len();
    let mut s = Scores {
        score: vec![0.0; n],
        scored: vec![false; n],
    };
    for i in 1..n {
        let node = &dom.nodes[i];
        if node.tag.is_empty() || r.dead[i] {
            continue;
        }
        // The paragraph's text and where its score goes.
        let (len, commas, first) = match node.tag {
            "p" | "pre" | "td" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                (r.counts[i].text, r.counts[i].commas, node.parent)
            }
            "div" | "section" | "article" | "main" | "blockquote" | "span" | "font" | "center"
            | "dd" | "li" => {
                // Inline text directly inside a container is a paragraph too.
                let mut len = 0;
                let mut commas = 0;
                let mut has_block = false;
                for &c in &node.children {
                    let child = &dom.nodes[c as usize];
                    if child.tag.is_empty() || is_inline_tag(child.tag) {
                        if !r.dead[c as usize] {
                            len += r.counts[c as usize].text;
                            commas += r.counts[c as usize].commas;
                        }
                    } else if child.tag != "br" {
                        has_block = true;
                    }
                }
                if len < 25 {
                    continue;
                }
                if has_block || matches!(node.tag, "article" | "main") {
                    (len, commas, i as u32)
                } else if matches!(node.tag, "span" | "font" | "li") {
                    continue;
                } else {
                    (len, commas, node.parent)
                }
            }
            _ => continue,
        };
        if len < 25 {
            continue;
        }
        let content = 1.0 + commas as f32 + (len as f32 / 100.0).floor().min(3.0);
        let mut a = first;
        let mut level = 0u32;
        while a != NONE && a != 0 && level < 5 {
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            s.add(dom, a as usize, content / divider);
            a = dom.nodes[a as usize].parent;
            level += 1;
        }
    }
    if !use_hints {
        // Class hints were added at initialisation: take them back out.
        for i in 0..n {
            if s.scored[i] {
                s.score[i] -= dom.nodes[i].weight as f32;
            }
        }
    }
    s
}

fn is_ancestor(dom: &Dom<'_>, a: u32, mut n: u32) -> bool {
    while n != NONE {
        if n == a {
            return true;
        }
        n = dom.nodes[n as usize].parent;
    }
    false
}

/// Picks the subtrees that hold the article: the best container and the
/// siblings that belong with it.
fn select(dom: &Dom<'_>, r: &Reading, s: &Scores) -> Vec<u32> {
    let n = dom.len();
    let mut ranked: Vec<(f32, u32)> = (1..n)
        .filter(|&i| s.scored[i] && !r.dead[i])
        .map(|i| (s.score[i] * (1.0 - r.counts[i].link_density()), i as u32))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let Some(&(top_score, mut top)) = ranked.first() else {
        return body(dom).into_iter().collect();
    };
    let final_score = |i: u32| s.score[i as usize] * (1.0 - r.counts[i as usize].link_density());

    // Several near-best candidates under one ancestor: take the ancestor.
    let alternatives: Vec<u32> = ranked
        .iter()
        .skip(1)
        .take(4)
        .filter(|(sc, _)| *sc / top_score >= 0.75)
        .map(|&(_, i)| i)
        .collect();
    if alternatives.len() >= 3 {
        let mut a = dom.nodes[top as usize].parent;
        while a != NONE && a != 0 && !matches!(dom.nodes[a as usize].tag, "body" | "html") {
            let contained = alternatives
                .iter()
                .filter(|&&alt| is_ancestor(dom, a, alt))
                .count();
            if contained >= 3 {
                top = a;
                break;
            }
            a = dom.nodes[a as usize].parent;
        }
    }

    // Move up while the parent scores about as well.
    let mut last = final_score(top);
    let threshold = last / 3.0;
    let mut p = dom.nodes[top as usize].parent;
    while p != NONE && p != 0 && !matches!(dom.nodes[p as usize].tag, "body" | "html") {
        if !s.scored[p as usize] {
            p = dom.nodes[p as usize].parent;
            continue;
        }
        let ps = final_score(p);
        if ps < threshold {
            break;
        }
        if ps > last {
            top = p;
            break;
        }
        last = ps;
        p = dom.nodes[p as usize].parent;
    }
    // An only child says nothing more than its parent.
    loop {
        let p = dom.nodes[top as usize].parent;
        if p == NONE || p == 0 || matches!(dom.nodes[p as usize].tag, "body" | "html") {
            break;
        }
        let element_children = dom.nodes[p as usize]
            .children
            .iter()
            .filter(|&&c| {
                let cn = &dom.nodes[c as usize];
                !cn.tag.is_empty() || !cn.text.trim().is_empty()
            })
            .count();
        if element_children != 1 {
            break;
        }
        top = p;
    }

    // Siblings that belong with the top candidate.
    let top_final = final_score(top);
    let parent = dom.nodes[top as usize].parent;
    if parent == NONE {
        return vec![top];
    }
    let threshold = (top_final * 0.2).max(10.0);
    let mut out = Vec::new();
    for &c in &dom.nodes[parent as usize].children {
        if c == top {
            out.push(c);
            continue;
        }
        let cn = &dom.nodes[c as usize];
        if cn.tag.is_empty() || r.dead[c as usize] {
            continue;
        }
        let counts = &r.counts[c as usize];
        let mut keep = false;
        if s.scored[c as usize] && final_score(c) >= threshold {
            keep = true;
        } else if cn.tag == "p" {
            let ld = counts.link_density();
            if counts.text > 80 && ld < 0.25 {
                keep = true;
            } else if counts.text > 0 && counts.text <= 80 && ld == 0.0 {
                keep = ends_sentence(dom, r, c);
            }
        }
        if keep {
            out.push(c);
        }
    }
    out
}

fn ends_sentence(dom: &Dom<'_>, r: &Reading, i: u32) -> bool {
    let mut t = String::new();
    write_text(dom, r, i, &mut Vec::new(), &mut t, None);
    let t = t.trim_end();
    t.ends_with('.') || t.contains(". ")
}

fn body(dom: &Dom<'_>) -> Option<u32> {
    (0..dom.len() as u32)
        .find(|&i| dom.nodes[i as usize].tag == "body")
        .or(Some(0))
}

/// Whether a container inside the article is a link list, a share bar, a
/// form or a gallery rather than article text.
fn clean_out(dom: &Dom<'_>, r: &Reading, s: Option<&Scores>, i: usize) -> bool {
    let node = &dom.nodes[i];
    if !matches!(
        node.tag,
        "div"
            | "section"
            | "ul"
            | "ol"
            | "table"
            | "form"
            | "fieldset"
            | "aside"
            | "figure"
            | "nav"
    ) {
        return false;
    }
    let c = &r.counts[i];
    let weight = node.weight;
    let score = s.map_or(0.0, |s| if s.scored[i] { s.score[i] } else { 0.0 });
    if weight as f32 + score < 0.0 && c.text < 500 {
        return true;
    }
    if c.commas >= 10 {
        return false;
    }
    let is_list = matches!(node.tag, "ul" | "ol");
    let ld = c.link_density();
    if node.tag == "table" {
        return ld > 0.5;
    }
    let p = c.p as f32;
    let img = c.img as f32;
    let li = c.li as f32 - 100.0;
    let heading_density = if c.text == 0 {
        0.0
    } else {
        c.heading as f32 / c.text as f32
    };
    (img > 1.0 && p / img < 0.5 && node.tag != "figure")
        || (!is_list && li > p)
        || (c.input as f32 > (p / 3.0).floor())
        || (!is_list
            && heading_density < 0.9
            && c.text < 25
            && (c.img == 0 || c.img > 2)
            && ld > 0.0)
        || (!is_list && weight < 25 && ld > 0.2 && c.text < 1000)
        || (is_list && ld > 0.5)
        || (weight >= 25 && ld > 0.5)
}

/// Appends the text of subtree `i` to `blocks` / `cur`; `roots` are never
/// cleaned out (the chosen containers themselves).
fn write_text(
    dom: &Dom<'_>,
    r: &Reading,
    root: u32,
    blocks: &mut Vec<String>,
    cur: &mut String,
    clean: Option<(&Scores, &[u32])>,
) {
    // (node, entering?)
    let mut stack: Vec<(u32, bool)> = vec![(root, true)];
    let mut pending_space = false;
    while let Some((i, enter)) = stack.pop() {
        let node = &dom.nodes[i as usize];
        if node.tag.is_empty() {
            push_text(cur, node.text, &mut pending_space);
            continue;
        }
        if !enter {
            if is_block_tag(node.tag) {
                flush(blocks, cur);
                pending_space = false;
            } else if matches!(node.tag, "td" | "th") {
                pending_space = true;
            }
            continue;
        }
        if r.dead[i as usize] {
            continue;
        }
        if let Some((scores, roots)) = clean {
            if !roots.contains(&i) && clean_out(dom, r, Some(scores), i as usize) {
                continue;
            }
        }
        if node.tag == "br" || node.tag == "hr" {
            flush(blocks, cur);
            pending_space = false;
            continue;
        }
        if is_block_tag(node.tag) {
            flush(blocks, cur);
            pending_space = false;
        }
        stack.push((i, false));
        for &c in node.children.iter().rev() {
            stack.push((c, true));
        }
    }
}

fn push_text(cur: &mut String, text: &str, pending_space: &mut bool) {
    let mut words = text.split_whitespace().peekable();
    if words.peek().is_none() {
        if !text.is_empty() {
            *pending_space = true;
        }
        return;
    }
    if text.starts_with(char::is_whitespace) {
        *pending_space = true;
    }
    for word in words {
        if *pending_space && !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        *pending_space = true;
    }
    *pending_space = text.ends_with(char::is_whitespace);
}

fn flush(blocks: &mut Vec<String>, cur: &mut String) {
    let t = cur.trim();
    if !t.is_empty() {
        blocks.push(t.to_string());
    }
    cur.clear();
}

fn extract_with(dom: &Dom<'_>, use_hints: bool) -> Vec<String> {
    let r = read(dom, use_hints);
    let s = score(dom, &r, use_hints);
    let roots = select(dom, &r, &s);
    let mut blocks = Vec::new();
    let mut cur = String::new();
    for &root in &roots {
        write_text(dom, &r, root, &mut blocks, &mut cur, Some((&s, &roots)));
        flush(&mut blocks, &mut cur);
    }
    blocks
}

fn total_len(blocks: &[String]) -> usize {
    blocks.iter().map(|b| b.len()).sum()
}

/// The main text of the page: paragraphs separated by `"\n\n"`.
pub(super) fn main_text(dom: &Dom<'_>) -> String {
    let mut blocks = extract_with(dom, true);
    if total_len(&blocks) < 250 {
        let relaxed = extract_with(dom, false);
        if total_len(&relaxed) > total_len(&blocks) {
            blocks = relaxed;
        }
    }
    blocks.join("\n\n")
}

/// All the text of a fragment, blocks separated by `"\n\n"`.
pub(super) fn all_text(dom: &Dom<'_>) -> String {
    let n = dom.len();
    let r = Reading {
        counts: vec![Counts::default(); n],
        dead: vec![false; n],
    };
    let mut blocks = Vec::new();
    let mut cur = String::new();
    write_text(dom, &r, 0, &mut blocks, &mut cur, None);
    flush(&mut blocks, &mut cur);
    blocks.join("\n\n")
}

/// Plain text with its whitespace tidied: lines kept as blocks.
pub(super) fn collapse_blocks(text: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for para in text.split("\n\n") {
        let t = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            blocks.push(t);
        }
    }
    blocks.join("\n\n")
}

/// The text of every text node of the page in order (boilerplate
/// included), separated by newlines, up to about `cap` bytes.
pub(super) fn page_text(dom: &Dom<'_>, cap: usize) -> String {
    let mut out = String::new();
    for node in &dom.nodes {
        if node.tag.is_empty() && !node.text.trim().is_empty() {
            out.push_str(node.text.trim());
            out.push('\n');
            if out.len() >= cap {
                break;
            }
        }
    }
    out
}
