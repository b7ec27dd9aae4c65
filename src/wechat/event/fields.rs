//! Reads a decrypted push into its fields: the children of the root and the children of `<info>` (§4.2).
//!
//! CDATA and plain text are both accepted (real pushes use CDATA for strings, the doc's samples often do not).

use quick_xml::events::Event as Xml;

use super::EventError;

/// The fields of one push, in document order.
#[derive(Debug, Default)]
pub(super) struct Fields {
    pub top: Vec<(String, String)>,
    pub info: Vec<(String, String)>,
}

impl Fields {
    pub fn parse(xml: &str) -> Result<Self, EventError> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut fields = Fields::default();
        // Element names from the root down; the value being collected belongs to the innermost one.
        let mut path: Vec<String> = Vec::new();
        let mut text = String::new();
        let mut saw_root = false;
        loop {
            match reader.read_event().map_err(|e| EventError::Xml(e.to_string()))? {
                Xml::Start(start) => {
                    path.push(String::from_utf8_lossy(start.name().as_ref()).into_owned());
                    saw_root = true;
                    text.clear();
                }
                Xml::Empty(empty) => {
                    let name = String::from_utf8_lossy(empty.name().as_ref()).into_owned();
                    fields.store(&path, name, String::new());
                    saw_root = true;
                }
                Xml::End(_) => {
                    if let Some(name) = path.pop() {
                        fields.store(&path, name, take_trimmed(&mut text));
                    }
                }
                Xml::Text(t) => text.push_str(&t.unescape().map_err(|e| EventError::Xml(e.to_string()))?),
                Xml::CData(data) => text.push_str(&String::from_utf8_lossy(&data.into_inner())),
                Xml::Eof => break,
                _ => {}
            }
        }
        if !saw_root {
            return Err(EventError::Xml("no root element".into()));
        }
        // A truncated push: quick-xml reaches the end without complaining about elements left open.
        if !path.is_empty() {
            return Err(EventError::Xml(format!("<{}> is never closed", path.join("><"))));
        }
        Ok(fields)
    }

    /// Files a finished element under its parent path: a child of the root, or a child of `<info>`.
    fn store(&mut self, parent: &[String], name: String, value: String) {
        match parent {
            [_root] if name != "info" => self.top.push((name, value)),
            [_root, info] if info == "info" => self.info.push((name, value)),
            _ => {}
        }
    }

    /// Moves a field's value out (the parser hands each field to exactly one place of the event).
    pub fn take(&mut self, name: &'static str) -> Result<String, EventError> {
        self.top
            .iter_mut()
            .find(|(k, _)| k == name)
            .map(|(_, v)| std::mem::take(v))
            .ok_or(EventError::Missing(name))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.top.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn info(&self, name: &str) -> Option<String> {
        self.info.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    pub fn text(&self, name: &'static str) -> Result<String, EventError> {
        self.get(name).map(str::to_owned).ok_or(EventError::Missing(name))
    }

    pub fn opt_text(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    pub fn number(&self, name: &'static str) -> Result<i64, EventError> {
        let value = self.get(name).ok_or(EventError::Missing(name))?;
        value.trim().parse().map_err(|_| EventError::BadNumber {
            field: name,
            value: value.to_owned(),
        })
    }

    /// A number that may be absent or not a number at all (the doc's samples put prose in some, §4.2).
    pub fn opt_number(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(|v| v.trim().parse().ok())
    }
}

/// The collected text without surrounding whitespace, leaving `text` empty; no copy when there is nothing to trim.
fn take_trimmed(text: &mut String) -> String {
    let trimmed = text.trim();
    if trimmed.len() == text.len() {
        return std::mem::take(text);
    }
    let value = trimmed.to_owned();
    text.clear();
    value
}

/// Writes `<Name><![CDATA[value]]></Name>`; a `]]>` inside the value is split across two CDATA sections.
pub(super) fn cdata(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push_str("><![CDATA[");
    out.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]></");
    out.push_str(name);
    out.push('>');
}

/// Writes `<Name>number</Name>`.
pub(super) fn number(out: &mut String, name: &str, value: i64) {
    out.push_str(&format!("<{name}>{value}</{name}>"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdata_and_plain_text_read_the_same() {
        let a = Fields::parse("<xml><A><![CDATA[x]]></A><B>1</B><info><c>2</c></info></xml>").unwrap();
        let b = Fields::parse("<xml>\n <A>x</A>\n <B> 1 </B><info><c><![CDATA[2]]></c></info></xml>").unwrap();
        assert_eq!(
            (a.get("A"), a.number("B").unwrap(), a.info("c")),
            (Some("x"), 1, Some("2".into()))
        );
        assert_eq!(
            (b.get("A"), b.number("B").unwrap(), b.info("c")),
            (Some("x"), 1, Some("2".into()))
        );
    }

    #[test]
    fn cdata_writer_survives_its_own_terminator() {
        let mut out = String::from("<xml>");
        cdata(&mut out, "A", "a]]>b");
        out.push_str("</xml>");
        assert_eq!(Fields::parse(&out).unwrap().get("A"), Some("a]]>b"));
    }
}
