//! The profile forms, whose secret fields are the crate's one `Secret` (re-exported here), and the pure validators
//! the UI calls for inline errors. Re-exported from `protocol`.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// The crate's one secret type (`Debug` and `Display` print `***`), re-exported so callers of `protocol` keep it.
pub use crate::wechat::ids::Secret;

/// The local profile's credentials form. Secret fields go to the keychain, the rest to the settings file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LocalProfileForm {
    pub component_appid: String,
    pub component_appsecret: Secret,
    /// The message verification token (消息校验 Token).
    pub token: Secret,
    pub encoding_aes_key: Secret,
    /// The address the in-process hub listens on, e.g. `0.0.0.0:8080`.
    pub listen: String,
    /// The URL WeChat reaches the hub at (through a reverse proxy or tunnel); the redirect_uri is built from it.
    pub public_url: String,
}

impl LocalProfileForm {
    /// Every field that fails validation, in form order; empty when the form can be saved.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let checks = [
            (FormField::ComponentAppid, validate_appid(&self.component_appid)),
            (
                FormField::ComponentAppsecret,
                validate_appsecret(self.component_appsecret.expose()),
            ),
            (FormField::Token, validate_message_token(self.token.expose())),
            (
                FormField::EncodingAesKey,
                validate_encoding_aes_key(self.encoding_aes_key.expose()),
            ),
            (FormField::Listen, validate_listen(&self.listen)),
            (FormField::PublicUrl, validate_public_url(&self.public_url)),
        ];
        collect_problems(checks)
    }
}

/// The remote profile's form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemoteProfileForm {
    pub hub_url: String,
    pub operator_key: Secret,
}

impl RemoteProfileForm {
    /// Every field that fails validation, in form order; empty when the form can be saved.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let checks = [
            (FormField::HubUrl, validate_hub_url(&self.hub_url)),
            (
                FormField::OperatorKey,
                validate_operator_key(self.operator_key.expose()),
            ),
        ];
        collect_problems(checks)
    }
}

fn collect_problems<const N: usize>(checks: [(FormField, Result<(), Invalid>); N]) -> Vec<FieldProblem> {
    checks
        .into_iter()
        .filter_map(|(field, result)| result.err().map(|problem| FieldProblem { field, problem }))
        .collect()
}

/// A form field the UI shows an inline error beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormField {
    ComponentAppid,
    ComponentAppsecret,
    Token,
    EncodingAesKey,
    Listen,
    PublicUrl,
    HubUrl,
    OperatorKey,
    BizAppid,
}

/// Why a field's value is not accepted. The UI translates these; `Display` is the English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    #[error("required")]
    Empty,
    #[error("must be {min}–{max} characters long")]
    Length { min: usize, max: usize },
    #[error("contains characters that are not allowed")]
    Characters,
    #[error("must start with wx")]
    Prefix,
    #[error("is not a valid URL")]
    Url,
    #[error("must be https (http only for a loopback address)")]
    Scheme,
    #[error("must use the standard port (80 for http, 443 for https)")]
    Port,
    #[error("must be an address and port such as 0.0.0.0:8080")]
    Address,
}

/// One failed field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: FormField,
    pub problem: Invalid,
}

/// Appids are `wx` followed by 16 hexadecimal digits. Real ones are lowercase; uppercase hex is accepted too, the safer
/// reading when a user pastes an id from another tool.
pub fn validate_appid(value: &str) -> Result<(), Invalid> {
    let rest = nonempty(value)?.strip_prefix("wx").ok_or(Invalid::Prefix)?;
    exact_chars(rest, 16, |c| c.is_ascii_hexdigit())
}

/// The AppSecret shown on the open platform is 32 letters and digits.
pub fn validate_appsecret(value: &str) -> Result<(), Invalid> {
    exact_chars(nonempty(value)?, 32, |c| c.is_ascii_alphanumeric())
}

