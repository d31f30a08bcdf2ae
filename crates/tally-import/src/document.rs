//! Word (.docx) and OpenDocument text (.odt) files: official lists and family reports often
//! arrive as documents, the list a table or a numbered list under a title and a paragraph. This
//! reads a document's tables and its text outside tables into the same [`Document`] a web page
//! gives (see [`crate::html`]), so that the reader takes the table with a name column, or else
//! reads the text as a list of people.
//!
//! Where things are, as the reader reports them: table rows are numbered through the document
//! (the first row of its first table is 1; in a document of one table, a row's number in it);
//! text outside tables is numbered
//! by its lines, every paragraph and every line break in one a line, as a document's text reads
//! when copied out. A list that the word processor numbers holds no digits in its text: the
//! number it shows is worked out here from the numbering definitions (decimal numbering of a
//! list's first level, in Word through the paragraph or its style, in OpenDocument through the
//! list's style) and written before the item, so that «1. Коваленко …» reads as a numbered
//! list does, and the record keeps the number the document shows.
//!
//! A paragraph's tabs are kept: lists typed in columns with tab stops («1.⇥Коваленко Петро⇥1990»)
//! are split at them by the reader.
//!
//! Merged cells are laid out as they look: a cell over several columns leaves empty cells under
//! it, and a cell merged down over several rows gives its text to each row it covers (a region
//! written once for the soldiers of one region). Text boxes, drawings, footnotes, comments and
//! deleted text are no part of the list and are skipped; headers and footers are other parts of
//! the file and are not read.
//!
//! The ZIP container is read with `zip`, the XML with `quick-xml`: both come with calamine,
//! which reads spreadsheets, so documents cost no new dependency.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use crate::xml::{configured, local, reader, reference};

/// One table: its rows, each with where it is (see the module docs) and its cells' text.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Table {
    pub rows: Vec<(u64, Vec<String>)>,
}

/// What a web page or a document holds that may be a list of people.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Document {
    /// Tables in the order they open (an inner table after the one holding it).
    pub tables: Vec<Table>,
    /// Text outside tables, one entry per line or block, with where it is.
    pub lines: Vec<(u64, String)>,
    /// Which of `lines` are items of a list: a list of people is usually one, under a heading
    /// and a paragraph that are not.
    pub items: Vec<bool>,
    /// A web page's people laid out as cards, one repeated block each (a name over its dates
    /// and place): each card's lines, with where it starts (see [`crate::html`]). Empty when
    /// the page has none, and for documents.
    pub cards: Vec<(u64, Vec<String>)>,
    /// For each table, how many of `lines` come before it: the line just before a table is
    /// often its title («Харківська область»).
    pub tables_at: Vec<usize>,
}

/// The kind of document a ZIP file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML word processing (.docx, .docm).
    Docx,
    /// OpenDocument text (.odt).
    Odt,
}

/// Whether a ZIP file is a word-processing document, and which kind. Spreadsheets (XLSX, ODS)
/// and other ZIP files are not.
pub fn kind(bytes: &[u8]) -> Option<Kind> {
    let Ok(zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // A damaged file (cut short: its directory is at the end) still names its parts near
        // its start, so that it is reported as the damaged document it is.
        let head = &bytes[..bytes.len().min(1 << 16)];
        let has = |m: &[u8]| head.windows(m.len()).any(|w| w == m);
        return if has(b"word/document.xml") {
            Some(Kind::Docx)
        } else if has(b"mimetypeapplication/vnd.oasis.opendocument.text") {
            Some(Kind::Odt)
        } else {
            None
        };
    };
    if zip.index_for_name("word/document.xml").is_some() {
        return Some(Kind::Docx);
    }
    let mut zip = zip;
    let mut mime = String::new();
    zip.by_name("mimetype").ok()?.take(200).read_to_string(&mut mime).ok()?;
    matches!(
        mime.trim(),
        "application/vnd.oasis.opendocument.text" | "application/vnd.oasis.opendocument.text-template"
    )
    .then_some(Kind::Odt)
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DocumentError(pub String);

/// Read a document's tables and text.
pub fn read(bytes: &[u8], kind: Kind) -> Result<Document, DocumentError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| DocumentError(format!("not a ZIP file: {e}")))?;
    match kind {
        Kind::Docx => {
            let body = part(&mut zip, "word/document.xml")?
                .ok_or_else(|| DocumentError("no word/document.xml in the file".into()))?;
            let numbering = part(&mut zip, "word/numbering.xml")?.map(|x| docx_numbering(&x)).transpose()?;
            let styles = part(&mut zip, "word/styles.xml")?.map(|x| docx_styles(&x)).transpose()?;
            docx(&body, &numbering.unwrap_or_default(), &styles.unwrap_or_default())
        }
        Kind::Odt => {
            let content =
                part(&mut zip, "content.xml")?.ok_or_else(|| DocumentError("no content.xml in the file".into()))?;
            let mut styles = odt_list_styles(&content)?;
            if let Some(s) = part(&mut zip, "styles.xml")? {
                for (k, v) in odt_list_styles(&s)? {
                    styles.entry(k).or_insert(v);
                }
            }
            odt(&content, &styles)
        }
    }
}

