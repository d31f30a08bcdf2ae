//! XML data files: open-data portals publish registers as XML as often as CSV, one element per
//! record with a child element per field (`<person id="17"><surname>Коваленко</surname>…`).
//!
//! The record element is found, not configured: it is the element (by its path from the root)
//! that occurs most often with two or more child elements. Each occurrence is one row of
//! `(key, value)` members, as a JSON object's are: its attributes by their names, its leaf
//! descendants by their paths below it joined with dots (`name.surname`), their attributes as
//! `path.attribute`. Namespace prefixes are dropped. Tokenising is quick-xml's, which calamine
//! brings already.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

/// Whether a text is an XML document (and not a web page, which is read as one).
pub fn looks_like_xml(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with("<?xml") || (t.starts_with('<') && !t.starts_with("<!"))
}

/// A record's members, `(key, value)` in document order.
pub type Members = Vec<(String, String)>;

/// One record: the line its element starts on, and its members.
pub type XmlRow = (u64, Members);

/// Why an XML file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct XmlError(pub String);

/// A reader that gives `<a/>` as `<a></a>` (one code path for both) and lets mismatched end
/// tags pass (the element stack is kept by the callers).
pub(crate) fn reader(text: &str) -> quick_xml::Reader<&[u8]> {
    configured(quick_xml::Reader::from_reader(text.as_bytes()))
}

/// [`reader`]'s settings on a reader of any source (a part streamed from a ZIP file).
pub(crate) fn configured<R>(mut r: quick_xml::Reader<R>) -> quick_xml::Reader<R> {
    r.config_mut().expand_empty_elements = true;
    r.config_mut().check_end_names = false;
    r
}

/// An element's name without its namespace prefix (prefixes vary by producer).
pub(crate) fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

fn attrs(e: &BytesStart) -> Vec<(String, String)> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .filter(|a| !a.key.as_ref().starts_with("xmlns"))
        .map(|a| {
            let key = a.key.as_ref();
            let key = key.rsplit(':').next().unwrap_or(key).to_string();
            let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map(|v| v.into_owned());
            (key, v.unwrap_or_else(|_| a.value.to_string()))
        })
        .collect()
}

fn broken(r: &quick_xml::Reader<&[u8]>, e: quick_xml::Error) -> XmlError {
    XmlError(format!("broken XML at byte {}: {e}", r.error_position()))
}

/// The text of `&amp;`, `&#1030;` and XML's other references.
pub(crate) fn reference(g: &quick_xml::events::BytesRef) -> String {
    if let Ok(Some(c)) = g.resolve_char_ref() {
        return c.to_string();
    }
    match g.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
    .to_string()
}

/// The records of an XML document (empty when no element repeats with fields).
pub fn read(text: &str) -> Result<Vec<XmlRow>, XmlError> {
    // Pass 1: which path occurs most often with two or more fields (child elements or
    // attributes: `<person id="7" surname="…"/>` is a record too).
    let mut r = reader(text);
    let mut path: Vec<String> = Vec::new();
    let mut children: Vec<usize> = Vec::new();
    let mut count: HashMap<String, usize> = HashMap::new();
    loop {
        match r.read_event().map_err(|e| broken(&r, e))? {
            Event::Start(e) => {
                if let Some(c) = children.last_mut() {
                    *c += 1;
                }
                path.push(local(&e));
                children.push(attrs(&e).len());
            }
            Event::End(_) => {
                if children.pop().unwrap_or(0) >= 2 {
                    *count.entry(path.join("/")).or_default() += 1;
                }
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // The most frequent, then the shallower (a wrapper of one record per file repeats as often
    // as the records do only when each holds one).
    let Some(record) =
        count.into_iter().max_by_key(|(p, n)| (*n, std::cmp::Reverse(p.matches('/').count()))).map(|x| x.0)
    else {
        return Ok(Vec::new());
    };
    // Pass 2: one row per record element.
    let starts: Vec<usize> =
        std::iter::once(0).chain(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) as u64;
    let mut r = reader(text);
    let mut path: Vec<String> = Vec::new();
    let mut out = Vec::new();
    // The record being read: its depth, its line, its members; the open leaf's text.
    let mut row: Option<(usize, u64, Members)> = None;
    let mut text_of: Vec<(String, bool)> = Vec::new();
    loop {
        let at = r.buffer_position() as usize;
        match r.read_event().map_err(|e| broken(&r, e))? {
            Event::Start(e) => {
                let name = local(&e);
                if let Some(t) = text_of.last_mut() {
                    t.1 = true; // has a child element: not a leaf
                }
                path.push(name);
                match &mut row {
                    None if path.join("/") == record => {
                        // The tag starts after whitespace the reader had not consumed yet.
                        let lead = text[at.min(text.len())..].len() - text[at.min(text.len())..].trim_start().len();
                        row = Some((path.len(), line_of(at + lead), attrs(&e)));
                        text_of.clear();
                    }
                    Some((depth, _, members)) => {
                        let key = path[*depth..].join(".");
                        members.extend(attrs(&e).into_iter().map(|(k, v)| (format!("{key}.{k}"), v)));
                        text_of.push((String::new(), false));
                    }
                    None => {}
                }
            }
            Event::End(_) => {
                if let Some((depth, line, members)) = &mut row {
                    if path.len() == *depth {
                        out.push((*line, std::mem::take(members)));
                        row = None;
                    } else if let Some((t, nested)) = text_of.pop() {
                        if !nested {
                            let key = path[*depth..].join(".");
                            members.push((key, t.split_whitespace().collect::<Vec<_>>().join(" ")));
                        }
                    }
                }
                path.pop();
            }
            Event::Text(t) => {
                if let Some(last) = text_of.last_mut() {
                    last.0.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(last) = text_of.last_mut() {
                    last.0.push_str(t.as_ref());
                }
            }
            Event::GeneralRef(g) => {
                if let Some(last) = text_of.last_mut() {
                    last.0.push_str(&reference(&g));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_the_repeated_element_with_fields() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<dataset xmlns:x="urn:x"><meta><title>Реєстр</title><updated>2025-01-01</updated></meta>
<records>
  <record id="17"><name><surname>Коваленко</surname><given>Петро</given></name><born>1990</born></record>
  <record id="18"><name><surname>Бондар &amp; Ко</surname><given><![CDATA[Іван]]></given></name><born/></record>
</records></dataset>"#;
        let rows = read(xml).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 4);
        assert_eq!(
            rows[0].1,
            [("id", "17"), ("name.surname", "Коваленко"), ("name.given", "Петро"), ("born", "1990")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(rows[1].1[1].1, "Бондар & Ко");
        assert_eq!(rows[1].1[2].1, "Іван");
        assert_eq!(rows[1].1[3], ("born".to_string(), String::new()));
        assert!(read("<a><b>1</b></a>").unwrap().is_empty());
        // Records whose fields are attributes.
        let rows = read("<list><p id=\"1\" surname=\"Коваленко\"/><p id=\"2\" surname=\"Бондар\"/></list>").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].1, [("id", "2"), ("surname", "Бондар")].map(|(k, v)| (k.to_string(), v.to_string())));
        assert!(read("<a><b>1</b><c>").is_ok());
    }
}
