//! PDF files whose text can be selected: official lists and reports are often published as PDFs
//! exported from a word processor or a spreadsheet. A PDF holds no tables and no lines, only
//! glyphs placed on a page, so this rebuilds what the page shows and hands it on as the same
//! [`Document`] a Word file gives (see [`crate::document`]): the reader then takes the table with
//! a name column, or reads the text as a list of people.
//!
//! How the page is read back:
//! - Glyphs (from `pdf-extract`, which decodes the fonts' encodings and ToUnicode maps) are put
//!   into lines by their baseline, each line read left to right.
//! - A line splits into *segments* where a vertical rule of the page (a table's grid, stroked or
//!   filled thin) passes between two glyphs, and at wide gaps: a gap of most of a letter's height
//!   with no space drawn in it is the padding between two table cells, a narrower one or a drawn
//!   space a space between words. The rules matter for tables with little padding (a spreadsheet
//!   printed to PDF), whose cells' texts can stand closer than two words do.
//! - Two or more lines of two or more segments in a row are a table. Its columns come from the
//!   lines with the most segments (their segments' extents, merged where they overlap), and every
//!   segment goes to the column it overlaps most, so that an empty cell stays empty instead of
//!   shifting the row left. A line much closer to the one above than the table's rows are to each
//!   other is that row's text wrapped in its cells («Дата» over «народження»).
//! - A table that goes on at the top of the next page under the same columns is one table; a
//!   header repeated there is dropped.
//! - Everything else is text, one line a line, as the page's text reads when copied out.
//!
//! Where things are: lines are numbered through the document, every page's lines after the last
//! page's, as when the whole text is copied out; a table row is where its first line is.
//!
//! A scanned list has no text at all (pictures of pages): the reader says so rather than read an
//! empty list. Pages turned by `/Rotate` and text drawn at an angle are read as if upright,
//! which is wrong for them; they are rare in the lists met so far.

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

use crate::document::{Document, DocumentError, Table};

/// A gap (in letter heights) wider than this, with no space drawn in it, separates two cells.
const CELL_GAP: f64 = 0.8;
/// A gap wider than this separates two cells even when a space is drawn in it (a space typed
/// into a cell's padding).
const CELL_GAP_WITH_SPACE: f64 = 2.5;
/// A gap wider than this (in letter heights) between two glyphs is a space between words.
const WORD_GAP: f64 = 0.15;

/// One glyph as placed on its page (PDF units, y upwards).
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    /// Advance width.
    w: f64,
    /// Letter height (the font size as drawn).
    size: f64,
    text: String,
}

/// A vertical line drawn on a page: x, and the lowest and highest y it covers.
#[derive(Debug, Clone, Copy)]
struct Rule {
    x: f64,
    y0: f64,
    y1: f64,
}

/// Collects each page's glyphs and vertical rules from `pdf-extract`.
#[derive(Default)]
struct Glyphs {
    pages: Vec<(Vec<Glyph>, Vec<Rule>)>,
}

/// A point of a path in page space.
fn place(ctm: &Transform, x: f64, y: f64) -> (f64, f64) {
    (x * ctm.m11 + y * ctm.m21 + ctm.m31, x * ctm.m12 + y * ctm.m22 + ctm.m32)
}

/// The vertical line from `a` to `b`, if it is one (and long enough to be a rule, not a glyph's
/// stroke or a dot).
fn vertical(a: (f64, f64), b: (f64, f64)) -> Option<Rule> {
    ((a.0 - b.0).abs() < 1.0 && (a.1 - b.1).abs() > 4.0).then(|| Rule {
        x: (a.0 + b.0) / 2.0,
        y0: a.1.min(b.1),
        y1: a.1.max(b.1),
    })
}

impl Glyphs {
    fn rules(&mut self) -> Option<&mut Vec<Rule>> {
        self.pages.last_mut().map(|p| &mut p.1)
    }
}

