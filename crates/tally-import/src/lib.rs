//! Reading lists into records and rejects, from bytes (issue 2).
//!
//! Pure: the caller reads the file and hands over its bytes; nothing here touches the disk,
//! the clock or a database. [`Reader::new`] sniffs the format (CSV/TSV with any delimiter,
//! JSON Lines, a JSON array of objects or an object wrapping one, an XML register, XLSX/XLS/ODS, a Markdown table, a
//! web page's, a Word/OpenDocument text's or a PDF's table or list, a list of people in text, numbered or not), detects the encoding (UTF-8 with or without BOM, UTF-16 with
//! BOM, Windows-1251) unless one is given, finds the header row, recognises its columns in
//! English, Ukrainian or Russian (or takes an explicit mapping), and then yields one
//! [`Item`] per outcome: a parsed [`Record`], or an [`Issue`] for a row that was refused
//! (a reject: broken structure, no name, a missing or repeated id) or kept with a field left
//! unknown (a warning: an impossible or unreadable date unless [`Options::reject_bad_dates`],
//! an unknown status or sex, a placeholder date, an age without a date of death). A file that is not a table at all
//! fails up front with an [`ImportError`]; a bad row never does.
//!
//! ```
//! use tally_import::{Item, Options, Reader};
//! let csv = "№,Прізвище,Ім'я,Дата народження\n7,Шевченко,Олександр,05.01.1996\n9,Коваленко,Петро,31.02.1990\n";
//! let reader = Reader::new(csv.as_bytes(), &Options::default()).unwrap();
//! let items: Vec<Item> = reader.collect();
//! let Item::Record(r) = &items[0] else { panic!() };
//! assert_eq!(r.key.source_record_id, "7");
//! assert_eq!(r.fields.birth_date.unwrap().to_string(), "1996-01-05");
//! // An impossible date: the row is kept with the date unknown, and a warning names the cell.
//! let Item::Record(r) = &items[1] else { panic!() };
//! assert_eq!(r.fields.birth_date, None);
//! let Item::Issue(bad) = &items[2] else { panic!() };
//! assert_eq!((bad.line, bad.field.as_deref()), (3, Some("birth_date")));
//! ```
//!
//! Invariants: every cell of every data row ends up verbatim in a record's `raw` or an
//! issue's `raw`; dates never carry more precision than the cell gave; a record's id is its
//! id column's value, else its 1-based data-row number (in a list of names with no numbers, its
//! line), and is unique within the file.

pub mod date;
pub mod document;
pub mod encoding;
pub mod header;
pub mod html;
pub mod list;
pub mod name;
pub mod pdf;
pub mod xml;

use std::collections::{HashMap, VecDeque};
use std::io::Cursor;

use tally_domain::{Field, ParsedFields, PartialDate, Record, RecordKey, Sex, Status};

pub use date::{parse_date, parse_date_in, DateOrder, DateParseError, DateRole, DateValue, SlashedDates};
pub use header::{normalize_header, recognize, Mapping, Role};
pub use list::ListKind;
pub use name::{fill_from_full, split_full_name, split_life_note, strip_name_notes, LifeNote, NameOrder, NameParts};

/// Why a file cannot be read as a table at all. Row-level problems are [`Issue`]s instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("not a table: looks like binary data ({reason})")]
    Binary { reason: String },
    #[error("not UTF-8 (first bad byte at offset {utf8_error_at}) and not Windows-1251 Cyrillic text")]
    UnknownText { utf8_error_at: usize },
    #[error("not valid {encoding}: undecodable bytes at offset {offset}")]
    Undecodable { encoding: String, offset: usize },
    #[error("unknown encoding {0:?}; try utf-8 or windows-1251")]
    UnknownEncoding(String),
    #[error("not a readable spreadsheet: {0}")]
    Spreadsheet(String),
    #[error("not a readable document: {0}")]
    Document(String),
    #[error("a Word 97-2003 document (.doc), which is not read: only its successor .docx is")]
    OldWord,
    #[error("{what}, which is not read as a list")]
    NotAList { what: &'static str, advice: &'static str },
    #[error("no table {n}: the file has {tables} table(s)")]
    NoTable { n: usize, tables: usize },
    #[error("no sheet named {name:?}; sheets are: {}", sheets.join(", "))]
    NoSheet { name: String, sheets: Vec<String> },
    #[error("the spreadsheet has no sheet with data")]
    EmptySheet,
    #[error("not readable JSON: {0}")]
    Json(String),
    #[error("not readable XML: {0}")]
    Xml(String),
    #[error("no header row: the file has no non-empty rows")]
    NoHeader,
    #[error("no name column among the headers {}", header::list(.headers))]
    NoNameColumn { headers: Vec<String> },
    #[error("{0}")]
    Mapping(String),
}

/// The kind of table a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV, TSV or any other delimiter-separated text.
    Delimited,
    JsonLines,
    /// XLSX (also XLS, XLSB and ODS: calamine reads them all).
    Spreadsheet,
    /// A web page: its table with a name column, else its text as a list (see [`html`]).
    Html,
    /// A Word document (.docx): its table with a name column, else its text as a list (see
    /// [`document`]).
    Docx,
    /// An OpenDocument text (.odt), read as a Word document is.
    Odt,
    /// A PDF whose text can be selected: its tables and lines rebuilt from where its glyphs
    /// are (see [`pdf`]), then read as a Word document is.
    Pdf,
    /// An XML data file: its repeated record element, read as JSON objects are (see [`xml`]).
    Xml,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Delimited => "csv",
            Format::JsonLines => "jsonl",
            Format::Spreadsheet => "xlsx",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Pdf => "pdf",
            Format::Xml => "xml",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" | "delimited" => Ok(Format::Delimited),
            "jsonl" | "ndjson" | "json" => Ok(Format::JsonLines),
            "xlsx" | "xls" | "xlsb" | "ods" | "spreadsheet" => Ok(Format::Spreadsheet),
            "html" | "htm" => Ok(Format::Html),
            "docx" | "docm" => Ok(Format::Docx),
            "odt" => Ok(Format::Odt),
            "pdf" => Ok(Format::Pdf),
            "xml" => Ok(Format::Xml),
            other => Err(format!("unknown format {other:?}; expected csv, jsonl, xlsx, html, docx, odt, pdf or xml")),
        }
    }
}

/// How to read a file. Everything defaults to detection.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub format: Option<Format>,
    /// An encoding label (`utf-8`, `windows-1251`, `cp1251`, ...); detected when absent.
    pub encoding: Option<String>,
    /// The field delimiter of a text table; sniffed when absent.
    pub delimiter: Option<u8>,
    /// Which sheet of a spreadsheet; when absent, the first with a name column near its top, else
    /// the first with data.
    pub sheet: Option<String>,
    /// Which table of a web page or a document (1-based); when absent, the first with a name
    /// column near its top, else the text as a list, else the largest table.
    pub table: Option<usize>,
    pub mapping: Mapping,
    pub name_order: NameOrder,
    /// Refuse a whole row when one of its dates cannot be read (31.02.2023). By default the
    /// row is kept as a record with that date unknown, and a warning names the cell: a person
    /// should not drop out of the roll over a typo in a date, and the raw cell is kept anyway.
    pub reject_bad_dates: bool,
    /// Day and month order of numeric dates: by default day first, unless the file's dates
    /// with slashes can only be month first (see [`SlashedDates`]).
    pub date_order: DateOrder,
}

/// Whether an issue cost the row (reject) or only a field (warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row was not imported as a record; its cells are kept with the issue.
    Reject,
    /// The row was imported; the named field was left unknown.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Reject => "reject",
            Severity::Warning => "warning",
        }
    }
}

/// A problem with one row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Issue {
    pub severity: Severity,
    /// 1-based line (text) or row (spreadsheet) in the file; in a document, the row of its
    /// table, or the line of its text (see [`document`]).
    pub line: u64,
    /// The field the problem is in (`birth_date`, `record_id`, ...), if one.
    pub field: Option<String>,
    pub reason: String,
    /// The row's cells verbatim, as (header, value) pairs.
    pub raw: Vec<(String, String)>,
}

/// One outcome of reading one row.
// Records are by far the common item; boxing them would cost an allocation per row.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A parsed record. Its `key.source` is empty: the caller names the source.
    Record(Record),
    Issue(Issue),
}

/// What was detected about the file: reported in import summaries and kept with the import.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub format: Format,
    /// `None` for spreadsheets (they carry their own encoding).
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    pub sheet: Option<String>,
    /// Header texts in file order (for JSON Lines: keys in order of first appearance).
    pub headers: Vec<String>,
    /// The role each header was given, if any.
    pub roles: Vec<Option<Role>>,
    /// 1-based line of the header row (0 for JSON Lines and numbered lists, which have none).
    pub header_line: u64,
    /// The file is a list of people, one a line, not a table (see [`list`]).
    pub list: Option<ListKind>,
    /// The file is one JSON document (an array of objects, or an object wrapping one), read as
    /// JSON Lines are.
    pub json_array: bool,
    /// For a spreadsheet, what kind of workbook it is (`xlsx`, `xls`, `xlsb`, `ods`): the
    /// import says what it read.
    pub workbook: Option<&'static str>,
    /// The order of day and month the file's dates are read in (never `Auto`).
    pub date_order: DateOrder,
    /// When the file was read month first without being told: the date that says so.
    pub month_first_because: Option<String>,
    /// Which part of a web page or a document was read ("table 2 of 3", "the items of its
    /// lists, one a line").
    pub page_part: Option<String>,
}

impl Layout {
    /// `header -> field` pairs of the recognised columns, for summaries.
    pub fn recognised(&self) -> Vec<(String, &'static str)> {
        self.headers.iter().zip(&self.roles).filter_map(|(h, r)| r.map(|r| (h.clone(), r.as_str()))).collect()
    }
}

