//! Binary answers: the trial QR code (§6.3) and audit screenshots as permanent material (§6.7); audit media upload (§6.14).

use serde::{Deserialize, Serialize};

use crate::wechat::client::RawResponse;
use crate::wechat::endpoint::{Endpoint, EndpointInfo};
use crate::wechat::endpoints::row_for;
use crate::wechat::error::WxError;

/// Bytes the platform answered with, and their declared type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Media {
    /// The answer as media. A JSON error was already turned into `WxError::Api` by the client.
    fn from_raw(raw: RawResponse, path: &str) -> Result<Self, WxError> {
        if raw.looks_like_json() {
            return Err(WxError::Decode(format!(
                "{path}: expected an image, got a JSON answer without errcode"
            )));
        }
        let content_type = raw
            .content_type
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        Ok(Self {
            content_type,
            bytes: raw.body,
        })
    }
}

/// §6.3 query: `path` is percent-encoded once by the client, as the doc requires (`page%2Findex%3Faction%3D1`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrcodeRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// §6.3: the trial version's QR code, a JPEG on success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetQrcode;

impl Endpoint for GetQrcode {
    type Request = QrcodeRequest;
    type Response = Media;
    const INFO: &'static EndpointInfo = row_for("/wxa/get_qrcode");

    fn decode(raw: RawResponse) -> Result<Media, WxError> {
        Media::from_raw(raw, Self::INFO.path)
    }
}

/// §6.7 body: one `media_id` of the `ScreenShot` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialRequest {
    pub media_id: String,
}

/// §6.7: an audit screenshot (permanent material), as image bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetMaterial;

impl Endpoint for GetMaterial {
    type Request = MaterialRequest;
    type Response = Media;
    const INFO: &'static EndpointInfo = row_for("/cgi-bin/material/get_material");

    fn decode(raw: RawResponse) -> Result<Media, WxError> {
        Media::from_raw(raw, Self::INFO.path)
    }
}

/// Answer of the temporary-material upload `/cgi-bin/media/upload` (§6.5 `feedback_stuff`, §8.7.4); multipart like
/// `uploadmedia`, sent with `Client::upload`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TempMediaResponse {
    #[serde(rename = "type")]
    pub kind: String,
    pub media_id: String,
    pub created_at: i64,
}

/// §6.14 answer of `/wxa/uploadmedia` (multipart field `media`; valid 3 days). The upload itself is multipart, not
/// JSON, so it has no typed `Endpoint`; `Client::execute_raw` cannot send it either.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadMediaResponse {
    #[serde(rename = "type")]
    pub kind: String,
    pub mediaid: String,
}