impl OutputDev for Glyphs {
    fn begin_page(&mut self, _: u32, _: &MediaBox, _: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        self.pages.push((Vec::new(), Vec::new()));
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // The text matrix scales the font: the size as drawn is the side of the square of the
        // same area (as pdf-extract's own text output takes it).
        let (vx, vy) = (font_size * (trm.m11 + trm.m21), font_size * (trm.m12 + trm.m22));
        let size = (vx * vy).abs().sqrt();
        if let Some((page, _)) = self.pages.last_mut() {
            if size.is_finite() && size > 0.0 && trm.m31.is_finite() && trm.m32.is_finite() {
                page.push(Glyph { x: trm.m31, y: trm.m32, w: width * size, size, text: text.to_string() });
            }
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    /// Lines stroked: each vertical piece, and the sides of rectangles (cell borders).
    fn stroke(&mut self, ctm: &Transform, _: &ColorSpace, _: &[f64], path: &Path) -> Result<(), OutputError> {
        let mut found = Vec::new();
        let mut at = None;
        let mut start = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    at = Some(place(ctm, x, y));
                    start = at;
                }
                PathOp::LineTo(x, y) => {
                    let to = place(ctm, x, y);
                    found.extend(at.and_then(|a| vertical(a, to)));
                    at = Some(to);
                }
                PathOp::CurveTo(.., x, y) => at = Some(place(ctm, x, y)),
                PathOp::Rect(x, y, w, h) => {
                    found.extend(vertical(place(ctm, x, y), place(ctm, x, y + h)));
                    found.extend(vertical(place(ctm, x + w, y), place(ctm, x + w, y + h)));
                }
                PathOp::Close => {
                    if let (Some(a), Some(s)) = (at, start) {
                        found.extend(vertical(a, s));
                    }
                    at = start;
                }
            }
        }
        if let Some(rules) = self.rules() {
            rules.extend(found);
        }
        Ok(())
    }
    /// Rectangles filled thin and tall: borders drawn as fills (as spreadsheets print them).
    fn fill(&mut self, ctm: &Transform, _: &ColorSpace, _: &[f64], path: &Path) -> Result<(), OutputError> {
        let found: Vec<Rule> = path
            .ops
            .iter()
            .filter_map(|op| match *op {
                PathOp::Rect(x, y, w, h) => {
                    let (a, b) = (place(ctm, x, y), place(ctm, x + w, y + h));
                    ((a.0 - b.0).abs() < 2.0)
                        .then(|| vertical(((a.0 + b.0) / 2.0, a.1), ((a.0 + b.0) / 2.0, b.1)))
                        .flatten()
                }
                _ => None,
            })
            .collect();
        if let Some(rules) = self.rules() {
            rules.extend(found);
        }
        Ok(())
    }
}

/// A run of text on a line between two cell gaps.
#[derive(Debug, Clone)]
struct Segment {
    x0: f64,
    x1: f64,
    text: String,
}

/// One line of a page, left to right.
#[derive(Debug, Clone)]
struct Line {
    page: usize,
    /// Baseline.
    y: f64,
    size: f64,
    segments: Vec<Segment>,
}

impl Line {
    fn text(&self, sep: &str) -> String {
        self.segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(sep)
    }
}

/// Read a PDF's text as tables and lines. Fails when the file is no PDF, is damaged beyond
/// what `pdf-extract` reads, or needs a password to open.
pub fn read(bytes: &[u8]) -> Result<Document, DocumentError> {
    let mut pdf =
        pdf_extract::Document::load_mem(bytes).map_err(|e| DocumentError(format!("not a readable PDF: {e}")))?;
    if pdf.is_encrypted() {
        // Many PDFs are encrypted with an empty user password (to forbid copying or printing);
        // they open as any reader opens them.
        pdf.decrypt("")
            .map_err(|_| DocumentError("the PDF is protected by a password; save a copy without it".into()))?;
    }
    let mut glyphs = Glyphs::default();
    // pdf-extract panics on some malformed fonts and content streams: a damaged file is an
    // error of that file, not of the import.
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pdf_extract::output_doc(&pdf, &mut glyphs)));
    match done {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(DocumentError(format!("could not read the PDF's text: {e:?}"))),
        Err(_) => return Err(DocumentError("could not read the PDF's text: its content is malformed".into())),
    }
    let lines: Vec<Line> =
        glyphs.pages.into_iter().enumerate().flat_map(|(p, (g, rules))| page_lines(p, g, &rules)).collect();
    Ok(layout(lines))
}