/// The message verification token: 3–32 letters and digits, as the open platform's settings page requires.
pub fn validate_message_token(value: &str) -> Result<(), Invalid> {
    let value = nonempty(value)?;
    if !value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Invalid::Characters);
    }
    if !(3..=32).contains(&value.len()) {
        return Err(Invalid::Length { min: 3, max: 32 });
    }
    Ok(())
}

/// EncodingAESKey: exactly 43 characters from `[A-Za-z0-9]` (wechat-api.md §4.4).
pub fn validate_encoding_aes_key(value: &str) -> Result<(), Invalid> {
    exact_chars(nonempty(value)?, 43, |c| c.is_ascii_alphanumeric())
}

/// A hub URL: `https://…`, or `http://` only when the host is loopback (a hub on the same machine).
pub fn validate_hub_url(value: &str) -> Result<(), Invalid> {
    let url = parse_url(value)?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(&url) => Ok(()),
        _ => Err(Invalid::Scheme),
    }
}

/// The hub's public URL, where WeChat pushes to: http or https on the standard port, because the platform only
/// delivers to ports 80 and 443 (wechat-api.md §4.1).
pub fn validate_public_url(value: &str) -> Result<(), Invalid> {
    let url = parse_url(value)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Invalid::Scheme);
    }
    // `Url::port` is None exactly when the port is the scheme's default.
    if url.port().is_some() {
        return Err(Invalid::Port);
    }
    Ok(())
}

/// The local hub's listen address: an IP and a non-zero port.
pub fn validate_listen(value: &str) -> Result<(), Invalid> {
    let addr: SocketAddr = nonempty(value)?.parse().map_err(|_| Invalid::Address)?;
    if addr.port() == 0 {
        return Err(Invalid::Address);
    }
    Ok(())
}

/// An operator key as `wxdesk hub operator add` prints it: no whitespace.
pub fn validate_operator_key(value: &str) -> Result<(), Invalid> {
    let value = nonempty(value)?;
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Invalid::Characters);
    }
    Ok(())
}

fn nonempty(value: &str) -> Result<&str, Invalid> {
    if value.is_empty() {
        Err(Invalid::Empty)
    } else {
        Ok(value)
    }
}

fn exact_chars(value: &str, len: usize, allowed: impl Fn(char) -> bool) -> Result<(), Invalid> {
    if !value.chars().all(allowed) {
        return Err(Invalid::Characters);
    }
    if value.len() != len {
        return Err(Invalid::Length { min: len, max: len });
    }
    Ok(())
}

fn parse_url(value: &str) -> Result<url::Url, Invalid> {
    let url = url::Url::parse(nonempty(value)?).map_err(|_| Invalid::Url)?;
    if url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err(Invalid::Url);
    }
    Ok(url)
}

fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appid_is_wx_and_sixteen_hex_digits() {
        assert_eq!(validate_appid("wxf8b4f85f3a794e77"), Ok(()));
        assert_eq!(validate_appid(""), Err(Invalid::Empty));
        assert_eq!(validate_appid("ab0123456789abcdef"), Err(Invalid::Prefix));
        assert_eq!(
            validate_appid("wx0123456789abcde"),
            Err(Invalid::Length { min: 16, max: 16 })
        );
        assert_eq!(
            validate_appid("wx0123456789abcdefa"),
            Err(Invalid::Length { min: 16, max: 16 })
        );
        assert_eq!(validate_appid("wx0123456789abcdeg"), Err(Invalid::Characters));
        assert_eq!(validate_appid(" wxf8b4f85f3a794e77"), Err(Invalid::Prefix));
        assert_eq!(validate_appid("wxf8b4f85f3a794e7 "), Err(Invalid::Characters));
    }

    #[test]
    fn encoding_aes_key_is_43_letters_and_digits() {
        assert_eq!(
            validate_encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
            Ok(())
        );
        assert_eq!(validate_encoding_aes_key(&"A".repeat(43)), Ok(()));
        assert_eq!(
            validate_encoding_aes_key(&"A".repeat(42)),
            Err(Invalid::Length { min: 43, max: 43 })
        );
        assert_eq!(
            validate_encoding_aes_key(&"A".repeat(44)),
            Err(Invalid::Length { min: 43, max: 43 })
        );
        assert_eq!(
            validate_encoding_aes_key(&format!("{}=", "A".repeat(42))),
            Err(Invalid::Characters)
        );
        assert_eq!(
            validate_encoding_aes_key(&format!("{}+", "A".repeat(42))),
            Err(Invalid::Characters)
        );
        assert_eq!(validate_encoding_aes_key(""), Err(Invalid::Empty));
    }

    #[test]
    fn message_token_and_appsecret() {
        assert_eq!(validate_message_token("abc"), Ok(()));
        assert_eq!(validate_message_token("ab"), Err(Invalid::Length { min: 3, max: 32 }));
        assert_eq!(
            validate_message_token(&"a".repeat(33)),
            Err(Invalid::Length { min: 3, max: 32 })
        );
        assert_eq!(validate_message_token("to ken"), Err(Invalid::Characters));
        assert_eq!(validate_appsecret("0c79e1fa963cd80cc0be99b20a18faeb"), Ok(()));
        assert_eq!(
            validate_appsecret("0c79e1fa963cd80cc0be99b20a18fae"),
            Err(Invalid::Length { min: 32, max: 32 })
        );
    }

    #[test]
    fn hub_url_is_https_or_loopback_http() {
        assert_eq!(validate_hub_url("https://hub.example.com"), Ok(()));
        assert_eq!(validate_hub_url("https://hub.example.com:8443/wxdesk"), Ok(()));
        assert_eq!(validate_hub_url("http://127.0.0.1:41234"), Ok(()));
        assert_eq!(validate_hub_url("http://localhost:8080"), Ok(()));
        assert_eq!(validate_hub_url("http://[::1]:8080"), Ok(()));
        assert_eq!(validate_hub_url("http://hub.example.com"), Err(Invalid::Scheme));
        assert_eq!(validate_hub_url("ftp://hub.example.com"), Err(Invalid::Scheme));
        assert_eq!(validate_hub_url("hub.example.com"), Err(Invalid::Url));
        assert_eq!(validate_hub_url("https://hub.example.com/?a=1"), Err(Invalid::Url));
        assert_eq!(validate_hub_url(""), Err(Invalid::Empty));
    }

    #[test]
    fn public_url_uses_a_standard_port() {
        assert_eq!(validate_public_url("https://hub.example.com"), Ok(()));
        assert_eq!(validate_public_url("http://hub.example.com:80"), Ok(()));
        assert_eq!(validate_public_url("https://hub.example.com:8443"), Err(Invalid::Port));
        assert_eq!(validate_public_url("ws://hub.example.com"), Err(Invalid::Scheme));
    }

    #[test]
    fn listen_needs_an_ip_and_a_port() {
        assert_eq!(validate_listen("0.0.0.0:8080"), Ok(()));
        assert_eq!(validate_listen("[::]:443"), Ok(()));
        assert_eq!(validate_listen("127.0.0.1:0"), Err(Invalid::Address));
        assert_eq!(validate_listen("localhost:8080"), Err(Invalid::Address));
        assert_eq!(validate_listen("8080"), Err(Invalid::Address));
        assert_eq!(validate_listen(""), Err(Invalid::Empty));
    }

    #[test]
    fn forms_list_every_problem_in_order() {
        let form = LocalProfileForm {
            listen: "0.0.0.0:8080".into(),
            ..LocalProfileForm::default()
        };
        let fields: Vec<FormField> = form.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            vec![
                FormField::ComponentAppid,
                FormField::ComponentAppsecret,
                FormField::Token,
                FormField::EncodingAesKey,
                FormField::PublicUrl
            ]
        );
        let remote = RemoteProfileForm {
            hub_url: "https://hub.example.com".into(),
            operator_key: Secret::new("k3y"),
        };
        assert!(remote.problems().is_empty());
        assert!(!format!("{remote:?}").contains("k3y"));
    }
}