/// The cells of an OpenDocument spreadsheet's sheet that are merged down over several rows, as
/// ((first row, column), (last row, last column)) from the sheet's first row and column, which
/// calamine gives XLSX and XLS sheets and not ODS ones. Read from `content.xml`: a cell's
/// `number-rows-spanned` (and `number-columns-spanned`), counting rows and cells through their
/// `number-rows-repeated` and `number-columns-repeated`. Best effort: a sheet that cannot be read
/// here has no merges (calamine has read it already).
pub(crate) fn ods_merges(bytes: &[u8], sheet: &str) -> Vec<((u32, u32), (u32, u32))> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Vec::new() };
    let Ok(file) = zip.by_name("content.xml") else { return Vec::new() };
    // Streamed, not read whole as the document parts are: a sheet of 200,000 rows has some
    // 60 MB of content.xml, and calamine holds the sheet meanwhile.
    let mut r = configured(quick_xml::Reader::from_reader(std::io::BufReader::new(file.take(512 << 20))));
    let mut buf = Vec::new();
    let mut out = Vec::new();
    // Depth of tables inside the sheet being read (a cell may hold a table of its own): 0
    // outside it, 1 in it.
    let mut depth = 0u32;
    let (mut row, mut col, mut repeat) = (0u64, 0u64, 1u64);
    let num = |e: &BytesStart, name: &str| attr(e, name).and_then(|v| v.parse::<u64>().ok()).unwrap_or(1).max(1);
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match local(&e).as_str() {
                "table" if depth > 0 => depth += 1,
                "table" if attr(&e, "name").as_deref() == Some(sheet) => depth = 1,
                "table-row" if depth == 1 => {
                    col = 0;
                    repeat = num(&e, "number-rows-repeated");
                }
                name @ ("table-cell" | "covered-table-cell") if depth == 1 => {
                    let down = num(&e, "number-rows-spanned");
                    if name == "table-cell" && down > 1 && row < u64::from(u32::MAX) && col < u64::from(u32::MAX) {
                        let across = num(&e, "number-columns-spanned");
                        let end = |x: u64| x.min(u64::from(u32::MAX)) as u32;
                        out.push(((row as u32, col as u32), (end(row + down - 1), end(col + across - 1))));
                    }
                    col += num(&e, "number-columns-repeated");
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "table" if depth > 1 => depth -= 1,
                "table" if depth == 1 => return out,
                "table-row" if depth == 1 => row += repeat,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// One XML part of the file as text, if the file has it.
fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, DocumentError> {
    let mut f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(DocumentError(format!("{name}: {e}"))),
    };
    // A part that inflates past any list's size is refused rather than read into memory (a
    // damaged or hostile file can claim gigabytes).
    const LIMIT: u64 = 512 << 20;
    let mut bytes = Vec::new();
    f.by_ref().take(LIMIT + 1).read_to_end(&mut bytes).map_err(|e| DocumentError(format!("{name}: {e}")))?;
    if bytes.len() as u64 > LIMIT {
        return Err(DocumentError(format!("{name}: larger than {} MiB unpacked", LIMIT >> 20)));
    }
    // XML parts are UTF-8 in practice; a UTF-16 part says so by its byte order mark.
    let (text, _, bad) = match encoding_rs::Encoding::for_bom(&bytes) {
        Some((enc, _)) => enc.decode(&bytes),
        None => encoding_rs::UTF_8.decode(&bytes),
    };
    if bad {
        return Err(DocumentError(format!("{name}: not valid UTF-8")));
    }
    Ok(Some(text.into_owned()))
}

fn xml_err(part: &str, r: &quick_xml::Reader<&[u8]>, e: quick_xml::Error) -> DocumentError {
    DocumentError(format!("{part}: broken XML at byte {}: {e}", r.error_position()))
}

/// An attribute by its local name (`w:val`, `text:style-name`: the prefix varies by producer).
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let key = a.key.as_ref();
        let local = key.rsplit(':').next().unwrap_or(key);
        (local == name).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A line of text with its tabs kept (a list laid out in columns with tab stops): each part
/// between tabs cleaned, and tabs at either end dropped.
fn clean_tabbed(s: &str) -> String {
    let parts: Vec<String> = s.split('\t').map(clean).collect();
    let first = parts.iter().position(|p| !p.is_empty());
    let last = parts.iter().rposition(|p| !p.is_empty());
    match (first, last) {
        (Some(a), Some(b)) => parts[a..=b].join("\t"),
        _ => String::new(),
    }
}

/// Cells merged down: the text a merge started with, by column, and the rows it still covers.
#[derive(Default)]
pub(crate) struct Down {
    by_col: HashMap<usize, (String, usize)>,
}

impl Down {
    /// A cell that starts a merge of `rows` rows (counting its own) at `col`.
    pub(crate) fn start(&mut self, col: usize, text: &str, rows: usize) {
        if rows > 1 {
            self.by_col.insert(col, (text.to_string(), rows - 1));
        } else {
            self.by_col.remove(&col);
        }
    }

    /// The text of the merge covering `col` in this row, using up one of its rows.
    pub(crate) fn covered(&mut self, col: usize) -> Option<String> {
        let (text, left) = self.by_col.get_mut(&col)?;
        let t = text.clone();
        *left -= 1;
        if *left == 0 {
            self.by_col.remove(&col);
        }
        Some(t)
    }

    /// Columns at or after `from` still covered by a merge from above, in order (a row that
    /// leaves them out, as HTML rows under a `rowspan` do).
    pub(crate) fn pending_from(&self, from: usize) -> Option<usize> {
        self.by_col.keys().copied().filter(|&c| c >= from).min()
    }
}

/// One table being read.
struct OpenTable {
    idx: usize,
    row_no: u64,
    row: Option<Vec<String>>,
    cell: Option<String>,
    /// Word: the cell's `gridSpan`, and its `vMerge` (Some(true): starts a merge, Some(false):
    /// continues the one above).
    span: usize,
    vmerge: Option<bool>,
    /// Word: each column's text in the row above, for `vMerge` continuations.
    above: Vec<String>,
    /// OpenDocument: merges down from `number-rows-spanned`.
    down: Down,
    rows_spanned: usize,
    repeat: usize,
}

impl OpenTable {
    fn new(idx: usize) -> Self {
        OpenTable {
            idx,
            row_no: 0,
            row: None,
            cell: None,
            span: 1,
            vmerge: None,
            above: vec![],
            down: Down::default(),
            rows_spanned: 1,
            repeat: 1,
        }
    }

    fn close_row(&mut self, doc: &mut Document) {
        if let Some(cells) = self.row.take() {
            if cells.iter().any(|c| !c.is_empty()) {
                doc.tables[self.idx].rows.push((self.row_no, cells.clone()));
            }
            self.above = cells;
        }
    }
}

/// Text outside tables, gathered a paragraph at a time and split at its line breaks.
#[derive(Default)]
struct Lines {
    next: u64,
}

impl Lines {
    fn push(&mut self, doc: &mut Document, text: &str, item: bool, label: Option<String>) {
        let mut label = label;
        for part in text.split('\n') {
            self.next += 1;
            let t = clean_tabbed(part);
            if t.is_empty() {
                continue;
            }
            let t = match label.take() {
                Some(l) => format!("{l} {t}"),
                None => t,
            };
            doc.lines.push((self.next, t));
            doc.items.push(item);
        }
    }
}

// ---- Word ----

/// A level of a Word numbering definition: its first number and whether it is decimal.
#[derive(Debug, Clone, Copy, Default)]
struct Level {
    start: u32,
    decimal: bool,
}

/// Word's numbering: each list instance (`w:num`) by id, its levels (with overrides of where
/// they start).
#[derive(Debug, Default)]
struct Numbering {
    nums: HashMap<String, Vec<Level>>,
}

/// Paragraph styles that carry numbering (Word's "List Number" does): style id to its
/// numbering (`numId`, level) and the style it is based on.
#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, StyleNumbering>,
}