/// A page's glyphs as lines, top to bottom, each split into segments.
fn page_lines(page: usize, mut glyphs: Vec<Glyph>, rules: &[Rule]) -> Vec<Line> {
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            // A glyph within a third of its height of the line's first baseline is on that line
            // (subscripts, a bold run, a font whose baseline sits a little apart).
            Some(row) if (row[0].y - g.y).abs() <= 0.35 * row[0].size.max(g.size) => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    rows.into_iter()
        .filter_map(|mut row| {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            let y = row[0].y;
            let size = row.iter().map(|g| g.size).fold(0.0, f64::max);
            // The rules that cross the line at the middle of its letters.
            let mid = y + 0.35 * size;
            let mut across: Vec<f64> = rules.iter().filter(|r| r.y0 <= mid && mid <= r.y1).map(|r| r.x).collect();
            across.sort_by(f64::total_cmp);
            let segments = segments(&row, &across);
            (!segments.is_empty()).then_some(Line { page, y, size, segments })
        })
        .collect()
}

/// Split a line's glyphs (left to right) into segments at the rules crossing it (`rules`, their
/// x in order) and at cell gaps, with words spaced.
fn segments(row: &[Glyph], rules: &[f64]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut cur: Option<Segment> = None;
    let mut end = f64::NEG_INFINITY;
    let mut spaced = false;
    let mut last_w = 0.0;
    let mut last: Option<&Glyph> = None;
    for g in row {
        let blank = g.text.chars().all(char::is_whitespace);
        // A glyph drawn twice at one place (a bold faked by overprinting) counts once.
        if last.is_some_and(|l| l.text == g.text && (l.x - g.x).abs() < 0.1 * g.size) {
            continue;
        }
        last = Some(g);
        if blank {
            spaced = cur.is_some();
            continue;
        }
        let gap = (g.x - end) / g.size;
        if let Some(seg) = cur.as_mut() {
            // A rule between the middles of the last glyph and this one.
            let from = seg.x1 - 0.5 * last_w;
            let ruled = rules.partition_point(|&x| x <= from) < rules.partition_point(|&x| x < g.x + 0.5 * g.w);
            let cell = ruled || if spaced { gap > CELL_GAP_WITH_SPACE } else { gap > CELL_GAP };
            if cell {
                out.push(cur.take().expect("a segment is open"));
            } else {
                if spaced || gap > WORD_GAP {
                    seg.text.push(' ');
                }
                seg.text.push_str(&g.text);
                seg.x1 = g.x + g.w;
            }
        }
        if cur.is_none() {
            cur = Some(Segment { x0: g.x, x1: g.x + g.w, text: g.text.clone() });
        }
        end = g.x + g.w;
        last_w = g.w;
        spaced = false;
    }
    out.extend(cur);
    for s in &mut out {
        s.text = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out.retain(|s| !s.text.is_empty());
    out
}

/// A table being built: its column extents and rows, each row with its first line's number and
/// the baseline of its last line.
struct OpenTable {
    columns: Vec<(f64, f64)>,
    rows: Vec<(u64, Vec<String>)>,
    page: usize,
    /// Index into the document's lines where the table started (for `tables_at`).
    lines_before: usize,
}

/// The columns of a block of lines: the extents of the segments of its fullest lines, merged
/// where they overlap, left to right.
fn columns(block: &[&Line]) -> Vec<(f64, f64)> {
    let most = block.iter().map(|l| l.segments.len()).max().unwrap_or(0);
    let mut spans: Vec<(f64, f64)> = block
        .iter()
        .filter(|l| l.segments.len() == most)
        .flat_map(|l| l.segments.iter().map(|s| (s.x0, s.x1)))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cols: Vec<(f64, f64)> = Vec::new();
    for (a, b) in spans {
        match cols.last_mut() {
            Some(c) if a <= c.1 => c.1 = c.1.max(b),
            _ => cols.push((a, b)),
        }
    }
    cols
}

/// The column a segment belongs to: the one it overlaps most, else the nearest.
fn column_of(cols: &[(f64, f64)], s: &Segment) -> usize {
    let overlap = |c: &(f64, f64)| (s.x1.min(c.1) - s.x0.max(c.0)).max(0.0);
    let dist = |c: &(f64, f64)| {
        if s.x1 < c.0 {
            c.0 - s.x1
        } else if s.x0 > c.1 {
            s.x0 - c.1
        } else {
            0.0
        }
    };
    (0..cols.len())
        .max_by(|&i, &j| {
            overlap(&cols[i]).total_cmp(&overlap(&cols[j])).then(dist(&cols[j]).total_cmp(&dist(&cols[i])))
        })
        .unwrap_or(0)
}

fn cells(cols: &[(f64, f64)], line: &Line) -> Vec<String> {
    let mut cells = vec![String::new(); cols.len()];
    for s in &line.segments {
        let c = &mut cells[column_of(cols, s)];
        if !c.is_empty() {
            c.push(' ');
        }
        c.push_str(&s.text);
    }
    cells
}

/// Whether a line stays within a table's columns (give or take a letter).
fn within(cols: &[(f64, f64)], l: &Line) -> bool {
    l.segments.iter().all(|s| cols.iter().any(|c| s.x0 < c.1 + l.size && c.0 - l.size < s.x1))
}

/// Append a cell's wrapped line to its text: after a space, or, where a word was broken with a
/// hyphen before a lowercase letter («наро-» over «дження»), joined back.
fn join_wrapped(cell: &mut String, more: &str) {
    if more.is_empty() {
        return;
    }
    let broken = cell.strip_suffix('-').is_some_and(|c| c.chars().last().is_some_and(char::is_alphabetic))
        && more.chars().next().is_some_and(char::is_lowercase);
    if broken {
        cell.pop();
    } else if !cell.is_empty() {
        cell.push(' ');
    }
    cell.push_str(more);
}

/// Whether two tables' columns line up (a table going on on the next page).
fn same_columns(a: &[(f64, f64)], b: &[(f64, f64)]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 < y.1 && y.0 < x.1)
}