/// How many rows were looked at to find the header row (title lines may precede it).
const HEADER_SCAN: usize = 10;

/// Streaming reader over one file's rows. Create with [`Reader::new`], then iterate.
pub struct Reader {
    layout: Layout,
    rows: Rows,
    /// Rows read while looking for the header, not yet yielded.
    pending: VecDeque<RawRow>,
    out: VecDeque<Item>,
    data_row: u64,
    seen_ids: HashMap<String, u64>,
    id_col: bool,
    name_order: NameOrder,
    reject_bad_dates: bool,
    date_order: DateOrder,
    /// JSON Lines: key -> role, filled as keys appear.
    key_roles: HashMap<String, Option<Role>>,
    mapping: Mapping,
}

struct RawRow {
    line: u64,
    /// Lines the row spans (>1 when a quoted field runs over line ends).
    span: u64,
    cells: RowCells,
    /// The row's text when it spans several lines, so that a row an unclosed quote swallowed
    /// can be read again line by line instead of being lost whole.
    text: Option<String>,
}

enum RowCells {
    /// Positional cells under the header row.
    Cells(Vec<String>),
    /// A JSON object's members in order.
    Object(Vec<(String, String)>),
    /// A line that is not a JSON object.
    BadJson(String, String),
}

enum Rows {
    /// `scanned`/`lines`: newlines counted up to byte `scanned`. Line numbers are counted
    /// here rather than taken from the csv crate, whose count lags a line after CRLF endings.
    Csv {
        rdr: csv::Reader<Cursor<Vec<u8>>>,
        rec: csv::StringRecord,
        len: u64,
        scanned: usize,
        lines: u64,
    },
    Jsonl {
        text: String,
        pos: usize,
        line: u64,
    },
    /// Rows read up front, each with the line it starts on: the elements of a JSON array (the
    /// whole file, or the array of objects a wrapping object holds), or a web page's table.
    Ready {
        items: VecDeque<RawRow>,
        total: u64,
    },
    Sheet {
        range: calamine::Range<calamine::Data>,
        idx: usize,
        first_row: u64,
    },
}

impl Rows {
    fn next_row(&mut self) -> Option<RawRow> {
        match self {
            Rows::Csv { rdr, rec, scanned, lines, .. } => loop {
                match rdr.read_record(rec) {
                    Ok(true) => {
                        let bytes = rdr.get_ref().get_ref();
                        let nl = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count() as u64;
                        let mut start = rec.position().map(|p| p.byte() as usize).unwrap_or(0).max(*scanned);
                        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                            start += 1;
                        }
                        *lines += nl(&bytes[*scanned..start]);
                        *scanned = start;
                        let line = *lines + 1;
                        let end = (rdr.position().byte() as usize).clamp(start, bytes.len());
                        let body = bytes[start..end].strip_suffix(b"\n").unwrap_or(&bytes[start..end]);
                        let span = 1 + nl(body);
                        if rec.iter().all(|c| c.trim().is_empty()) {
                            continue;
                        }
                        let text = (span > 1).then(|| String::from_utf8_lossy(body).into_owned());
                        return Some(RawRow {
                            line,
                            span,
                            cells: RowCells::Cells(rec.iter().map(String::from).collect()),
                            text,
                        });
                    }
                    // Reading from memory of valid UTF-8 cannot fail; end the table if it does.
                    Ok(false) | Err(_) => return None,
                }
            },
            Rows::Jsonl { text, pos, line } => loop {
                if *pos >= text.len() {
                    return None;
                }
                let rest = &text[*pos..];
                let end = rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
                let l = rest[..end].trim();
                *pos += end;
                *line += 1;
                if l.is_empty() {
                    continue;
                }
                let cells = match serde_json::from_str::<OrderedObject>(l) {
                    Ok(o) => RowCells::Object(o.0),
                    Err(e) => RowCells::BadJson(l.to_string(), e.to_string()),
                };
                return Some(RawRow { line: *line, span: 1, cells, text: None });
            },
            Rows::Ready { items, .. } => items.pop_front(),
            Rows::Sheet { range, idx, first_row } => loop {
                let h = range.height();
                if *idx >= h {
                    return None;
                }
                let i = *idx;
                *idx += 1;
                let cells: Vec<String> = (0..range.width()).map(|c| cell_text(range.get((i, c)))).collect();
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                return Some(RawRow {
                    line: *first_row + i as u64 + 1,
                    span: 1,
                    cells: RowCells::Cells(cells),
                    text: None,
                });
            },
        }
    }

    fn progress(&self) -> (u64, u64) {
        match self {
            Rows::Csv { rdr, len, .. } => (rdr.position().byte(), *len),
            Rows::Jsonl { text, pos, .. } => (*pos as u64, text.len() as u64),
            Rows::Ready { items, total } => (total - items.len() as u64, *total),
            Rows::Sheet { range, idx, .. } => (*idx as u64, range.height() as u64),
        }
    }
}

fn cell_text(c: Option<&calamine::Data>) -> String {
    use calamine::Data;
    match c {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) | Some(Data::DateTimeIso(s)) | Some(Data::DurationIso(s)) => s.clone(),
        Some(Data::Int(i)) => i.to_string(),
        // Spreadsheets store integers as floats: an id 7 must read "7", not "7.0".
        Some(Data::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Bool(b)) => b.to_string(),
        Some(Data::DateTime(dt)) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Some(Data::DateTime(dt)) => dt.as_f64().to_string(),
        Some(Data::Error(e)) => format!("#{e:?}"),
    }
}

/// A JSON object with its members in file order (serde_json's own map sorts them).
struct OrderedObject(Vec<(String, String)>);

impl<'de> serde::Deserialize<'de> for OrderedObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OrderedObject;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<OrderedObject, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, serde_json::Value>()? {
                    flatten(k, v, &mut out);
                }
                Ok(OrderedObject(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// First words of the totals row that lists end with.
const TOTALS: &[&str] = &["всього", "усього", "разом", "підсумок", "итого", "всего", "total", "totals", "sum"];

/// The header a second header row makes with the first, if it is one: none of its cells holds a
/// digit, it leaves every name column of the first row empty, and with each of its cells joined to
/// the header above it (or, under an empty header, to the nearest one to the left, which a merged
/// cell leaves there) more columns are recognised than with the first row alone.
fn sub_header(
    headers: &[String],
    roles: &[Option<Role>],
    sub: &[String],
    mapping: &header::Mapping,
) -> Option<(Vec<String>, Vec<Option<Role>>)> {
    // A header cell merged down over both rows (a web page's `rowspan`, a document's vertical
    // merge) is read into both: under itself it names nothing more.
    let sub: Vec<String> = (0..sub.len())
        .map(|c| if headers.get(c).is_some_and(|h| h.trim() == sub[c].trim()) { String::new() } else { sub[c].clone() })
        .collect();
    let sub = sub.as_slice();
    let filled: Vec<usize> = (0..sub.len()).filter(|&c| !sub[c].trim().is_empty()).collect();
    if filled.is_empty()
        || filled
            .iter()
            .any(|&c| sub[c].chars().any(|ch| ch.is_ascii_digit()) || roles.get(c).is_some_and(is_name_role))
    {
        return None;
    }
    let mut merged: Vec<String> = Vec::with_capacity(headers.len().max(sub.len()));
    let mut parent = String::new();
    for c in 0..headers.len().max(sub.len()) {
        let above = headers.get(c).map(|h| h.trim()).unwrap_or("");
        if !above.is_empty() {
            parent = above.to_string();
        }
        let below = sub.get(c).map(|h| h.trim()).unwrap_or("");
        merged.push(match (above.is_empty(), below.is_empty()) {
            (_, true) => above.to_string(),
            // «Дата» over «народження» names the column together; «Відомості» over «Область»
            // is a group's title over a column that names itself.
            (false, false) => joined(above, below),
            (true, false) => joined(&parent, below),
        });
    }
    fn joined(above: &str, below: &str) -> String {
        let both = format!("{above} {below}").trim().to_string();
        if header::recognize(&both).is_none() && header::recognize(below).is_some() {
            below.to_string()
        } else {
            both
        }
    }
    let merged_roles = header::assign_roles(&merged, mapping).ok()?;
    let known = |r: &[Option<Role>]| r.iter().filter(|x| x.is_some()).count();
    (known(&merged_roles) > known(roles)).then_some((merged, merged_roles))
}

/// A member as cells: nested objects as dotted keys ("person.last_name", "location.city"), so
/// an export that groups a person's fields is read like a flat one; anything else as its text.
fn flatten(key: String, v: serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                flatten(format!("{key}.{k}"), v, out);
            }
        }
        serde_json::Value::String(s) => out.push((key, s)),
        serde_json::Value::Null => out.push((key, String::new())),
        other => out.push((key, other.to_string())),
    }
}

fn sniff_format(bytes: &[u8]) -> Format {
    const ZIP: &[u8] = b"PK\x03\x04";
    if bytes.starts_with(ZIP) {
        return match document::kind(bytes) {
            Some(document::Kind::Docx) => Format::Docx,
            Some(document::Kind::Odt) => Format::Odt,
            None => Format::Spreadsheet,
        };
    }
    if bytes.starts_with(OLE) {
        return Format::Spreadsheet;
    }
    if bytes.starts_with(b"%PDF-") {
        return Format::Pdf;
    }
    Format::Delimited
}

const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Files that lists arrive as but that hold no table to read, by their first bytes: what they
/// are, and what to do instead (said to the user, rather than a parse error of the bytes read
/// as text).
fn not_a_list(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    const IMAGE: &str = "a scan or a photo of a list must be typed or OCR'd into a table or a text file first";
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(b"{\\rtf") {
        Some(("an RTF document", "open it in Word or LibreOffice and save it as .docx"))
    } else if starts(b"\x89PNG") || starts(b"\xFF\xD8\xFF") || starts(b"GIF8") || starts(b"II*\0") || starts(b"MM\0*") {
        Some(("an image", IMAGE))
    } else {
        None
    }
}

