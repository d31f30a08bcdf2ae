//! A web page saved as a file: memorial sites, news articles and official pages give their
//! lists as an HTML table, as a list of paragraphs and items, or as cards (one repeated block
//! per person: a name over its dates and place; see `cards`). This reads the page's tables
//! (rows of cells, each with the line its row starts on) and its text outside tables (one line
//! per block: paragraph, item, heading, line break), so that the reader can take the table with
//! a name column, or else read the text as a list of people.
//!
//! Tokenising is html5gum's (a WHATWG tokenizer: entities, comments, raw text of scripts, tags
//! in any case); what a table is, is decided here, because only tables and blocks matter and a
//! tree builder is far heavier. Cells and rows close themselves as HTML lets them (`<td>a<td>b`).

use html5gum::{DefaultEmitter, Token, Tokenizer};

use crate::document::{Document, Down, Table};

/// Whether a text is a web page rather than a table of text: it starts with a tag, and a tag
/// that pages have appears near the top.
pub fn looks_like_html(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('<') {
        return false;
    }
    let head: String = t.chars().take(65_536).collect::<String>().to_ascii_lowercase();
    ["<!doctype html", "<html", "<body", "<table", "<tr", "<p>", "<p ", "<li", "<div", "<br"]
        .iter()
        .any(|m| head.contains(m))
}

/// One open table: the row and the cell being read.
struct Open {
    idx: usize,
    row: Option<(u64, Vec<String>)>,
    cell: Option<String>,
    /// Empty cells that follow the open one (`colspan`), so that the columns under a merged
    /// header cell keep their places.
    span: usize,
    /// Rows the open cell runs down over (`rowspan`), counting its own.
    rows: usize,
    /// Cells merged down from rows above: the rows below leave them out, and each is given
    /// the merged cell's text (a region written once for the soldiers of one region).
    down: Down,
}

impl Open {
    fn new(idx: usize) -> Self {
        Open { idx, row: None, cell: None, span: 0, rows: 1, down: Down::default() }
    }

    /// Give the columns at the row's end that a merge from above covers their text: those
    /// right at the end (before a new cell), or, with `all`, every one still to come (at the
    /// row's end, with empty cells between).
    fn fill_covered(&mut self, all: bool) {
        let row = &mut self.row.get_or_insert_with(|| (0, vec![])).1;
        while let Some(c) = self.down.pending_from(row.len()) {
            if !all && c != row.len() {
                break;
            }
            row.resize(c, String::new());
            let t = self.down.covered(c).unwrap_or_default();
            row.push(t);
        }
    }

    fn close_cell(&mut self) {
        if let Some(c) = self.cell.take() {
            self.fill_covered(false);
            let row = &mut self.row.get_or_insert_with(|| (0, vec![])).1;
            let text = c.split_whitespace().collect::<Vec<_>>().join(" ");
            self.down.start(row.len(), &text, self.rows);
            row.push(text);
            row.extend(std::iter::repeat_n(String::new(), self.span));
            self.span = 0;
            self.rows = 1;
        }
    }

    fn close_row(&mut self, tables: &mut [Table]) {
        self.close_cell();
        if self.row.is_some() {
            self.fill_covered(true);
        }
        if let Some((line, cells)) = self.row.take() {
            if cells.iter().any(|c| !c.is_empty()) {
                tables[self.idx].rows.push((line, cells));
            }
        }
    }
}

/// Elements whose start or end breaks a line of text.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ol"
            | "ul"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "br"
            | "hr"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "blockquote"
            | "pre"
            | "table"
            | "caption"
            | "tr"
            | "main"
            | "aside"
            | "nav"
            | "figure"
            | "figcaption"
    )
}

/// Elements whose text is no content of the page. Not `<head>`: its end tag may be left out,
/// and the page's body would then be hidden with it.
fn is_hidden(name: &str) -> bool {
    matches!(name, "script" | "style" | "title" | "noscript" | "template")
}

