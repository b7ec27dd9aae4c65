//! The audits domain's handler: the hub's audit rows as they are, and a screenshot fetched from the hub and decoded
//! off the async workers, so a large image never stalls the long poll.

use std::sync::Arc;

use crate::engine::profiles::Connection;
use crate::engine::protocol::{
    AuditsCommand, AuditsEvent, EngineError, ErrorKind, Reply, RequestId, Screenshot, ScreenshotPixels,
};

pub async fn execute(id: RequestId, command: AuditsCommand, connection: &Connection) -> AuditsEvent {
    let client = &connection.client;
    match command {
        AuditsCommand::Load(query) => AuditsEvent::Loaded(Reply::new(id, client.all_audits(&query).await)),
        AuditsCommand::Screenshot { appid, media_id } => {
            let shot = match client.screenshot(&appid, &media_id).await {
                Ok(Some(bytes)) => tokio::task::spawn_blocking(move || decode(&bytes))
                    .await
                    .map_err(super::task_failed)
                    .and_then(|decoded| decoded),
                Ok(None) => Ok(Screenshot::NotFetched),
                Err(error) => Err(error),
            };
            AuditsEvent::Screenshot(Reply::new(id, shot))
        }
    }
}

/// The stored bytes as pixels: WeChat's screenshots are JPEG or PNG (the `image` crate guesses which).
fn decode(bytes: &[u8]) -> Result<Screenshot, EngineError> {
    let image = image::load_from_memory(bytes).map_err(|e| {
        EngineError::new(ErrorKind::Decode, "the screenshot is not an image the console can read")
            .with_detail(e.to_string())
    })?;
    let rgba = image.to_rgba8();
    Ok(Screenshot::Image(Arc::new(ScreenshotPixels {
        width: rgba.width() as usize,
        height: rgba.height() as usize,
        rgba: rgba.into_raw(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_decodes_to_its_pixels_and_garbage_is_a_decode_error() {
        let mut jpeg = Vec::new();
        let picture = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 10, 10]));
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode_image(&picture)
            .expect("encode");
        let Ok(Screenshot::Image(pixels)) = decode(&jpeg) else {
            panic!("a JPEG decodes");
        };
        assert_eq!((pixels.width, pixels.height, pixels.rgba.len()), (4, 3, 4 * 3 * 4));
        let error = decode(b"<html>not an image</html>").expect_err("garbage is refused");
        assert_eq!(error.kind, ErrorKind::Decode);
    }
}