/// Whether an OLE compound file (the container of .xls and .doc) is a Word 97-2003 document:
/// its directory names a "WordDocument" stream (names are UTF-16).
fn is_old_word(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "WordDocument".encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.starts_with(OLE) && bytes.windows(name.len()).any(|w| w == name.as_slice())
}

/// Pick the delimiter whose per-line count (outside quotes) is most consistent over the first
/// lines. Title lines above the header do not spoil it: the most common count wins.
pub fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: &[u8] = b",;\t|";
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(30).collect();
    let mut best = (0usize, 0usize, b',');
    for &d in CANDIDATES {
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for l in &lines {
            let mut inq = false;
            let n = l
                .bytes()
                .filter(|&b| {
                    if b == b'"' {
                        inq = !inq;
                    }
                    b == d && !inq
                })
                .count();
            if n > 0 {
                *counts.entry(n).or_default() += 1;
            }
        }
        if let Some((&cnt, &lines_with)) = counts.iter().max_by_key(|(c, n)| (**n, **c)) {
            if (lines_with, cnt) > (best.0, best.1) {
                best = (lines_with, cnt, d);
            }
        }
    }
    best.2
}

/// The rows of a web page or a document to read, and which part of it they are: the first
/// table with a name column (recognised or mapped) near its top, followed by the later tables
/// under the same header (a list split by region into one table each, or by pages); else lines
/// in columns split at tabs under a header with a name column; else the page's cards (labelled
/// ones as a table, others a line each); else the text outside tables, its list items or all
/// of it, one block a line, when it reads as a list of people; else the largest table (whose
/// header then says what is missing); else the text. `want` picks one table.
fn page_rows(
    mut doc: document::Document,
    mapping: &Mapping,
    want: Option<usize>,
) -> Result<(VecDeque<RawRow>, String), ImportError> {
    let row = |line: u64, cells: Vec<String>| RawRow { line, span: 1, cells: RowCells::Cells(cells), text: None };
    let n = doc.tables.len();
    let names =
        |cells: &[String]| header::assign_roles(cells, mapping).is_ok_and(|roles| roles.iter().any(is_name_role));
    // Where each table's header row is: its first row near the top with a name column.
    let header_at: Vec<Option<usize>> =
        doc.tables.iter().map(|t| t.rows.iter().take(HEADER_SCAN).position(|(_, cells)| names(cells))).collect();
    let named = header_at.iter().position(Option::is_some);
    // A list's items, when they read as a list of people, are the rows; the heading and the
    // paragraphs around them stay in the stored page, as title rows above a header do.
    // A document's lines may be laid out in columns with tabs: under a header with a name
    // column they are a table; else a list, its tabs read as the commas a list line has.
    let tab_rows: Vec<(u64, Vec<String>)> =
        doc.lines.iter().map(|(l, t)| (*l, t.split('\t').map(|c| c.trim().to_string()).collect())).collect();
    let tab_table = tab_rows.iter().filter(|(_, c)| c.len() > 1).count() >= 2
        && tab_rows.iter().take(HEADER_SCAN).any(|(_, c)| c.len() > 1 && names(c));
    if named.is_none() && want.is_none() && tab_table {
        let rows = tab_rows.into_iter().map(|(l, c)| row(l, c)).collect();
        return Ok((rows, "the text outside tables, in columns split at its tabs".to_string()));
    }
    for (_, t) in doc.lines.iter_mut() {
        if t.contains('\t') {
            *t = untab(t);
        }
    }
    // Each table's title when it names a region: a row above its header with one cell, else
    // the line just before the table («Харківська область»).
    let region_title = |t: &str| tally_names::region_code(t).is_some().then(|| t.trim().to_string());
    let titles: Vec<Option<String>> = (0..n)
        .map(|j| {
            let inside = doc.tables[j].rows[..header_at[j].unwrap_or(0)].iter().rev().find_map(|(_, c)| {
                match c.iter().filter(|c| !c.trim().is_empty()).collect::<Vec<_>>()[..] {
                    [one] => region_title(one),
                    _ => None,
                }
            });
            let before = doc.tables_at.get(j).and_then(|&k| k.checked_sub(1)).and_then(|k| doc.lines.get(k));
            inside.or_else(|| before.and_then(|(_, t)| region_title(t)))
        })
        .collect();
    let items: Vec<(u64, String)> =
        doc.lines.iter().zip(&doc.items).filter(|(_, i)| **i).map(|(l, _)| l.clone()).collect();
    let texts = |l: &[(u64, String)]| l.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
    // People laid out as cards (a name over its dates and place) come before a list: read
    // line by line, a card would lose all but its name. Cards whose lines are mostly labelled
    // («Дата народження: 12.05.1990») are a table: a column per label.
    let card_lines = std::mem::take(&mut doc.cards);
    if mapping.pairs.is_empty() && want.is_none() && named.is_none() {
        if let Some(rows) = labelled_cards(&card_lines) {
            let rows = rows.into_iter().map(|(l, c)| row(l, c)).collect();
            return Ok((rows, "its cards, one person each, their labelled lines as columns".to_string()));
        }
    }
    let cards: Vec<(u64, String)> = card_lines.into_iter().map(|(l, ls)| (l, ls.join(", "))).collect();
    let (lines, text_part) = if mapping.pairs.is_empty() && list::list_kind(&texts(&cards)).is_some() {
        (cards, "its cards, one person each, their lines joined")
    } else if list::list_kind(&texts(&items)).is_some() {
        (items, "the items of its lists, one a line")
    } else {
        (doc.lines, "the text outside tables, one block a line")
    };
    let largest = (0..n).max_by_key(|&i| (doc.tables[i].rows.len(), std::cmp::Reverse(i)));
    let table = match (want, named) {
        (Some(w), _) if w == 0 || w > n => return Err(ImportError::NoTable { n: w, tables: n }),
        (Some(w), _) => Some(w - 1),
        (None, Some(i)) => Some(i),
        (None, None) if mapping.pairs.is_empty() && list::list_kind(&texts(&lines)).is_some() => None,
        (None, None) => largest.filter(|&i| doc.tables[i].rows.len() > 1),
    };
    let Some(first) = table else {
        return Ok((lines.into_iter().map(|(l, t)| row(l, vec![t])).collect(), text_part.to_string()));
    };
    // The tables that go on under the first one's header, and whether that header has a second
    // row (which the later tables repeat too).
    let key = |cells: &[String]| {
        let mut k: Vec<String> =
            cells.iter().map(|c| c.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()).collect();
        while k.last().is_some_and(String::is_empty) {
            k.pop();
        }
        k
    };
    let mut parts = vec![first];
    let mut sub_key = None;
    if let (None, Some(p)) = (want, header_at[first]) {
        let head = &doc.tables[first].rows[p].1;
        let head_key = key(head);
        parts.extend(
            (first + 1..n).filter(|&j| header_at[j].is_some_and(|q| key(&doc.tables[j].rows[q].1) == head_key)),
        );
        let roles = header::assign_roles(head, mapping).unwrap_or_default();
        sub_key = doc.tables[first]
            .rows
            .get(p + 1)
            .filter(|(_, sub)| sub_header(head, &roles, sub, mapping).is_some())
            .map(|(_, sub)| key(sub));
    }
    // A list split into one table per region often names the region only in each table's
    // title: when every table has one and the header has no region column, the title becomes
    // the region of the rows under it, in a column of its own.
    let header_row = header_at[first];
    let regions: Option<Vec<String>> = match header_row {
        Some(p) if parts.len() > 1 => {
            let roles = header::assign_roles(&doc.tables[first].rows[p].1, mapping).unwrap_or_default();
            let has_region = roles.contains(&Some(Role::Field(Field::Region)));
            (!has_region).then(|| parts.iter().map(|&j| titles[j].clone()).collect::<Option<Vec<_>>>()).flatten()
        }
        _ => None,
    };
    let width = header_row.map_or(0, |p| doc.tables[first].rows[p].1.len());
    let with_region = |mut cells: Vec<String>, region: &str| {
        cells.resize(cells.len().max(width), String::new());
        cells.push(region.to_string());
        cells
    };
    let mut rows = VecDeque::new();
    for (k, &j) in parts.iter().enumerate() {
        let t = std::mem::take(&mut doc.tables[j].rows);
        let region = regions.as_ref().map(|r| r[k].as_str());
        if k == 0 {
            let p = header_row.unwrap_or(0);
            let sub = sub_key.is_some();
            rows.extend(t.into_iter().enumerate().map(|(r, (l, c))| match region {
                Some(_) if r < p => row(l, c),
                Some(_) if r == p => row(l, with_region(c, "Область")),
                Some(_) if r == p + 1 && sub => row(l, with_region(c, "")),
                Some(region) => row(l, with_region(c, region)),
                None => row(l, c),
            }));
            continue;
        }
        // A later table's own header (and the title rows above it) is no data.
        let mut rest = t.into_iter().skip(header_at[j].map_or(0, |q| q + 1)).peekable();
        if sub_key.is_some() && rest.peek().map(|(_, c)| key(c)) == sub_key {
            rest.next();
        }
        rows.extend(rest.map(|(l, c)| match region {
            Some(region) => row(l, with_region(c, region)),
            None => row(l, c),
        }));
    }
    let part = match parts.as_slice() {
        [one] => format!("table {} of {n}", one + 1),
        many => format!(
            "tables {} of {n}, under one header{}",
            many.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", "),
            if regions.is_some() { ", each under its region's title" } else { "" }
        ),
    };
    Ok((rows, part))
}