/// Read a page's tables and text lines.
pub fn read(text: &str) -> Document {
    let starts: Vec<usize> =
        std::iter::once(0).chain(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) as u64;
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Switch to raw text inside <script>, <style>, <title> and <textarea> as a browser would,
    // so that a script's "<" opens no tag.
    emitter.naively_switch_states(true);
    let mut doc = Document::default();
    let mut open: Vec<Open> = Vec::new();
    let mut hidden = 0usize;
    let mut line: Option<Line> = None;
    let mut in_item = 0usize;
    // The elements open around the text, for finding cards (see `cards`).
    let mut els = Elements::default();
    let mut line_els: Vec<Vec<(u32, u32)>> = Vec::new();
    let flush = |line: &mut Option<Line>, doc: &mut Document, line_els: &mut Vec<Vec<(u32, u32)>>| {
        if let Some(Line { at, text, item, around }) = line.take() {
            let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !t.is_empty() {
                doc.lines.push((at, t));
                doc.items.push(item);
                line_els.push(around);
            }
        }
    };
    for token in Tokenizer::new_with_emitter(text, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                let at = line_of(tag.span.start);
                if is_hidden(&name) && !tag.self_closing {
                    hidden += 1;
                    continue;
                }
                if is_block(&name) && open.is_empty() {
                    flush(&mut line, &mut doc, &mut line_els);
                }
                if !tag.self_closing {
                    let class = tag
                        .attributes
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(b"class"))
                        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
                        .unwrap_or_default();
                    els.open(&name, &class);
                }
                if name == "li" && open.is_empty() {
                    in_item += 1;
                }
                match name.as_str() {
                    "table" => {
                        doc.tables_at.push(doc.lines.len());
                        doc.tables.push(Table::default());
                        open.push(Open::new(doc.tables.len() - 1));
                    }
                    "tr" => {
                        if let Some(t) = open.last_mut() {
                            t.close_row(&mut doc.tables);
                            t.row = Some((at, vec![]));
                        }
                    }
                    "td" | "th" => {
                        if let Some(t) = open.last_mut() {
                            t.close_cell();
                            t.row.get_or_insert_with(|| (at, vec![]));
                            t.cell = Some(String::new());
                            let span = tag
                                .attributes
                                .iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case(b"colspan"))
                                .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
                            t.span = span.and_then(|s| s.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, 100) - 1;
                            let rows = tag
                                .attributes
                                .iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case(b"rowspan"))
                                .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
                            // rowspan="0" runs to the end of the table section.
                            t.rows = rows.and_then(|s| s.trim().parse::<usize>().ok()).map_or(1, |n| {
                                if n == 0 {
                                    10_000
                                } else {
                                    n.min(10_000)
                                }
                            });
                        }
                    }
                    "br" | "p" | "div" | "li" => {
                        if let Some(c) = open.last_mut().and_then(|t| t.cell.as_mut()) {
                            c.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if is_hidden(&name) {
                    hidden = hidden.saturating_sub(1);
                    continue;
                }
                match name.as_str() {
                    "table" => {
                        if let Some(mut t) = open.pop() {
                            t.close_row(&mut doc.tables);
                        }
                    }
                    "tr" => {
                        if let Some(t) = open.last_mut() {
                            t.close_row(&mut doc.tables);
                        }
                    }
                    "td" | "th" => {
                        if let Some(t) = open.last_mut() {
                            t.close_cell();
                        }
                    }
                    "thead" | "tbody" | "tfoot" => {
                        if let Some(t) = open.last_mut() {
                            t.close_row(&mut doc.tables);
                        }
                    }
                    _ => {}
                }
                if is_block(&name) && open.is_empty() {
                    flush(&mut line, &mut doc, &mut line_els);
                }
                els.close(&name);
                if name == "li" && open.is_empty() {
                    in_item = in_item.saturating_sub(1);
                }
            }
            Token::String(s) if hidden == 0 => {
                let raw = text.get(s.span.start..s.span.end).unwrap_or("");
                let lead = raw.len() - raw.trim_start().len();
                let at = line_of(s.span.start + lead);
                let s = String::from_utf8_lossy(&s);
                match open.last_mut() {
                    Some(t) => {
                        if let Some(c) = t.cell.as_mut() {
                            c.push_str(&s);
                        }
                    }
                    None if !s.trim().is_empty() => {
                        let entry = line.get_or_insert_with(|| Line {
                            at,
                            text: String::new(),
                            item: in_item > 0,
                            around: els.around(),
                        });
                        entry.text.push_str(&s);
                    }
                    None => {
                        if let Some(entry) = line.as_mut() {
                            entry.text.push_str(&s);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    while let Some(mut t) = open.pop() {
        t.close_row(&mut doc.tables);
    }
    flush(&mut line, &mut doc, &mut line_els);
    doc.cards = cards(&doc.lines, &line_els);
    doc
}

/// A line of text outside tables being read: where it starts, whether it is a list item, and
/// the elements open around it.
struct Line {
    at: u64,
    text: String,
    item: bool,
    around: Vec<(u32, u32)>,
}

/// The elements open at a point of the page, each as (kind, instance): its kind is its tag and
/// class (`div.card`), its instance which one of them it is.
#[derive(Default)]
struct Elements {
    kinds: std::collections::HashMap<String, u32>,
    open: Vec<(String, u32, u32)>,
    next: u32,
}

impl Elements {
    fn open(&mut self, name: &str, class: &str) {
        const VOID: &[&str] =
            &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];
        if VOID.contains(&name) {
            return;
        }
        // A <p> or <li> left unclosed closes as the next one opens.
        if matches!(name, "p" | "li") && self.open.last().is_some_and(|e| e.0 == name) {
            self.open.pop();
        }
        let n = self.kinds.len() as u32;
        let kind = *self
            .kinds
            .entry(format!("{name}.{}", class.split_whitespace().collect::<Vec<_>>().join(".")))
            .or_insert(n);
        self.next += 1;
        self.open.push((name.to_string(), kind, self.next));
    }

    fn close(&mut self, name: &str) {
        if let Some(i) = self.open.iter().rposition(|e| e.0 == name) {
            self.open.truncate(i);
        }
    }

    /// The innermost elements around a point (at most 32: a card is never deeper than that
    /// below the text, and old pages that never close their `<font>` tags must not cost a copy
    /// of thousands per line).
    fn around(&self) -> Vec<(u32, u32)> {
        let from = self.open.len().saturating_sub(32);
        self.open[from..].iter().map(|e| (e.1, e.2)).collect()
    }
}

/// People laid out as cards: a kind of element (`div.person`) repeated at least three times, each
/// instance holding two to twelve lines of which the first reads as a name («Коваленко Петро
/// Іванович» over «12.05.1990 — 01.06.2023» over «Харківська обл.»), in three of five instances
/// at least. Of several such kinds, the one with the most such cards (then the most lines:
/// the card rather than a block inside it). The reader joins a card's lines as a list line, or
/// takes its labelled lines («Дата народження: 12.05.1990») as columns.
/// Whether a card's first line names its person: a name («Коваленко Петро Іванович»), or a name
/// under a label a header would give a name column («ПІБ: Коваленко Петро Іванович»).
fn names_a_person(line: &str) -> bool {
    if crate::list::plain_line(line).is_some() {
        return true;
    }
    let Some((label, name)) = line.split_once(':') else { return false };
    crate::header::recognize(label).is_some_and(|r| crate::is_name_role(&Some(r)))
        && crate::list::plain_line(name).is_some()
}

fn cards(lines: &[(u64, String)], around: &[Vec<(u32, u32)>]) -> Vec<(u64, Vec<String>)> {
    use std::collections::BTreeMap;
    // kind -> instance -> its lines (instances in page order: their ids grow).
    let mut kinds: BTreeMap<u32, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
    for (i, els) in around.iter().enumerate() {
        for &(kind, inst) in els {
            kinds.entry(kind).or_default().entry(inst).or_default().push(i);
        }
    }
    let mut best: Option<(usize, usize, u32)> = None;
    for (&kind, insts) in &kinds {
        if insts.len() < 3 {
            continue;
        }
        let named = insts.values().filter(|ls| (2..=12).contains(&ls.len()) && names_a_person(&lines[ls[0]].1)).count();
        let covered: usize = insts.values().map(Vec::len).sum();
        if named >= 3 && named * 5 >= insts.len() * 3 && best.is_none_or(|b| (named, covered) > (b.0, b.1)) {
            best = Some((named, covered, kind));
        }
    }
    let Some((_, _, kind)) = best else { return Vec::new() };
    kinds[&kind].values().map(|ls| (lines[ls[0]].0, ls.iter().map(|&i| lines[i].1.clone()).collect())).collect()
}