/// Lines into the document: blocks of lines in columns become tables, the rest text.
fn layout(lines: Vec<Line>) -> Document {
    let mut doc = Document::default();
    let n = lines.len();
    let mut tables: Vec<OpenTable> = Vec::new();
    let mut i = 0;
    // Where the lines taken as text since the last table start.
    let mut text_from = 0;
    while i < n {
        // A block: consecutive lines of one page with two or more segments, and the lines
        // wrapped inside its rows.
        let mut j = i;
        while j < n && lines[j].page == lines[i].page && lines[j].segments.len() >= 2 {
            j += 1;
        }
        if j - i < 2 {
            let l = &lines[i];
            doc.lines.push(((i + 1) as u64, l.text("\t")));
            i += 1;
            continue;
        }
        // The pitch of the block's rows, and the lines just under it that are wrapped text of its
        // last row or rows of a cell or two (a name alone): lines that stay within its columns.
        let block: Vec<&Line> = lines[i..j].iter().collect();
        let cols = columns(&block);
        let mut gaps: Vec<f64> = block.windows(2).map(|w| w[0].y - w[1].y).collect();
        gaps.sort_by(f64::total_cmp);
        let pitch = gaps[gaps.len() / 2];
        // Lines just above the block, within its columns and closer to the line under them than
        // its rows are to each other: the top of its first row, wrapped («Дата» over
        // «народження» in a header whose other cells sit on the lower line). They were taken as
        // text; they are the row's.
        let mut start = i;
        while start > text_from
            && lines[start - 1].page == lines[i].page
            && within(&cols, &lines[start - 1])
            && lines[start - 1].y - lines[start].y < 0.75 * pitch
        {
            start -= 1;
            doc.lines.pop();
        }
        let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
        let mut prev_y = f64::INFINITY;
        let mut k = start;
        while k < n && lines[k].page == lines[i].page {
            let l = &lines[k];
            let near = prev_y - l.y < 1.5 * pitch;
            if k >= j && !(within(&cols, l) && near && pitch > 0.0) {
                break;
            }
            let cs = cells(&cols, l);
            // Much closer to the line above than rows are to each other: wrapped text of the row above.
            let wrapped = prev_y - l.y < 0.75 * pitch && !rows.is_empty();
            if wrapped {
                let row = &mut rows.last_mut().expect("a row above").1;
                for (c, t) in row.iter_mut().zip(cs) {
                    join_wrapped(c, &t);
                }
            } else {
                rows.push(((k + 1) as u64, cs));
            }
            prev_y = l.y;
            k += 1;
        }
        let page = lines[i].page;
        // Goes on from the last table on the page before, under the same columns, with nothing
        // but the page's header and footer lines between.
        let goes_on = tables.last().is_some_and(|t| {
            t.page + 1 == page && same_columns(&t.columns, &cols) && doc.lines.len() <= t.lines_before + 4
        });
        if goes_on {
            let t = tables.last_mut().expect("checked");
            let repeated = t.rows.first().map(|r| &r.1) == rows.first().map(|r| &r.1);
            t.rows.extend(rows.into_iter().skip(usize::from(repeated)));
            t.page = page;
            // The footer and header lines between stay text, after the table.
            t.lines_before = doc.lines.len();
        } else {
            tables.push(OpenTable { columns: cols, rows, page, lines_before: doc.lines.len() });
            doc.tables_at.push(doc.lines.len());
        }
        i = k;
        text_from = k;
    }
    doc.tables = tables.into_iter().map(|t| Table { rows: t.rows }).collect();
    doc.items = vec![false; doc.lines.len()];
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(x: f64, y: f64, text: &str) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(k, c)| Glyph { x: x + 5.0 * k as f64, y, w: 5.0, size: 10.0, text: c.to_string() })
            .collect()
    }

    #[test]
    fn a_wide_gap_splits_cells_and_a_space_joins_words() {
        let mut row = glyphs(10.0, 100.0, "Коваленко Петро");
        row.extend(glyphs(200.0, 100.0, "12.05.1990"));
        let s = segments(&row, &[]);
        assert_eq!(s.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(), ["Коваленко Петро", "12.05.1990"]);
    }

    #[test]
    fn words_placed_apart_without_a_space_are_spaced() {
        // Producers that position each word rather than draw spaces: a gap of a third of a letter.
        let mut row = glyphs(10.0, 100.0, "Коваленко");
        row.extend(glyphs(10.0 + 45.0 + 3.5, 100.0, "Петро"));
        assert_eq!(segments(&row, &[])[0].text, "Коваленко Петро");
    }

    #[test]
    fn a_rule_parts_cells_that_stand_close() {
        // A date filling its column, a point from the region: closer than two words are.
        let mut row = glyphs(10.0, 100.0, "1990");
        row.extend(glyphs(10.0 + 20.0 + 1.0, 100.0, "Суми"));
        assert_eq!(segments(&row, &[]).len(), 1);
        let s = segments(&row, &[30.5]);
        assert_eq!(s.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(), ["1990", "Суми"]);
        // A rule past the line's glyphs parts nothing.
        assert_eq!(segments(&row, &[5.0, 80.0]).len(), 1);
    }

    #[test]
    fn wrapped_lines_join_back() {
        let mut c = "Дата наро-".to_string();
        join_wrapped(&mut c, "дження");
        assert_eq!(c, "Дата народження");
        let mut c = "Коваленко".to_string();
        join_wrapped(&mut c, "Петро");
        assert_eq!(c, "Коваленко Петро");
        let mut c = "Ковальчук-".to_string();
        join_wrapped(&mut c, "Бондар");
        assert_eq!(c, "Ковальчук- Бондар");
    }

    #[test]
    fn an_empty_cell_stays_empty() {
        let line = |y: f64, cells: &[(f64, &str)]| {
            let g: Vec<Glyph> = cells.iter().flat_map(|(x, t)| glyphs(*x, y, t)).collect();
            Line { page: 0, y, size: 10.0, segments: segments(&g, &[]) }
        };
        let lines = vec![
            line(700.0, &[(10.0, "№"), (40.0, "ПІБ"), (250.0, "Дата"), (350.0, "Область")]),
            line(685.0, &[(10.0, "1"), (40.0, "Коваленко Петро"), (250.0, "1990"), (350.0, "Сумська")]),
            line(670.0, &[(10.0, "2"), (40.0, "Бондар Іван"), (350.0, "Київська")]),
        ];
        let doc = layout(lines);
        assert_eq!(doc.tables.len(), 1);
        assert_eq!(doc.tables[0].rows[2], (3, vec!["2".into(), "Бондар Іван".into(), "".into(), "Київська".into()]));
    }
}