/// Cards whose lines are mostly labelled with a column a header would name («ПІБ: Коваленко
/// Петро», «Дата народження: 12.05.1990», «Звання: солдат»), as a table: a header row of the
/// labels in order of first appearance (and «ПІБ» for a card that starts with a name that has
/// no label), then a row per card. Other unlabelled lines go to a last column, «Примітка».
/// `None` when the cards are not so labelled.
fn labelled_cards(cards: &[(u64, Vec<String>)]) -> Option<Vec<(u64, Vec<String>)>> {
    let label = |l: &str| -> Option<(String, String)> {
        let (k, v) = l.split_once(':')?;
        (!v.trim().is_empty() && k.chars().count() <= 40 && header::recognize(k).is_some())
            .then(|| (k.trim().to_string(), v.trim().to_string()))
    };
    // Where each line goes: its label, the name (an unlabelled first line), or the note.
    enum To {
        Label(String, String),
        Name,
        Note,
    }
    let sorted: Vec<(u64, Vec<To>)> = cards
        .iter()
        .map(|(at, ls)| {
            let to = ls
                .iter()
                .enumerate()
                .map(|(i, l)| match label(l) {
                    Some((k, v)) => To::Label(k, v),
                    None if i == 0 => To::Name,
                    None => To::Note,
                })
                .collect();
            (*at, to)
        })
        .collect();
    let count = |f: fn(&To) -> bool| sorted.iter().flat_map(|(_, t)| t).filter(|t| f(t)).count();
    let (labelled, notes) = (count(|t| matches!(t, To::Label(..))), count(|t| matches!(t, To::Note)));
    if cards.len() < 3 || labelled < 3 || labelled < 2 * notes {
        return None;
    }
    let mut headers: Vec<String> = Vec::new();
    if sorted.iter().any(|(_, t)| t.iter().any(|t| matches!(t, To::Name))) {
        headers.push("ПІБ".to_string());
    }
    for (_, t) in &sorted {
        for t in t {
            if let To::Label(k, _) = t {
                if !headers.iter().any(|h| h.eq_ignore_ascii_case(k)) {
                    headers.push(k.clone());
                }
            }
        }
    }
    headers.push("Примітка".to_string());
    let note = headers.len() - 1;
    let mut rows = vec![(cards[0].0, headers.clone())];
    for ((line, ls), (_, to)) in cards.iter().zip(&sorted) {
        let mut cells = vec![String::new(); headers.len()];
        for (l, t) in ls.iter().zip(to) {
            let (col, v) = match t {
                To::Label(k, v) => (headers.iter().position(|h| h.eq_ignore_ascii_case(k)).unwrap_or(note), v.clone()),
                To::Name => (0, l.clone()),
                To::Note => (note, l.clone()),
            };
            if cells[col].is_empty() {
                cells[col] = v;
            } else {
                cells[col] = format!("{}; {v}", cells[col]);
            }
        }
        rows.push((*line, cells));
    }
    Some(rows)
}

/// A list line laid out with tabs as a list line is written: the number before the first tab
/// ends with a point («1.⇥Коваленко» -> «1. Коваленко»), the other tabs are commas.
fn untab(line: &str) -> String {
    let mut parts = line.split('\t').map(str::trim).filter(|p| !p.is_empty());
    let mut out = String::new();
    if let Some(first) = parts.next() {
        out.push_str(first);
        if first.chars().all(|c| c.is_ascii_digit()) {
            out.push('.');
        }
        if let Some(second) = parts.next() {
            let number = first.trim_end_matches(['.', ')']).chars().all(|c| c.is_ascii_digit());
            out.push_str(if number { " " } else { ", " });
            out.push_str(second);
        }
    }
    for p in parts {
        out.push_str(", ");
        out.push_str(p);
    }
    out
}

fn is_name_role(r: &Option<Role>) -> bool {
    matches!(r, Some(Role::Field(Field::Surname | Field::GivenName | Field::FullName)))
}

