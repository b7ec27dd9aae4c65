//! Identifier types (appids, template, draft and audit ids) and `Secret`, so a value cannot be passed where another is meant.
//!
//! Deserialising is lenient (the platform is the authority on what it sends); `parse` validates what a person typed.

use serde::{Deserialize, Deserializer, Serialize};

/// Why an identifier typed by a person was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("an appid is `wx` followed by 16 lowercase hexadecimal digits, not {0:?}")]
    BadAppId(String),
}

/// True for `wx` + 16 lowercase hex digits, the shape of every appid in wechat-api.md.
fn is_appid(s: &str) -> bool {
    s.len() == 18 && s.starts_with("wx") && s[2..].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

macro_rules! appid_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Validates the shape `wx` + 16 lowercase hex digits.
            pub fn parse(s: &str) -> Result<Self, IdError> {
                let s = s.trim();
                if is_appid(s) { Ok(Self(s.to_owned())) } else { Err(IdError::BadAppId(s.to_owned())) }
            }

            /// Wraps a value received from the platform or from our own store without checking it.
            pub fn from_wire(s: impl Into<String>) -> Self {
                Self(s.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

appid_type!(
    /// The third-party platform's own appid (`component_appid`).
    ComponentAppId
);
appid_type!(
    /// The appid of a merchant's mini program or official account that authorized the platform (`authorizer_appid`).
    AuthorizerAppId
);

macro_rules! number_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        /// Serialised as a JSON number; read from a number or a numeric string (some doc examples quote it).
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::wechat::tolerant::u64_lenient(d).map(Self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

number_id!(
    /// A template of the code template library (`template_id`, §5.3).
    TemplateId
);
number_id!(
    /// A draft in the draft box (`draft_id`, §5.1).
    DraftId
);
number_id!(
    /// A code audit (`auditid`, §6.5).
    AuditId
);

/// A secret or token. `Debug` and `Display` print `***`; only `expose` reveals it, so it cannot reach a log by accident.
///
/// It serialises to the real value because requests must carry it (`component_appsecret`, refresh tokens).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call this only where it is sent or stored encrypted.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appid_parse_accepts_only_wx_and_16_lowercase_hex() {
        assert!(AuthorizerAppId::parse("wxf8b4f85f3a794e77").is_ok());
        assert!(ComponentAppId::parse(" wx134c8103faa5a59e ").is_ok());
        for bad in [
            "",
            "wx",
            "wxF8B4F85F3A794E77",
            "wxf8b4f85f3a794e7",
            "wxf8b4f85f3a794e777",
            "gh_f8b4f85f3a79",
            "wxg8b4f85f3a794e77",
        ] {
            assert!(AuthorizerAppId::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn numeric_ids_read_numbers_and_numeric_strings() {
        let a: TemplateId = serde_json::from_str("3").unwrap();
        let b: TemplateId = serde_json::from_str("\"3\"").unwrap();
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&a).unwrap(), "3");
        assert!(serde_json::from_str::<AuditId>("\"x\"").is_err());
    }

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("refreshtoken@@@abc");
        assert_eq!(format!("{s:?} {s}"), "*** ***");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"refreshtoken@@@abc\"");
    }
}
