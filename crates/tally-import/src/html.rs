//! A web page saved as a file: memorial sites, news articles and official pages give their
//! lists as an HTML table, or as a list of paragraphs and items. This reads the page's tables
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
    let mut line: Option<(u64, String, bool)> = None;
    let mut in_item = 0usize;
    let flush = |line: &mut Option<(u64, String, bool)>, doc: &mut Document| {
        if let Some((n, t, item)) = line.take() {
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if !t.is_empty() {
                doc.lines.push((n, t));
                doc.items.push(item);
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
                    flush(&mut line, &mut doc);
                }
                if name == "li" && open.is_empty() {
                    in_item += 1;
                }
                match name.as_str() {
                    "table" => {
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
                    flush(&mut line, &mut doc);
                }
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
                        let entry = line.get_or_insert_with(|| (at, String::new(), in_item > 0));
                        entry.1.push_str(&s);
                    }
                    None => {
                        if let Some(entry) = line.as_mut() {
                            entry.1.push_str(&s);
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
    flush(&mut line, &mut doc);
    doc
}