impl Reader {
    /// Open a file's bytes as a table. Fails only when the file is not a table at all.
    pub fn new(bytes: &[u8], opts: &Options) -> Result<Reader, ImportError> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ImportError::Empty);
        }
        if opts.format.is_none() {
            if let Some((what, advice)) = not_a_list(body) {
                return Err(ImportError::NotAList { what, advice });
            }
        }
        let format = opts.format.unwrap_or_else(|| sniff_format(bytes));
        let mut dates = SlashedDates::default();
        let mut workbook = None;
        let (rows, encoding, delimiter, sheet) = match format {
            Format::Docx | Format::Odt | Format::Pdf => {
                let doc = match format {
                    Format::Pdf => pdf::read(bytes),
                    Format::Docx => document::read(bytes, document::Kind::Docx),
                    _ => document::read(bytes, document::Kind::Odt),
                }
                .map_err(|e| ImportError::Document(e.0))?;
                let empty = doc.lines.is_empty() && doc.tables.iter().all(|t| t.rows.is_empty());
                if empty && format == Format::Pdf {
                    return Err(ImportError::NotAList {
                        what: "a PDF with no text (a scan)",
                        advice: "its pages are pictures: run OCR first (ocrmypdf IN.pdf OUT.pdf gives them selectable \
                            text), or type the list into a table",
                    });
                }
                if empty {
                    return Err(ImportError::NotAList {
                        what: "a document with no text",
                        advice: "a list scanned or photographed and pasted in as pictures must be typed or OCR'd first",
                    });
                }
                let mut dates = SlashedDates::default();
                doc.tables.iter().flat_map(|t| &t.rows).flat_map(|(_, c)| c).for_each(|c| dates.scan(c));
                doc.lines.iter().for_each(|(_, l)| dates.scan(l));
                let (items, part) = page_rows(doc, &opts.mapping, opts.table)?;
                let rows = Rows::Ready { total: items.len() as u64, items };
                let mut r = Reader::start(rows, format, None, None, None, opts);
                r.order_dates(opts.date_order, &dates);
                r.layout.page_part = Some(part);
                r.init_header()?;
                return Ok(r);
            }
            Format::Spreadsheet if is_old_word(bytes) => return Err(ImportError::OldWord),
            Format::Spreadsheet => {
                let (range, name, kind) = open_sheet(bytes, opts.sheet.as_deref())?;
                workbook = Some(kind);
                let first_row = range.start().map(|s| u64::from(s.0)).unwrap_or(0);
                // Cells typed as dates carry no order; dates typed as text do.
                if opts.date_order == DateOrder::Auto {
                    range.used_cells().for_each(|(_, _, c)| {
                        if let calamine::Data::String(t) = c {
                            dates.scan(t)
                        }
                    });
                }
                (Rows::Sheet { range, idx: 0, first_row }, None, None, Some(name))
            }
            Format::Delimited | Format::JsonLines | Format::Html | Format::Xml => {
                let dec = encoding::decode(bytes, opts.encoding.as_deref())?;
                if dec.text.trim().is_empty() {
                    return Err(ImportError::Empty);
                }
                if opts.date_order == DateOrder::Auto {
                    dates.scan(&dec.text);
                }
                let page = match opts.format {
                    Some(f) => f == Format::Html,
                    None => html::looks_like_html(&dec.text),
                };
                let xml_file = match opts.format {
                    Some(f) => f == Format::Xml,
                    None => !page && xml::looks_like_xml(&dec.text),
                };
                if xml_file {
                    let items: VecDeque<RawRow> = xml::read(&dec.text)
                        .map_err(|e| ImportError::Xml(e.0))?
                        .into_iter()
                        .map(|(line, members)| RawRow { line, span: 1, cells: RowCells::Object(members), text: None })
                        .collect();
                    if items.is_empty() {
                        return Err(ImportError::Xml(
                            "no records: no element repeats with two or more fields in it".into(),
                        ));
                    }
                    let rows = Rows::Ready { total: items.len() as u64, items };
                    let mut r = Reader::start(rows, Format::Xml, Some(dec.encoding), None, None, opts);
                    r.order_dates(opts.date_order, &dates);
                    r.init_jsonl()?;
                    return Ok(r);
                }
                if page {
                    let (items, part) = page_rows(html::read(&dec.text), &opts.mapping, opts.table)?;
                    let rows = Rows::Ready { total: items.len() as u64, items };
                    let mut r = Reader::start(rows, Format::Html, Some(dec.encoding), None, None, opts);
                    r.order_dates(opts.date_order, &dates);
                    r.layout.page_part = Some(part);
                    r.init_header()?;
                    return Ok(r);
                }
                let first = dec.text.trim_start().chars().next();
                let format = if opts.format.is_none() && first == Some('{') { Format::JsonLines } else { format };
                if format == Format::JsonLines || first == Some('[') {
                    let rows = match json_items(&dec.text)? {
                        Some(items) => Rows::Ready { total: items.len() as u64, items },
                        None => Rows::Jsonl { text: dec.text, pos: 0, line: 0 },
                    };
                    let array = matches!(rows, Rows::Ready { .. });
                    let mut r = Reader::start(rows, Format::JsonLines, Some(dec.encoding), None, None, opts);
                    r.order_dates(opts.date_order, &dates);
                    r.layout.json_array = array;
                    r.init_jsonl()?;
                    return Ok(r);
                }
                let delim = opts.delimiter.unwrap_or_else(|| sniff_delimiter(&dec.text));
                let len = dec.text.len() as u64;
                let rdr = csv::ReaderBuilder::new()
                    .delimiter(delim)
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(Cursor::new(dec.text.into_bytes()));
                (
                    Rows::Csv { rdr, rec: csv::StringRecord::new(), len, scanned: 0, lines: 0 },
                    Some(dec.encoding),
                    Some(delim),
                    None,
                )
            }
        };
        let mut r = Reader::start(rows, format, encoding, delimiter, sheet, opts);
        r.layout.workbook = workbook;
        r.order_dates(opts.date_order, &dates);
        r.init_header()?;
        Ok(r)
    }

    /// Settle the order of day and month: as told, or (`Auto`) as the file's dates say.
    fn order_dates(&mut self, told: DateOrder, dates: &SlashedDates) {
        let (order, because) = match told {
            DateOrder::Auto => dates.order(),
            o => (o, None),
        };
        self.date_order = order;
        self.layout.date_order = order;
        self.layout.month_first_because = because.map(str::to_string);
    }

    fn start(
        rows: Rows,
        format: Format,
        encoding: Option<String>,
        delimiter: Option<u8>,
        sheet: Option<String>,
        opts: &Options,
    ) -> Reader {
        Reader {
            layout: Layout {
                format,
                encoding,
                delimiter,
                sheet,
                headers: vec![],
                roles: vec![],
                header_line: 0,
                list: None,
                json_array: false,
                workbook: None,
                date_order: DateOrder::DayFirst,
                month_first_because: None,
                page_part: None,
            },
            rows,
            pending: VecDeque::new(),
            out: VecDeque::new(),
            data_row: 0,
            seen_ids: HashMap::new(),
            id_col: false,
            name_order: opts.name_order,
            reject_bad_dates: opts.reject_bad_dates,
            date_order: opts.date_order,
            key_roles: HashMap::new(),
            mapping: opts.mapping.clone(),
        }
    }

    /// Find the header row among the first rows: the first one in which a column is
    /// recognised or mapped. Rows above it (titles, notes) are skipped; they stay in the
    /// stored original bytes.
    fn init_header(&mut self) -> Result<(), ImportError> {
        while self.pending.len() < HEADER_SCAN {
            match self.rows.next_row() {
                Some(r) => self.pending.push_back(r),
                None => break,
            }
        }
        let cells_of = |r: &RawRow| match &r.cells {
            RowCells::Cells(c) => c.clone(),
            _ => vec![],
        };
        let mut chosen = None;
        for (i, r) in self.pending.iter().enumerate() {
            let headers = cells_of(r);
            let roles = header::assign_roles(&headers, &self.mapping);
            if let Ok(roles) = roles {
                if roles.iter().any(|r| r.is_some()) {
                    chosen = Some((i, headers, roles));
                    break;
                }
            }
        }
        let (i, headers, roles) = match chosen {
            Some(c) => c,
            None => {
                let first = self.pending.front().ok_or(ImportError::NoHeader)?;
                let headers = cells_of(first);
                // Report a mapping error against the first row, else say no name column.
                let roles = header::assign_roles(&headers, &self.mapping)?;
                (0, headers, roles)
            }
        };
        // A header of two rows (a merged «Дата» over «народження» and «смерті»): the second
        // row names the columns under the first, and is no data row.
        let (headers, roles, sub_rows) = match self.pending.get(i + 1).map(cells_of) {
            Some(sub) => match sub_header(&headers, &roles, &sub, &self.mapping) {
                Some((merged, merged_roles)) => (merged, merged_roles, 1),
                None => (headers, roles, 0),
            },
            None => (headers, roles, 0),
        };
        if !roles.iter().any(is_name_role) {
            // No table with a name column, but perhaps a list as a post or a document gives it:
            // «1. Коваленко Петро Іванович, 1995 р.н., с. Вільшанка».
            let delim = self.layout.delimiter.map_or(',', char::from);
            let lines: Vec<String> = self.pending.iter().map(|r| cells_of(r).join(&delim.to_string())).collect();
            let kind = (self.mapping.pairs.is_empty()
                && matches!(
                    self.layout.format,
                    Format::Delimited | Format::Html | Format::Docx | Format::Odt | Format::Pdf
                ))
            .then(|| list::list_kind(&lines))
            .flatten();
            if let Some(kind) = kind {
                self.layout.list = Some(kind);
                self.layout.headers = list::LIST_HEADERS.iter().map(|h| h.to_string()).collect();
                self.layout.roles = list::LIST_HEADERS.iter().map(|h| header::recognize(h)).collect();
                self.id_col = true;
                return Ok(());
            }
            return Err(ImportError::NoNameColumn { headers });
        }
        let header_row = self.pending.drain(..=i).next_back().expect("index within pending");
        self.pending.drain(..sub_rows);
        self.layout.header_line = header_row.line;
        self.id_col = roles.contains(&Some(Role::Field(Field::RecordId)));
        self.layout.headers = headers
            .iter()
            .enumerate()
            .map(|(c, h)| if h.trim().is_empty() { format!("column {}", c + 1) } else { h.clone() })
            .collect();
        self.layout.roles = roles;
        Ok(())
    }

    /// JSON Lines has no header row: gather keys from the first rows and give them roles.
    fn init_jsonl(&mut self) -> Result<(), ImportError> {
        while self.pending.len() < 1000 {
            match self.rows.next_row() {
                Some(r) => self.pending.push_back(r),
                None => break,
            }
        }
        let mut keys: Vec<String> = Vec::new();
        for r in &self.pending {
            if let RowCells::Object(o) = &r.cells {
                for (k, _) in o {
                    if !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
            }
        }
        if keys.is_empty() {
            if let Some(RawRow { cells: RowCells::BadJson(_, e), line, .. }) = self.pending.front() {
                return Err(ImportError::Mapping(format!("line {line} is not a JSON object: {e}")));
            }
            return Err(ImportError::NoHeader);
        }
        let roles = header::assign_roles(&keys, &self.mapping)?;
        if !roles.iter().any(is_name_role) {
            return Err(ImportError::NoNameColumn { headers: keys });
        }
        self.id_col = roles.contains(&Some(Role::Field(Field::RecordId)));
        for (k, r) in keys.iter().zip(&roles) {
            self.key_roles.insert(k.clone(), *r);
        }
        self.layout.headers = keys;
        self.layout.roles = roles;
        Ok(())
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Whether records are filed under ids the file gives in an id column: not under their row
    /// or line number, nor under a list's numbers, which all shift when a row is inserted (so
    /// that they cannot say which row of a corrected edition corrects which record).
    pub fn has_id_column(&self) -> bool {
        self.id_col && self.layout.list.is_none()
    }

    /// How far through the file the reader is, as (done, total) in units that only make
    /// sense as a ratio (bytes of text, or spreadsheet rows).
    pub fn progress(&self) -> (u64, u64) {
        self.rows.progress()
    }

    fn process(&mut self, row: RawRow) {
        self.data_row += 1;
        let line = row.line;
        match row.cells {
            RowCells::BadJson(text, err) => self.out.push_back(Item::Issue(Issue {
                severity: Severity::Reject,
                line,
                field: None,
                reason: format!("not a JSON object: {err}"),
                raw: vec![("line".into(), text)],
            })),
            RowCells::Object(pairs) => {
                let roles: Vec<Option<Role>> = pairs
                    .iter()
                    .map(|(k, _)| {
                        if let Some(r) = self.key_roles.get(k) {
                            return *r;
                        }
                        // A key first seen late: recognise it unless its role is taken.
                        let r = header::recognize(k).filter(|r| !self.key_roles.values().any(|v| *v == Some(*r)));
                        self.key_roles.insert(k.clone(), r);
                        r
                    })
                    .collect();
                self.build(line, pairs, &roles, false);
            }
            RowCells::Cells(cells) if self.layout.list.is_some() => {
                let kind = self.layout.list.expect("matched as some");
                let delim = self.layout.delimiter.map_or(',', char::from);
                let text = cells.join(&delim.to_string());
                match kind.line(&text) {
                    Some(mut cells) => {
                        // A name with no number is filed under its line, which finds it in the file.
                        if cells[0].is_empty() {
                            cells[0] = line.to_string();
                        }
                        let pairs = self.pairs(cells);
                        let roles = std::mem::take(&mut self.layout.roles);
                        self.build(line, pairs, &roles, true);
                        self.layout.roles = roles;
                    }
                    None => self.out.push_back(Item::Issue(Issue {
                        severity: Severity::Reject,
                        line,
                        field: None,
                        reason: match kind {
                            ListKind::Numbered => "not a numbered line of the list (a title or a note): kept here",
                            ListKind::Plain => "not a name of the list (a title or a note): kept here",
                        }
                        .into(),
                        raw: vec![("line".into(), text)],
                    })),
                }
            }
            RowCells::Cells(cells) => {
                let n = self.layout.headers.len();
                let pairs: Vec<(String, String)> = cells
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| {
                        (self.layout.headers.get(i).cloned().unwrap_or_else(|| format!("column {}", i + 1)), v)
                    })
                    .collect();
                // A list of one column (a header such as «ПІБ» alone) whose cells hold the
                // delimiter unquoted («Коваленко Петро Іванович, солдат, 1995 р.н.»): the whole
                // line is the cell.
                let pairs = if n == 1 && pairs.len() > 1 {
                    let delim = self.layout.delimiter.map_or(',', char::from);
                    let cells: Vec<&str> = pairs.iter().map(|(_, v)| v.as_str()).collect();
                    let whole = cells.join(&delim.to_string()).trim_end_matches(delim).to_string();
                    vec![(pairs[0].0.clone(), whole)]
                } else {
                    pairs
                };
                // The rule under a Markdown table's header (|---|:---:|) is no person.
                if is_table_rule(&pairs) {
                    self.out.push_back(Item::Issue(Issue {
                        severity: Severity::Reject,
                        line,
                        field: None,
                        reason: "a table rule (---) under the header, not a person".into(),
                        raw: pairs,
                    }));
                    return;
                }
                // Extra empty cells (a trailing delimiter some exporters add) are kept in the
                // raw row but are no reason to refuse it.
                if pairs.len() < n || pairs[n..].iter().any(|(_, v)| !v.trim().is_empty()) {
                    if let (Some(text), Some(delim)) = (&row.text, self.layout.delimiter) {
                        if self.reread_lines(line, text, delim) {
                            return;
                        }
                    }
                    let mut reason = format!("expected {n} fields, found {}", pairs.len());
                    if row.span > 1 {
                        reason.push_str(&format!(
                            "; the row runs over lines {line}-{}: an unclosed quote may have joined them",
                            line + row.span - 1
                        ));
                    }
                    self.out.push_back(Item::Issue(Issue {
                        severity: Severity::Reject,
                        line,
                        field: None,
                        reason,
                        raw: pairs,
                    }));
                    return;
                }
                let roles = std::mem::take(&mut self.layout.roles);
                let id_required = self.id_col;
                self.build(line, pairs, &roles, id_required);
                self.layout.roles = roles;
            }
        }
    }

    /// Cells as (header, value) pairs, naming columns past the header by position.
    fn pairs(&self, cells: Vec<String>) -> Vec<(String, String)> {
        cells
            .into_iter()
            .enumerate()
            .map(|(i, v)| (self.layout.headers.get(i).cloned().unwrap_or_else(|| format!("column {}", i + 1)), v))
            .collect()
    }

    /// A stray quote made the csv reader join lines `line..` into one row of the wrong width.
    /// Read each of those lines on its own, quotes taken literally: lines of the right width
    /// become records (with a warning naming the quote), the others are rejected one by one.
    /// Returns false, changing nothing, when no line fits: the joined row is then rejected whole.
    fn reread_lines(&mut self, line: u64, text: &str, delim: u8) -> bool {
        let n = self.layout.headers.len();
        let rows: Vec<Vec<String>> = text
            .lines()
            .map(|l| {
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .quoting(false)
                    .flexible(true)
                    .delimiter(delim)
                    .from_reader(l.as_bytes());
                let mut rec = csv::StringRecord::new();
                // Reading one line from memory cannot fail; an empty line gives no cells.
                if r.read_record(&mut rec).unwrap_or(false) {
                    rec.iter().map(|c| c.trim_matches('"').to_string()).collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let fits = |cells: &Vec<String>| cells.len() >= n && cells[n..].iter().all(|c| c.trim().is_empty());
        if !rows.iter().any(fits) {
            return false;
        }
        let roles = std::mem::take(&mut self.layout.roles);
        for (k, cells) in rows.into_iter().enumerate() {
            let l = line + k as u64;
            if k > 0 {
                // Each line is a data row of its own: keep row-number ids in step with the file.
                self.data_row += 1;
            }
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let ok = fits(&cells);
            let pairs = self.pairs(cells);
            if ok {
                self.out.push_back(Item::Issue(Issue {
                    severity: Severity::Warning,
                    line: l,
                    field: None,
                    reason: format!(
                        "an unclosed quote joined lines {line}-{}; this line was read on its own, quotes taken literally",
                        line + text.lines().count() as u64 - 1
                    ),
                    raw: pairs.clone(),
                }));
                self.build(l, pairs, &roles, self.id_col);
            } else {
                self.out.push_back(Item::Issue(Issue {
                    severity: Severity::Reject,
                    line: l,
                    field: None,
                    reason: format!(
                        "expected {n} fields, found {} (line read on its own after an unclosed quote)",
                        pairs.len()
                    ),
                    raw: pairs,
                }));
            }
        }
        self.layout.roles = roles;
        true
    }

    /// Parse one row's cells into a record (or a reject). `id_required`: the table has an id
    /// column, so an empty id is an error; JSON Lines objects without an id key fall back to
    /// their data-row number instead.
    fn build(&mut self, line: u64, raw: Vec<(String, String)>, roles: &[Option<Role>], id_required: bool) {
        let mut f = ParsedFields::default();
        let mut warnings: Vec<(&'static str, String)> = Vec::new();
        let reject = |field: &str, reason: String, raw: Vec<(String, String)>, out: &mut VecDeque<Item>| {
            out.push_back(Item::Issue(Issue {
                severity: Severity::Reject,
                line,
                field: Some(field.to_string()),
                reason,
                raw,
            }));
        };
        let mut full_name = None;
        let mut id = None;
        let (mut birth, mut death, mut age, mut span) = (None, None, None, None);
        for (i, ((_, v), role)) in raw.iter().zip(roles).enumerate() {
            let Some(role) = role else { continue };
            // Excel writes a text that must keep its leading zeros as a formula: ="00123".
            let v = v.trim();
            let v = v.strip_prefix("=\"").and_then(|x| x.strip_suffix('"')).filter(|x| !x.contains('"')).unwrap_or(v);
            // Placeholders ("-", "н/д", "n/a") are no value, in every column but the id.
            let v = if *role != Role::Field(Field::RecordId) && date::is_placeholder(v) { "" } else { v };
            let text = || if v.is_empty() { None } else { Some(v.split_whitespace().collect::<Vec<_>>().join(" ")) };
            match role {
                Role::Field(Field::Surname) => f.surname = text(),
                Role::Field(Field::GivenName) => f.given_name = text(),
                Role::Field(Field::Patronymic) => f.patronymic = text(),
                Role::Field(Field::FullName) => full_name = text(),
                Role::Field(Field::BirthDate) => birth = Some(i),
                Role::Field(Field::DeathDate) => death = Some(i),
                Role::Age => age = Some(i),
                Role::LifeSpan => span = Some(i),
                Role::Field(Field::Region) => f.region = text(),
                Role::Field(Field::Settlement) => f.settlement = text(),
                Role::Field(Field::Unit) => f.unit = text(),
                Role::Field(Field::Rank) => f.rank = text(),
                Role::Field(Field::Category) => f.category = text(),
                Role::Field(Field::Citizenship) => f.citizenship = text(),
                Role::Field(Field::RecordId) => id = Some(v.to_string()),
                Role::Field(Field::Status) => {
                    if !v.is_empty() {
                        match Status::parse(v) {
                            Ok(s) => f.status = Some(s),
                            Err(e) => warnings.push(("status", e.to_string())),
                        }
                    }
                }
                Role::Field(Field::Sex) => {
                    if !v.is_empty() {
                        match parse_sex(v) {
                            Some(s) => f.sex = Some(s),
                            None => warnings.push(("sex", format!("unknown sex {v:?}; expected male or female"))),
                        }
                    }
                }
            }
        }
        // A totals row at the foot of a list («Всього: 3 особи», «Итого», "Total") is no person.
        let first_name = full_name.as_deref().or(f.surname.as_deref()).unwrap_or("");
        let totals = first_name.chars().next().is_some_and(|c| "ВвУуРрПпИиTtSs".contains(c)) && {
            let lower = first_name.to_lowercase();
            TOTALS.iter().any(|w| {
                lower.strip_prefix(w).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ':', '.', ',']))
            })
        };
        if totals {
            reject("full_name", format!("a totals row ({first_name:?}), not a person"), raw, &mut self.out);
            return;
        }
        // Dates written into the whole-name cell («…, 1995 р.н.») are read as dates, after any
        // date column (which wins), and are not part of the name.
        let mut life = name::LifeNote::default();
        if let Some(full) = full_name.take() {
            let (name, note) = name::split_life_note(&full);
            let mut name = name::strip_name_notes(&name);
            // A rank before the name is the rank (a rank column wins), not a name part.
            if let Some((rank, rest)) = name::split_rank_prefix(&name) {
                f.rank = f.rank.take().or(Some(rank));
                name = rest;
            } else if let Some((rest, rank)) = name::split_rank_suffix(&name) {
                f.rank = f.rank.take().or(Some(rank));
                name = rest;
            } else if let Some((rest, place)) = name::split_place_suffix(&name) {
                // A place column wins; the raw row keeps the cell either way.
                if f.settlement.is_none() && f.region.is_none() {
                    f.settlement = Some(place);
                }
                name = rest;
            }
            full_name = Some(name);
            life = note;
        }
        // A years-of-life column («1995–2023») gives what the name cell did not; birth and death
        // columns still win over both.
        if let Some(i) = span.filter(|_| life.birth.is_none()) {
            let cell = raw[i].1.trim();
            if !cell.is_empty() && !date::is_placeholder(cell) {
                match name::life_span(cell) {
                    Some(note) => life = note,
                    None => {
                        warnings.push(("life_span", format!("cannot read {cell:?} as years of life; left unknown")))
                    }
                }
            }
        }
        if let Some(full) = &full_name {
            let p = split_full_name(full, self.name_order);
            if f.surname.is_none() && f.given_name.is_none() {
                f.surname = p.surname;
                f.given_name = p.given_name;
                if f.patronymic.is_none() {
                    f.patronymic = p.patronymic;
                }
            } else {
                let mut parts = NameParts {
                    surname: f.surname.take(),
                    given_name: f.given_name.take(),
                    patronymic: f.patronymic.take(),
                };
                if let Some(unused) = fill_from_full(&mut parts, full, self.name_order) {
                    warnings.push((
                        "full_name",
                        format!(
                            "whole name {unused:?} disagrees with the name columns, which are used; the row keeps both"
                        ),
                    ));
                }
                (f.surname, f.given_name, f.patronymic) = (parts.surname, parts.given_name, parts.patronymic);
            }
        }
        // A given-name column that holds the patronymic too («Ім'я, по батькові»: «Петро
        // Іванович»).
        if let (Some(g), None) = (&f.given_name, &f.patronymic) {
            if let Some((given, pat)) = g.split_once(' ') {
                if !pat.contains(' ') && name::is_patronymic(pat) {
                    (f.given_name, f.patronymic) = (Some(given.to_string()), Some(pat.to_string()));
                }
            }
        }
        if f.surname.is_none() && f.given_name.is_none() {
            reject("full_name", "no name: the name columns are empty".into(), raw, &mut self.out);
            return;
        }
        // Death first: an age in the birth column is read against it.
        let sheet = self.layout.format == Format::Spreadsheet;
        // A five-digit integer in a date column is a spreadsheet's serial day: silently in a
        // spreadsheet, with a warning in a text table (a date column saved without its format).
        let dated = |i: usize, field: &'static str, warnings: &mut Vec<(&'static str, String)>| -> String {
            let cell = &raw[i].1;
            match serial_date(cell) {
                Some(iso) if sheet => iso,
                Some(iso) => {
                    warnings.push((
                        field,
                        format!(
                            "read {:?} as a spreadsheet serial day, {iso} (a date column saved without its date format)",
                            cell.trim()
                        ),
                    ));
                    iso
                }
                None => cell.clone(),
            }
        };
        if let Some(i) = death {
            let serial = dated(i, "death_date", &mut warnings);
            let v = serial.as_str();
            let bad = match parse_date_in(v, DateRole::Death, self.date_order) {
                Ok(DateValue::Date(d)) => {
                    f.death_date = Some(d);
                    None
                }
                Ok(DateValue::Unknown) => None,
                Ok(DateValue::Suspect(why)) => {
                    warnings.push(("death_date", format!("{v:?} left unknown: {why}")));
                    None
                }
                Ok(DateValue::Age(_)) => Some(format!("{v:?} is an age, not a date of death")),
                Err(e) => Some(e.to_string()),
            };
            if let Some(reason) = bad {
                if self.reject_bad_dates {
                    reject("death_date", reason, raw, &mut self.out);
                    return;
                }
                warnings.push(("death_date", format!("{reason}; left unknown")));
            }
        }
        if let (None, Some(v)) = (&f.death_date, &life.death) {
            match parse_date_in(v, DateRole::Death, self.date_order) {
                Ok(DateValue::Date(d)) => f.death_date = Some(d),
                Ok(_) => {}
                Err(e) => warnings.push(("full_name", format!("date of death {v:?} in the name: {e}; left unknown"))),
            }
        }
        // Birth: the birth column, then a date in the name cell, then an age.
        let cells: Vec<(&'static str, String)> = [
            birth.map(|i| ("birth_date", dated(i, "birth_date", &mut warnings))),
            life.birth.clone().map(|v| ("full_name", v)),
            age.map(|i| ("age", raw[i].1.clone())),
            life.age.map(|n| ("age", n.to_string())),
        ]
        .into_iter()
        .flatten()
        .collect();
        for (field, v) in &cells {
            let (field, v) = (*field, v.as_str());
            if f.birth_date.is_some() {
                break;
            }
            let parsed = if field == "age" {
                match v.trim().parse::<u16>() {
                    Ok(n) => Ok(DateValue::Age(n)),
                    Err(_) => parse_date_in(v, DateRole::Birth, self.date_order),
                }
            } else {
                parse_date_in(v, DateRole::Birth, self.date_order)
            };
            match parsed {
                Ok(DateValue::Date(d)) => f.birth_date = Some(d),
                Ok(DateValue::Unknown) => {}
                Ok(DateValue::Suspect(why)) => warnings.push(("birth_date", format!("{v:?} left unknown: {why}"))),
                Ok(DateValue::Age(n)) => match f.death_date {
                    Some(d) => match PartialDate::from_age(n, d.year_span().1) {
                        Ok(b) => f.birth_date = Some(b),
                        Err(e) => warnings.push(("birth_date", format!("age {n}: {e}"))),
                    },
                    None => warnings.push((
                        "birth_date",
                        format!("age {v:?} given without a date of death to derive a birth year from"),
                    )),
                },
                // A date in the name cell was a guess from its shape: it never costs the row.
                Err(e) if field == "full_name" => {
                    warnings.push((field, format!("date of birth {v:?} in the name: {e}; left unknown")))
                }
                Err(e) => {
                    if self.reject_bad_dates {
                        reject(field, e.to_string(), raw, &mut self.out);
                        return;
                    }
                    warnings.push((field, format!("{e}; left unknown")));
                }
            }
        }
        let source_record_id = match id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ if id_required => {
                reject("record_id", "the record id is empty".into(), raw, &mut self.out);
                return;
            }
            _ => self.data_row.to_string(),
        };
        if let Some(first) = self.seen_ids.get(&source_record_id) {
            let reason = format!("duplicate record id {source_record_id:?} (first on line {first})");
            reject("record_id", reason, raw, &mut self.out);
            return;
        }
        self.seen_ids.insert(source_record_id.clone(), line);
        let warn_raw = if warnings.is_empty() { vec![] } else { raw.clone() };
        self.out.push_back(Item::Record(Record {
            id: 0,
            key: RecordKey::new("", source_record_id),
            line,
            raw,
            fields: f,
        }));
        for (field, reason) in warnings {
            self.out.push_back(Item::Issue(Issue {
                severity: Severity::Warning,
                line,
                field: Some(field.to_string()),
                reason,
                raw: warn_raw.clone(),
            }));
        }
    }
}

