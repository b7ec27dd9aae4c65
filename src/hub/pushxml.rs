//! The fields of a decrypted push (wechat-api.md §4.2, §4.3) as a flat map: `InfoType`, `Event`, `info.name` …
//!
//! The hub stores every push whole and reads only a few fields, so a flat map of the root's children (nested
//! ones as `parent.child`) is all it needs; CDATA and plain text are both accepted (§4.2).

use std::collections::BTreeMap;

use quick_xml::events::Event as Xml;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the decrypted push is not well-formed XML: {0}")]
pub struct PushXmlError(String);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushFields(BTreeMap<String, String>);

impl PushFields {
    pub fn parse(xml: &str) -> Result<Self, PushXmlError> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut path: Vec<String> = Vec::new();
        let mut fields = BTreeMap::new();
        let mut saw_root = false;
        let bad = |e: &dyn std::fmt::Display| PushXmlError(e.to_string());
        loop {
            match reader.read_event().map_err(|e| bad(&e))? {
                Xml::Start(start) => {
                    saw_root = true;
                    path.push(String::from_utf8_lossy(start.name().as_ref()).into_owned());
                }
                Xml::End(_) => {
                    path.pop();
                }
                Xml::Text(text) => {
                    let value = text.unescape().map_err(|e| bad(&e))?;
                    push_value(&mut fields, &path, &value);
                }
                Xml::CData(data) => {
                    let value = String::from_utf8(data.into_inner().into_owned()).map_err(|e| bad(&e))?;
                    push_value(&mut fields, &path, &value);
                }
                Xml::Eof => break,
                _ => {}
            }
        }
        if !saw_root || !path.is_empty() {
            return Err(PushXmlError("no complete root element".into()));
        }
        Ok(Self(fields))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// `InfoType` on the authorization-event URL, `Event` on the message URL.
    pub fn kind(&self) -> Option<&str> {
        self.get("InfoType").or_else(|| self.get("Event"))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn push_value(fields: &mut BTreeMap<String, String>, path: &[String], value: &str) {
    // Depth 1 is the root `<xml>`; whitespace between elements is not a value.
    if path.len() < 2 || value.trim().is_empty() {
        return;
    }
    let name = path[1..].join(".");
    fields.entry(name).or_default().push_str(value.trim());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cdata_plain_and_nested_fields() {
        let xml = "<xml><AppId><![CDATA[wx1]]></AppId><CreateTime>1535442403</CreateTime>\
                   <InfoType>notify_third_fasteregister</InfoType><status>0</status>\
                   <info><name><![CDATA[企业]]></name></info></xml>";
        let fields = PushFields::parse(xml).unwrap();
        assert_eq!(fields.get("AppId"), Some("wx1"));
        assert_eq!(fields.kind(), Some("notify_third_fasteregister"));
        assert_eq!(fields.get("info.name"), Some("企业"));
        assert_eq!(fields.get("status"), Some("0"));
    }

    #[test]
    fn rejects_broken_xml() {
        assert!(PushFields::parse("<xml><AppId>wx1</xml>").is_err());
        assert!(PushFields::parse("not xml at all").is_err());
        assert!(PushFields::parse("<xml><a>1</a>").is_err());
    }
}