/// A paragraph style's own numbering (list instance id, level), and its parent style.
type StyleNumbering = (Option<(String, u8)>, Option<String>);

impl Styles {
    fn numbering(&self, style: &str) -> Option<(String, u8)> {
        let mut s = style.to_string();
        for _ in 0..16 {
            let (num, based) = self.by_id.get(&s)?;
            if let Some(n) = num {
                return Some(n.clone());
            }
            s = based.clone()?;
        }
        None
    }
}

fn docx_numbering(xml: &str) -> Result<Numbering, DocumentError> {
    let mut r = reader(xml);
    let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
    // Each list instance: its id, its abstract definition, and where its levels restart.
    type Num = (String, String, Vec<(u8, u32)>);
    let mut nums: Vec<Num> = Vec::new();
    let mut cur_abstract: Option<String> = None;
    let mut cur_level: Option<u8> = None;
    let mut in_num = false;
    let mut override_level: Option<u8> = None;
    loop {
        match r.read_event().map_err(|e| xml_err("word/numbering.xml", &r, e))? {
            Event::Start(e) => match local(&e).as_str() {
                "abstractNum" => cur_abstract = attr(&e, "abstractNumId"),
                "lvl" if cur_abstract.is_some() => {
                    cur_level = attr(&e, "ilvl").and_then(|v| v.parse().ok());
                    if let (Some(a), Some(l)) = (&cur_abstract, cur_level) {
                        let levels = abstracts.entry(a.clone()).or_default();
                        if levels.len() <= l as usize {
                            levels.resize(l as usize + 1, Level { start: 1, decimal: false });
                        }
                    }
                }
                "start" | "numFmt" => {
                    if let (Some(a), Some(l)) = (&cur_abstract, cur_level) {
                        let lvl = &mut abstracts.get_mut(a).expect("made at <w:lvl>")[l as usize];
                        let v = attr(&e, "val").unwrap_or_default();
                        if local(&e) == "start" {
                            lvl.start = v.parse().unwrap_or(1);
                        } else {
                            lvl.decimal = matches!(v.as_str(), "decimal" | "decimalZero");
                        }
                    }
                }
                "num" => {
                    in_num = true;
                    nums.push((attr(&e, "numId").unwrap_or_default(), String::new(), vec![]));
                }
                "abstractNumId" if in_num => {
                    if let Some(n) = nums.last_mut() {
                        n.1 = attr(&e, "val").unwrap_or_default();
                    }
                }
                "lvlOverride" if in_num => override_level = attr(&e, "ilvl").and_then(|v| v.parse().ok()),
                "startOverride" if in_num => {
                    if let (Some(n), Some(l), Some(v)) =
                        (nums.last_mut(), override_level, attr(&e, "val").and_then(|v| v.parse().ok()))
                    {
                        n.2.push((l, v));
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "abstractNum" => cur_abstract = None,
                "lvl" => cur_level = None,
                "num" => in_num = false,
                "lvlOverride" => override_level = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let mut out = Numbering::default();
    for (id, abs, overrides) in nums {
        let mut levels = abstracts.get(&abs).cloned().unwrap_or_default();
        for (l, start) in overrides {
            if let Some(lvl) = levels.get_mut(l as usize) {
                lvl.start = start;
            }
        }
        out.nums.insert(id, levels);
    }
    Ok(out)
}

fn docx_styles(xml: &str) -> Result<Styles, DocumentError> {
    let mut r = reader(xml);
    let mut out = Styles::default();
    let mut cur: Option<String> = None;
    loop {
        match r.read_event().map_err(|e| xml_err("word/styles.xml", &r, e))? {
            Event::Start(e) => match local(&e).as_str() {
                "style" => {
                    cur = attr(&e, "styleId");
                    if let Some(id) = &cur {
                        out.by_id.insert(id.clone(), (None, None));
                    }
                }
                "basedOn" => {
                    if let Some(s) = cur.as_ref().and_then(|id| out.by_id.get_mut(id)) {
                        s.1 = attr(&e, "val");
                    }
                }
                "numId" => {
                    if let Some(s) = cur.as_ref().and_then(|id| out.by_id.get_mut(id)) {
                        let lvl = s.0.as_ref().map(|n| n.1).unwrap_or(0);
                        s.0 = Some((attr(&e, "val").unwrap_or_default(), lvl));
                    }
                }
                "ilvl" => {
                    if let Some(s) = cur.as_ref().and_then(|id| out.by_id.get_mut(id)) {
                        let lvl = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0);
                        let id = s.0.as_ref().map(|n| n.0.clone()).unwrap_or_default();
                        s.0 = Some((id, lvl));
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "style" => cur = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Word elements whose text is no part of the document's body text.
fn docx_hidden(name: &str) -> bool {
    matches!(
        name,
        "drawing"
            | "pict"
            | "object"
            | "Fallback"
            | "txbxContent"
            | "delText"
            | "instrText"
            | "moveFrom"
            | "footnoteReference"
    )
}

/// One paragraph being read outside tables.
#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
}

fn docx(xml: &str, numbering: &Numbering, styles: &Styles) -> Result<Document, DocumentError> {
    let mut r = reader(xml);
    let mut doc = Document::default();
    let mut lines = Lines::default();
    let mut open: Vec<OpenTable> = Vec::new();
    // Table rows are numbered through the document, so that rows of several tables read as one
    // list keep numbers of their own.
    let mut rows_seen = 0u64;
    let mut para: Option<Para> = None;
    let mut hidden = 0usize;
    let (mut in_t, mut in_run, mut in_ppr) = (false, false, false);
    // Counters of each list instance, by level.
    let mut counters: HashMap<String, Vec<u32>> = HashMap::new();
    loop {
        let ev = r.read_event().map_err(|e| xml_err("word/document.xml", &r, e))?;
        match ev {
            Event::Start(e) => {
                let name = local(&e);
                if hidden > 0 || docx_hidden(&name) {
                    hidden += 1;
                    continue;
                }
                match name.as_str() {
                    "tbl" => {
                        doc.tables_at.push(doc.lines.len());
                        doc.tables.push(Table::default());
                        open.push(OpenTable::new(doc.tables.len() - 1));
                    }
                    "tr" => {
                        if let Some(t) = open.last_mut() {
                            t.close_row(&mut doc);
                            rows_seen += 1;
                            t.row_no = rows_seen;
                            t.row = Some(vec![]);
                        }
                    }
                    "gridBefore" => {
                        if let Some(row) = open.last_mut().and_then(|t| t.row.as_mut()) {
                            let n = attr(&e, "val").and_then(|v| v.parse::<usize>().ok()).unwrap_or(0).min(64);
                            row.extend(std::iter::repeat_n(String::new(), n));
                        }
                    }
                    "tc" => {
                        if let Some(t) = open.last_mut() {
                            t.cell = Some(String::new());
                            t.span = 1;
                            t.vmerge = None;
                        }
                    }
                    "gridSpan" => {
                        if let Some(t) = open.last_mut() {
                            t.span = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(1).clamp(1, 64);
                        }
                    }
                    "vMerge" => {
                        if let Some(t) = open.last_mut() {
                            t.vmerge = Some(attr(&e, "val").is_some_and(|v| v == "restart"));
                        }
                    }
                    "p" if open.is_empty() => para = Some(Para::default()),
                    "pPr" => in_ppr = true,
                    "pStyle" if in_ppr => {
                        if let Some(p) = para.as_mut() {
                            p.style = attr(&e, "val");
                        }
                    }
                    "numId" if in_ppr => {
                        if let Some(p) = para.as_mut() {
                            p.num_id = attr(&e, "val");
                        }
                    }
                    "ilvl" if in_ppr => {
                        if let Some(p) = para.as_mut() {
                            p.ilvl = attr(&e, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    "r" => in_run = true,
                    "t" if in_run => in_t = true,
                    "tab" | "br" | "cr" | "noBreakHyphen" if in_run => {
                        let s = match name.as_str() {
                            "tab" => "\t",
                            "noBreakHyphen" => "-",
                            _ => "\n",
                        };
                        push_text(&mut open, &mut para, s);
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_string();
                if hidden > 0 {
                    hidden -= 1;
                    continue;
                }
                match name.as_str() {
                    "tbl" => {
                        if let Some(mut t) = open.pop() {
                            t.close_row(&mut doc);
                        }
                    }
                    "tr" => {
                        if let Some(t) = open.last_mut() {
                            t.close_row(&mut doc);
                        }
                    }
                    "tc" => {
                        if let Some(t) = open.last_mut() {
                            if let (Some(c), Some(row)) = (t.cell.take(), t.row.as_mut()) {
                                let col = row.len();
                                let text = match t.vmerge {
                                    Some(false) => t.above.get(col).cloned().unwrap_or_default(),
                                    _ => clean(&c),
                                };
                                row.push(text);
                                row.extend(std::iter::repeat_n(String::new(), t.span - 1));
                            }
                        }
                    }
                    "p" => match open.last_mut() {
                        Some(t) => {
                            if let Some(c) = t.cell.as_mut() {
                                c.push(' ');
                            }
                        }
                        None => {
                            if let Some(p) = para.take() {
                                let num = p
                                    .num_id
                                    .clone()
                                    .map(|n| (n, p.ilvl.unwrap_or(0)))
                                    .or_else(|| p.style.as_deref().and_then(|s| styles.numbering(s)))
                                    .map(|(n, l)| (n, p.ilvl.unwrap_or(l)))
                                    .filter(|(n, _)| n != "0" && numbering.nums.contains_key(n));
                                let label = num.as_ref().and_then(|(n, l)| {
                                    let levels = &numbering.nums[n];
                                    let c = counters.entry(n.clone()).or_default();
                                    let l = *l as usize;
                                    if c.len() <= l {
                                        c.resize(l + 1, 0);
                                    }
                                    let start = levels.get(l).map(|x| x.start).unwrap_or(1);
                                    c[l] = if c[l] == 0 { start } else { c[l] + 1 };
                                    // A new item of a level restarts the levels under it.
                                    c.truncate(l + 1);
                                    (l == 0 && levels.first().is_some_and(|x| x.decimal)).then(|| format!("{}.", c[0]))
                                });
                                lines.push(&mut doc, p.text.trim_end_matches('\n'), num.is_some(), label);
                            }
                        }
                    },
                    "pPr" => in_ppr = false,
                    "r" => in_run = false,
                    "t" => in_t = false,
                    _ => {}
                }
            }
            Event::Text(t) if in_t && hidden == 0 => {
                let s = t.xml10_content();
                push_text(&mut open, &mut para, &s);
            }
            Event::GeneralRef(g) if in_t && hidden == 0 => {
                let s = reference(&g);
                push_text(&mut open, &mut para, &s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    while let Some(mut t) = open.pop() {
        t.close_row(&mut doc);
    }
    Ok(doc)
}

fn push_text(open: &mut [OpenTable], para: &mut Option<Para>, s: &str) {
    match open.last_mut() {
        Some(t) => {
            if let Some(c) = t.cell.as_mut() {
                // A line break or a tab inside a cell is a space: a cell is one value.
                c.push_str(&s.replace(['\n', '\t'], " "));
            }
        }
        None => {
            if let Some(p) = para.as_mut() {
                p.text.push_str(s);
            }
        }
    }
}

// ---- OpenDocument ----

/// List styles by name: whether the first level is numbered in decimal, and where it starts.
type ListStyles = HashMap<String, Level>;

fn odt_list_styles(xml: &str) -> Result<ListStyles, DocumentError> {
    let mut r = reader(xml);
    let mut out = ListStyles::new();
    let mut cur: Option<String> = None;
    loop {
        match r.read_event().map_err(|e| xml_err("content.xml", &r, e))? {
            Event::Start(e) => match local(&e).as_str() {
                "list-style" => cur = attr(&e, "name"),
                "list-level-style-number" | "list-level-style-bullet" | "list-level-style-image" => {
                    if let Some(name) = &cur {
                        if attr(&e, "level").as_deref() == Some("1") {
                            let decimal = local(&e) == "list-level-style-number"
                                && attr(&e, "num-format").as_deref() == Some("1");
                            let start = attr(&e, "start-value").and_then(|v| v.parse().ok()).unwrap_or(1);
                            out.insert(name.clone(), Level { start, decimal });
                        }
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "list-style" => cur = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// OpenDocument elements whose text is no part of the body text.
fn odt_hidden(name: &str) -> bool {
    matches!(name, "note" | "annotation" | "tracked-changes" | "frame" | "sequence-decls" | "deletion")
}

/// One list being read: its style, and whether the paragraph being read is its item's first.
struct OpenList {
    style: Option<String>,
    first_para: bool,
}

fn odt(xml: &str, styles: &ListStyles) -> Result<Document, DocumentError> {
    let mut r = reader(xml);
    let mut doc = Document::default();
    let mut lines = Lines::default();
    let mut open: Vec<OpenTable> = Vec::new();
    // Table rows are numbered through the document, so that rows of several tables read as one
    // list keep numbers of their own.
    let mut rows_seen = 0u64;
    let mut lists: Vec<OpenList> = Vec::new();
    let mut para: Option<(String, Option<String>)> = None;
    let mut para_depth = 0usize;
    let mut hidden = 0usize;
    let mut in_body = false;
    // The number of the last item of each numbered list style at the top level, so that a list
    // that continues the one before it goes on counting.
    let mut counter: HashMap<String, u32> = HashMap::new();
    let mut item_start: Option<u32> = None;
    loop {
        let ev = r.read_event().map_err(|e| xml_err("content.xml", &r, e))?;
        match ev {
            Event::Start(e) => {
                let name = local(&e);
                if name == "body" {
                    in_body = true;
                }
                if !in_body {
                    continue;
                }
                if hidden > 0 || odt_hidden(&name) {
                    hidden += 1;
                    continue;
                }
                match name.as_str() {
                    "table" => {
                        doc.tables_at.push(doc.lines.len());
                        doc.tables.push(Table::default());
                        open.push(OpenTable::new(doc.tables.len() - 1));
                    }
                    "table-row" => {
                        if let Some(t) = open.last_mut() {
                            t.close_row(&mut doc);
                            rows_seen += 1;
                            t.row_no = rows_seen;
                            t.row = Some(vec![]);
                        }
                    }
                    "table-cell" | "covered-table-cell" => {
                        if let Some(t) = open.last_mut() {
                            t.cell = Some(String::new());
                            t.rows_spanned = if name == "table-cell" {
                                attr(&e, "number-rows-spanned")
                                    .and_then(|v| v.parse().ok())
                                    .unwrap_or(1)
                                    .clamp(1, 10_000)
                            } else {
                                0
                            };
                            t.repeat = attr(&e, "number-columns-repeated")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1)
                                .clamp(1, 64);
                        }
                    }
                    "list" => {
                        let style = attr(&e, "style-name").or_else(|| lists.last().and_then(|l| l.style.clone()));
                        if lists.is_empty() && open.is_empty() {
                            let continues = attr(&e, "continue-numbering").as_deref() == Some("true")
                                || attr(&e, "continue-list").is_some();
                            if !continues {
                                if let Some(s) = &style {
                                    counter.remove(s);
                                }
                            }
                        }
                        lists.push(OpenList { style, first_para: false });
                    }
                    "list-item" | "list-header" => {
                        if let Some(l) = lists.last_mut() {
                            l.first_para = name == "list-item";
                        }
                        if lists.len() == 1 {
                            item_start = attr(&e, "start-value").and_then(|v| v.parse().ok());
                        }
                    }
                    "p" | "h" => {
                        para_depth += 1;
                        if open.is_empty() && para_depth == 1 {
                            let mut label = None;
                            if let Some(l) = lists.last_mut() {
                                if std::mem::take(&mut l.first_para) && lists.len() == 1 {
                                    let style = lists[0].style.clone().unwrap_or_default();
                                    if let Some(level) = styles.get(&style).filter(|l| l.decimal) {
                                        let n = match item_start.take() {
                                            Some(s) => s,
                                            None => counter.get(&style).map(|c| c + 1).unwrap_or(level.start),
                                        };
                                        counter.insert(style, n);
                                        label = Some(format!("{n}."));
                                    }
                                }
                            }
                            para = Some((String::new(), label));
                        }
                    }
                    "s" => {
                        let n = attr(&e, "c").and_then(|v| v.parse().ok()).unwrap_or(1usize).min(64);
                        odt_text(&mut open, &mut para, &" ".repeat(n));
                    }
                    "tab" => odt_text(&mut open, &mut para, "\t"),
                    "line-break" => odt_text(&mut open, &mut para, "\n"),
                    _ => {}
                }
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_string();
                if !in_body {
                    continue;
                }
                if hidden > 0 {
                    hidden -= 1;
                    continue;
                }
                match name.as_str() {
                    "body" => in_body = false,
                    "table" => {
                        if let Some(mut t) = open.pop() {
                            t.close_row(&mut doc);
                        }
                    }
                    "table-row" => {
                        if let Some(t) = open.last_mut() {
                            t.close_row(&mut doc);
                        }
                    }
                    "table-cell" | "covered-table-cell" => {
                        if let Some(t) = open.last_mut() {
                            if let (Some(c), Some(row)) = (t.cell.take(), t.row.as_mut()) {
                                for _ in 0..t.repeat {
                                    let col = row.len();
                                    let text = if t.rows_spanned == 0 {
                                        // A covered cell: under a merge from above it shows the
                                        // merge's text; beside one (merged across) it is empty.
                                        t.down.covered(col).unwrap_or_default()
                                    } else {
                                        let text = clean(&c);
                                        t.down.start(col, &text, t.rows_spanned);
                                        text
                                    };
                                    row.push(text);
                                }
                            }
                        }
                    }
                    "list" => {
                        lists.pop();
                    }
                    "p" | "h" => {
                        para_depth = para_depth.saturating_sub(1);
                        match open.last_mut() {
                            Some(t) => {
                                if let Some(c) = t.cell.as_mut() {
                                    c.push(' ');
                                }
                            }
                            None if para_depth == 0 => {
                                if let Some((text, label)) = para.take() {
                                    lines.push(&mut doc, &text, !lists.is_empty(), label);
                                }
                            }
                            None => {}
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_body && hidden == 0 => {
                // Whitespace between elements is no text; inside a paragraph, runs of it are one
                // space (OpenDocument writes more with <text:s/>).
                let s = t.xml10_content().replace('\t', " ");
                odt_text(&mut open, &mut para, &s);
            }
            Event::GeneralRef(g) if in_body && hidden == 0 => {
                let s = reference(&g);
                odt_text(&mut open, &mut para, &s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    while let Some(mut t) = open.pop() {
        t.close_row(&mut doc);
    }
    Ok(doc)
}

fn odt_text(open: &mut [OpenTable], para: &mut Option<(String, Option<String>)>, s: &str) {
    match open.last_mut() {
        Some(t) => {
            if let Some(c) = t.cell.as_mut() {
                c.push_str(&s.replace(['\n', '\t'], " "));
            }
        }
        None => {
            if let Some((p, _)) = para.as_mut() {
                p.push_str(s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn odt_body(body: &str) -> Document {
        let xml = format!(
            r#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="b"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        );
        odt(&xml, &ListStyles::new()).unwrap()
    }

    #[test]
    fn odt_merged_cells_are_laid_out_as_they_look() {
        let d = odt_body(
            r#"<table:table><table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Відомості</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>Область</text:p></table:table-cell></table:table-row>
            <table:table-row><table:table-cell><text:p>Коваленко</text:p></table:table-cell><table:table-cell><text:p>Петро</text:p></table:table-cell><table:table-cell table:number-rows-spanned="2"><text:p>Сумська</text:p></table:table-cell></table:table-row>
            <table:table-row><table:table-cell><text:p>Бондар</text:p></table:table-cell><table:table-cell><text:p>Іван</text:p></table:table-cell><table:covered-table-cell/></table:table-row>
            <table:table-row><table:table-cell><text:p>Ткач</text:p></table:table-cell><table:table-cell><text:p>Олег</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table>"#,
        );
        let rows: Vec<Vec<String>> = d.tables[0].rows.iter().map(|r| r.1.clone()).collect();
        assert_eq!(rows[0], ["Відомості", "", "Область"]);
        assert_eq!(rows[1], ["Коваленко", "Петро", "Сумська"]);
        assert_eq!(rows[2], ["Бондар", "Іван", "Сумська"]);
        // The merge covered two rows: a covered cell after it is empty.
        assert_eq!(rows[3], ["Ткач", "Олег", ""]);
        assert_eq!(d.tables[0].rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
    }

    #[test]
    fn odt_spaces_breaks_and_notes() {
        let d = odt_body(
            r#"<text:p>Коваленко<text:s text:c="2"/>Петро<text:note><text:note-body><text:p>примітка</text:p></text:note-body></text:note></text:p><text:p>Бондар Іван<text:line-break/>Ткач Олег</text:p>"#,
        );
        assert_eq!(
            d.lines,
            [(1, "Коваленко Петро".to_string()), (2, "Бондар Іван".to_string()), (3, "Ткач Олег".to_string())]
        );
    }

    #[test]
    fn docx_soft_breaks_split_lines_and_deleted_text_is_skipped() {
        let xml = r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Коваленко Петро</w:t></w:r><w:r><w:br/></w:r><w:del><w:r><w:delText>Стерто</w:delText></w:r></w:del><w:r><w:t xml:space="preserve">Бондар </w:t></w:r><w:r><w:t>Іван &amp; Ко</w:t></w:r></w:p></w:body></w:document>"#;
        let d = docx(xml, &Numbering::default(), &Styles::default()).unwrap();
        assert_eq!(d.lines, [(1, "Коваленко Петро".to_string()), (2, "Бондар Іван & Ко".to_string())]);
    }
}