impl Iterator for Reader {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.out.pop_front() {
                return Some(item);
            }
            let row = match self.pending.pop_front() {
                Some(r) => r,
                None => self.rows.next_row()?,
            };
            self.process(row);
        }
    }
}

/// The rows of a JSON document that is not JSON Lines: an array of objects (`[{...}, {...}]`, as
/// most exports and APIs write them), or one object that wraps such an array beside other
/// members (`{"count": 2, "items": [...]}`) and has no name of its own (else it is one record of
/// JSON Lines). Each element becomes a row numbered by the line it starts on; an element that is
/// no object is a row to reject, like a bad line of JSON Lines. None when the text is JSON
/// Lines.
fn json_items(text: &str) -> Result<Option<VecDeque<RawRow>>, ImportError> {
    use serde_json::value::RawValue;
    let t = text.trim_start();
    let array: Vec<&RawValue> = if t.starts_with('[') {
        serde_json::from_str(t).map_err(|e| ImportError::Json(format!("a JSON array that does not parse: {e}")))?
    } else {
        // Only a single object can wrap an array: JSON Lines of two or more lines do not parse
        // as one value.
        let Ok(members) = serde_json::from_str::<std::collections::BTreeMap<String, &RawValue>>(t) else {
            return Ok(None);
        };
        if members.keys().any(|k| header::recognize(k).is_some_and(|r| is_name_role(&Some(r)))) {
            return Ok(None);
        }
        let arrays = members.values().filter_map(|v| {
            let items: Vec<&RawValue> = serde_json::from_str(v.get()).ok()?;
            let objects = items.iter().filter(|i| i.get().trim_start().starts_with('{')).count();
            (objects > 0).then_some((objects, items))
        });
        match arrays.max_by_key(|(n, _)| *n) {
            Some((_, items)) => items,
            None => return Ok(None),
        }
    };
    let base = text.as_ptr() as usize;
    let mut out = VecDeque::with_capacity(array.len());
    let (mut line, mut scanned) = (1u64, 0usize);
    for item in array {
        let raw = item.get();
        let at = (raw.as_ptr() as usize).saturating_sub(base).min(text.len());
        line += text.as_bytes()[scanned..at].iter().filter(|&&b| b == b'\n').count() as u64;
        scanned = at;
        let cells = match serde_json::from_str::<OrderedObject>(raw) {
            Ok(o) => RowCells::Object(o.0),
            Err(e) => RowCells::BadJson(raw.to_string(), e.to_string()),
        };
        out.push_back(RawRow { line, span: 1 + raw.matches('\n').count() as u64, cells, text: None });
    }
    Ok(Some(out))
}

/// Whether a row is the rule a Markdown table draws under its header: every cell that is not
/// empty is three or more dashes, optionally with alignment colons («---», «:---:»), and at least
/// one such cell.
fn is_table_rule(cells: &[(String, String)]) -> bool {
    let rule = |v: &str| {
        let t = v.trim().trim_start_matches(':').trim_end_matches(':');
        t.len() >= 3 && t.bytes().all(|b| b == b'-')
    };
    cells.iter().any(|(_, v)| rule(v)) && cells.iter().all(|(_, v)| v.trim().is_empty() || rule(v))
}

/// A spreadsheet date cell without a date format arrives as its serial number ("35065"), and so
/// does such a column saved as CSV. In a date column a five-digit integer can be nothing else
/// (years have four digits), so it is read as a serial day (1900 date system: day 61 onwards is
/// 1899-12-30 plus that many days) and returned as ISO text. The raw cell keeps the number.
fn serial_date(cell: &str) -> Option<String> {
    let t = cell.trim();
    if t.len() != 5 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = t.parse().ok()?;
    let epoch = PartialDate::ymd(1899, 12, 30).expect("a real date").day_span().0;
    let (y, m, d) = tally_domain::civil_from_days(epoch + n);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Read sex as lists write it (English, Ukrainian, Russian; words or one-letter codes).
pub fn parse_sex(s: &str) -> Option<Sex> {
    let t = s.trim().trim_end_matches('.').to_lowercase();
    const MALE: &[&str] =
        &["m", "male", "man", "м", "ч", "чол", "чоловіча", "чоловік", "чоловіча стать", "муж", "мужской", "мужчина"];
    const FEMALE: &[&str] = &["f", "w", "female", "woman", "ж", "жін", "жіноча", "жінка", "жен", "женский", "женщина"];
    if MALE.contains(&t.as_str()) {
        Some(Sex::Male)
    } else if FEMALE.contains(&t.as_str()) {
        Some(Sex::Female)
    } else {
        None
    }
}

type Sheet = (calamine::Range<calamine::Data>, String, &'static str);

fn open_sheet(bytes: &[u8], want: Option<&str>) -> Result<Sheet, ImportError> {
    use calamine::Reader as _;
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ImportError::Spreadsheet(e.to_string()))?;
    let kind = match wb {
        calamine::Sheets::Xls(_) => "xls",
        calamine::Sheets::Xlsb(_) => "xlsb",
        calamine::Sheets::Ods(_) => "ods",
        calamine::Sheets::Xlsx(_) => "xlsx",
    };
    let names = wb.sheet_names();
    if let Some(w) = want {
        if !names.iter().any(|n| n == w) {
            return Err(ImportError::NoSheet { name: w.to_string(), sheets: names });
        }
        let r = wb.worksheet_range(w).map_err(|e| ImportError::Spreadsheet(e.to_string()))?;
        return Ok((merged_down(&mut wb, bytes, w, r), w.to_string(), kind));
    }
    // Workbooks often open with a cover or a summary sheet: the list is the first sheet with a
    // name column near its top, else the first sheet with data.
    let mut first = None;
    for n in &names {
        let r = wb.worksheet_range(n).map_err(|e| ImportError::Spreadsheet(e.to_string()))?;
        if r.is_empty() {
            continue;
        }
        if has_name_header(&r) {
            return Ok((merged_down(&mut wb, bytes, n, r), n.clone(), kind));
        }
        if first.is_none() {
            first = Some((r, n.clone()));
        }
    }
    let (r, n) = first.ok_or(ImportError::EmptySheet)?;
    Ok((merged_down(&mut wb, bytes, &n, r), n, kind))
}

/// A sheet with each cell merged down over several rows giving its value to every row it
/// covers (a region written once for the soldiers of one region), as web pages and documents
/// are read. Cells merged across stay empty beside the first, so columns keep their places. A
/// workbook whose merges cannot be read is read as it is.
fn merged_down(
    wb: &mut calamine::Sheets<Cursor<&[u8]>>,
    bytes: &[u8],
    sheet: &str,
    mut range: calamine::Range<calamine::Data>,
) -> calamine::Range<calamine::Data> {
    let pairs = |d: Vec<calamine::Dimensions>| d.into_iter().map(|m| (m.start, m.end)).collect::<Vec<_>>();
    let merges = match wb {
        calamine::Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(sheet).ok().map(pairs),
        calamine::Sheets::Xls(x) => x.merge_cells_by_sheet_name(sheet).ok().map(pairs),
        // calamine keeps no merges for ODS: read them from the file.
        calamine::Sheets::Ods(_) => Some(document::ods_merges(bytes, sheet)),
        _ => None,
    };
    for (start, end) in merges.unwrap_or_default() {
        if end.0 <= start.0 {
            continue;
        }
        let Some(v) = range.get_value(start).cloned() else { continue };
        if matches!(v, calamine::Data::Empty) {
            continue;
        }
        // Not past the sheet's last row: a merge drawn lower than the data adds no rows.
        let last = range.end().map_or(0, |e| e.0);
        for row in start.0 + 1..=end.0.min(last) {
            if range.get_value((row, start.1)).is_none_or(|c| matches!(c, calamine::Data::Empty)) {
                range.set_value((row, start.1), v.clone());
            }
        }
    }
    range
}

/// Whether one of a sheet's first rows has a header naming a name column.
fn has_name_header(r: &calamine::Range<calamine::Data>) -> bool {
    r.rows().take(HEADER_SCAN).flatten().any(|c| {
        matches!(
            header::recognize(&c.to_string()),
            Some(Role::Field(Field::Surname | Field::GivenName | Field::FullName))
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document's numbered list typed with tabs and no header reads as a list, its tabs as
    /// commas; `untab` leaves a line without a number alone but for its tabs.
    #[test]
    fn tab_columns_without_a_header_are_a_list() {
        assert_eq!(untab("1\tКоваленко Петро\t1990"), "1. Коваленко Петро, 1990");
        assert_eq!(untab("2.\tБондар Іван\t\tс. Вільшанка"), "2. Бондар Іван, с. Вільшанка");
        assert_eq!(untab("Ткач Олег\t1979"), "Ткач Олег, 1979");
        let lines = [
            "Список загиблих",
            "1.\tКоваленко Петро Іванович\t12.05.1990\tм. Харків",
            "2.\tБондар Іван\t1985",
            "3.\tТкач Олег\t1979",
        ];
        let doc = document::Document {
            tables: vec![],
            lines: lines.iter().enumerate().map(|(i, l)| (i as u64 + 1, l.to_string())).collect(),
            items: vec![false; lines.len()],
            cards: vec![],
            tables_at: vec![],
        };
        let (rows, part) = page_rows(doc, &Mapping::default(), None).unwrap();
        assert_eq!(part, "the text outside tables, one block a line");
        let RowCells::Cells(c) = &rows[1].cells else { panic!() };
        assert_eq!(c, &["1. Коваленко Петро Іванович, 12.05.1990, м. Харків"]);
    }

    fn items(text: &str) -> Vec<Item> {
        Reader::new(text.as_bytes(), &Options::default()).unwrap().collect()
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t\"x,y,z\"\n"), b'\t');
        assert_eq!(sniff_delimiter("Список загиблих, 2023\na|b|c\n1|2|3\n4|5|6\n"), b'|');
        assert_eq!(sniff_delimiter("ПІБ\nШевченко\n"), b',');
    }

    #[test]
    fn ids_are_id_column_else_row_number() {
        let it = items("ПІБ,Дата смерті\nШевченко Олександр,2023\nКоваленко Петро,2022\n");
        let ids: Vec<String> = it
            .iter()
            .filter_map(|i| if let Item::Record(r) = i { Some(r.key.source_record_id.to_string()) } else { None })
            .collect();
        assert_eq!(ids, ["1", "2"]);
        let it = items("id,ПІБ\nA7,Шевченко Олександр\nA7,Коваленко Петро\n,Бойко Іван\n");
        assert!(matches!(&it[0], Item::Record(r) if r.key.source_record_id == "A7"));
        assert!(matches!(&it[1], Item::Issue(i) if i.line == 3 && i.reason.contains("duplicate")));
        assert!(matches!(&it[2], Item::Issue(i) if i.line == 4 && i.field.as_deref() == Some("record_id")));
    }

    #[test]
    fn a_markdown_table_rule_is_no_row() {
        let c = |v: &[&str]| v.iter().enumerate().map(|(i, v)| (format!("c{i}"), v.to_string())).collect::<Vec<_>>();
        assert!(is_table_rule(&c(&["", "---", ":---:", "---:", ""])));
        assert!(!is_table_rule(&c(&["", "", ""])), "an empty row is not a rule");
        assert!(!is_table_rule(&c(&["---", "Коваленко"])));
        assert!(!is_table_rule(&c(&["-", "--"])), "a dash is an unknown value, not a rule");
    }

    #[test]
    fn excel_serials_in_spreadsheet_date_columns() {
        // 45000 is 2023-03-15 in Excel's 1900 date system; 35065 is 1996-01-01.
        assert_eq!(serial_date("45000").as_deref(), Some("2023-03-15"));
        assert_eq!(serial_date(" 35065 ").as_deref(), Some("1996-01-01"));
        assert_eq!(serial_date("1996"), None);
        assert_eq!(tally_domain::civil_from_days(0), (1970, 1, 1));
        assert_eq!(tally_domain::civil_from_days(PartialDate::ymd(2024, 2, 29).unwrap().day_span().0), (2024, 2, 29));
    }

    #[test]
    fn trailing_empty_cells_are_kept_not_refused() {
        let it = items("Прізвище;Ім'я\nШевченко;Олександр;\nКоваленко;Петро;зайве\n");
        let Item::Record(r) = &it[0] else { panic!("{it:?}") };
        assert_eq!(r.raw.len(), 3);
        assert_eq!(r.raw[2], ("column 3".to_string(), String::new()));
        assert!(matches!(&it[1], Item::Issue(i) if i.reason == "expected 2 fields, found 3"));
    }

    #[test]
    fn title_rows_before_header_are_skipped() {
        let it = items("Список загиблих\n\nПрізвище;Ім'я\nШевченко;Олександр\n");
        let Item::Record(r) = &it[0] else { panic!("{it:?}") };
        assert_eq!(r.line, 4);
        assert_eq!(r.fields.surname.as_deref(), Some("Шевченко"));
        assert_eq!(r.raw, vec![("Прізвище".to_string(), "Шевченко".to_string()), ("Ім'я".into(), "Олександр".into())]);
    }

    #[test]
    fn age_is_read_against_date_of_death() {
        let it =
            items("ПІБ,Дата народження,Дата загибелі\nШевченко Олександр,25 років,12.03.2023\nБойко Іван,25 років,\n");
        let Item::Record(r) = &it[0] else { panic!() };
        assert_eq!(r.fields.birth_date.unwrap().to_string(), "~1997..1998");
        assert!(matches!(&it[1], Item::Record(r) if r.fields.birth_date.is_none()));
        assert!(matches!(&it[2], Item::Issue(i) if i.severity == Severity::Warning && i.line == 3));
    }

    #[test]
    fn not_tables() {
        assert_eq!(Reader::new(b"", &Options::default()).err(), Some(ImportError::Empty));
        assert_eq!(Reader::new(b"\xEF\xBB\xBF \n\n", &Options::default()).err(), Some(ImportError::Empty));
        assert!(matches!(Reader::new(b"PK\x03\x04garbage", &Options::default()), Err(ImportError::Spreadsheet(_))));
        assert!(matches!(Reader::new(b"foo,bar\n1,2\n", &Options::default()), Err(ImportError::NoNameColumn { .. })));
        assert!(matches!(Reader::new(b"[{\"a\":1}", &Options::default()), Err(ImportError::Json(_))));
    }

    #[test]
    fn jsonl_keeps_key_order_and_rejects_bad_lines() {
        let it = items("{\"surname\":\"Шевченко\",\"given_name\":\"Олександр\",\"age\":null}\n{oops\n\n{\"surname\":\"Бойко\",\"id\":3}\n");
        let Item::Record(r) = &it[0] else { panic!() };
        assert_eq!(r.raw[0].0, "surname");
        assert_eq!(r.raw[2], ("age".into(), "".into()));
        assert!(matches!(&it[1], Item::Issue(i) if i.line == 2 && i.severity == Severity::Reject));
        assert_eq!(r.key.source_record_id, "1");
        // An object without an id key falls back to its data-row number; one with it uses it.
        let Item::Record(r) = &it[2] else { panic!("{:?}", it[2]) };
        assert_eq!((r.line, r.key.source_record_id.as_str()), (4, "3"));
    }
}
