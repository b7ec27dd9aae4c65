//! §6.3 trial QR code, §6.14 audit media upload, §6.7 screenshot download, §6.15 testers: the endpoints that
//! move images, and the small images the simulator draws for them (JPEG QR codes, PNG screenshots).

use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, Luma, Rgb, RgbImage};
use serde_json::{Value, json};

use super::super::reply::{ApiError, Outcome, Reply, ok, opt_str, str_field};
use super::super::routes::{BodyRule, Call, Endpoint, TokenRule, Verb, authorizer};
use super::super::state::Sim;
use super::account::Tester;

/// §6.15 `85002`: testers per mini program.
const TESTER_LIMIT: usize = 50;
/// §6.14: images up to 2 MB, videos up to 10 MB.
const MEDIA_LIMIT_BYTES: usize = 10 * 1024 * 1024;

pub const ENDPOINTS: &[Endpoint] = &[
    authorizer("/wxa/get_qrcode", Verb::Get, &[18, 86], get_qrcode),
    // A multipart upload: the dispatcher does not read it as JSON.
    Endpoint {
        path: "/wxa/uploadmedia",
        verb: Verb::Post,
        token: TokenRule::Authorizer,
        sets: &[18],
        body: BodyRule::Ignored,
        handler: uploadmedia,
    },
    // A multipart upload too: the temporary material `feedback_stuff` (§6.5) and an avatar (§8.7.4) name.
    Endpoint {
        path: "/cgi-bin/media/upload",
        verb: Verb::Post,
        token: TokenRule::Authorizer,
        sets: &[],
        body: BodyRule::Ignored,
        handler: upload_temp_media,
    },
    authorizer("/cgi-bin/material/get_material", Verb::Post, &[18, 11], get_material),
    authorizer("/wxa/bind_tester", Verb::Post, &[18], bind_tester),
    authorizer("/wxa/unbind_tester", Verb::Post, &[18], unbind_tester),
    authorizer("/wxa/memberauth", Verb::Post, &[18], memberauth),
];

/// A QR code of `text` as a JPEG: 8 pixels a module, a 4-module quiet zone.
pub fn qr_jpeg(text: &str) -> Option<Vec<u8>> {
    const SCALE: usize = 8;
    const QUIET: usize = 4;
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let dark: Vec<bool> = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    let side = (width + 2 * QUIET) * SCALE;
    let image = GrayImage::from_fn(side as u32, side as u32, |x, y| {
        let (mx, my) = (
            (x as usize / SCALE).checked_sub(QUIET),
            (y as usize / SCALE).checked_sub(QUIET),
        );
        let is_dark = match (mx, my) {
            (Some(mx), Some(my)) if mx < width && my < width => dark[my * width + mx],
            _ => false,
        };
        Luma([if is_dark { 0 } else { 255 }])
    });
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&image)
        .ok()?;
    Some(bytes)
}

/// A phone-shaped PNG with a colour band derived from `seed`, standing in for an audit screenshot: a real image a
/// client must decode, small enough (a few kilobytes) for a thousand rejections.
pub fn screenshot_png(seed: &str) -> Option<Vec<u8>> {
    let hash = seed
        .bytes()
        .fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    let [r, g, b, _] = hash.to_le_bytes();
    let image = RgbImage::from_fn(180, 320, |x, y| match y {
        0..=39 => Rgb([r / 2 + 60, g / 2 + 60, b / 2 + 60]),
        _ if (60..=80).contains(&(y % 90)) && x > 16 && x < 164 => Rgb([200, 200, 200]),
        _ => Rgb([248, 248, 248]),
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).ok()?;
    Some(bytes.into_inner())
}

/// §6.3: a JPEG of the trial version's entry; `86001` without a commit.
fn get_qrcode(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let index = call.authorizer();
    let appid = sim.merchants.appid(index);
    let commit = sim
        .account(index)
        .code
        .commit
        .clone()
        .ok_or_else(|| ApiError::new(86001, "no committed code"))?;
    let path = call
        .query
        .get("path")
        .map_or_else(|| commit.pages.first().cloned().unwrap_or_default(), str::to_owned);
    let text = format!(
        "https://open.weixin.qq.com/sns/getexpappinfo?appid={appid}&path={path}&v={}",
        commit.at
    );
    let bytes = qr_jpeg(&text).ok_or_else(|| ApiError::new(-1, "system error"))?;
    Ok(Reply::Bytes {
        content_type: "image/jpeg",
        bytes,
    })
}

/// §6.14: any non-empty upload becomes an image media id (`41005` when nothing was sent).
fn uploadmedia(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    if call.raw_len == 0 {
        return Err(ApiError::new(41005, "media data missing"));
    }
    if call.raw_len > MEDIA_LIMIT_BYTES {
        return Err(ApiError::new(40006, "invalid media size"));
    }
    sim.next_auditid += 1;
    ok(json!({"type": "image", "mediaid": format!("media_{}_{}", call.now, sim.next_auditid)}))
}

/// Temporary material (§6.5, §8.7.4): any non-empty upload of at most 10 MB becomes an image media id this
/// account's later calls may name.
fn upload_temp_media(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    if call.raw_len == 0 {
        return Err(ApiError::new(41005, "media data missing"));
    }
    if call.raw_len > MEDIA_LIMIT_BYTES {
        return Err(ApiError::new(40006, "invalid media size"));
    }
    sim.next_auditid += 1;
    let media_id = format!("temp_{}_{}", call.now, sim.next_auditid);
    sim.account(call.authorizer()).temp_media.push(media_id.clone());
    ok(json!({"type": "image", "media_id": media_id, "created_at": call.now}))
}

/// §6.7: screenshots of a rejected audit come back as image bytes; other ids are `40007`.
fn get_material(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let media_id = str_field(call.body, "media_id")?;
    let known = sim
        .account(call.authorizer())
        .code
        .audits
        .iter()
        .any(|a| a.screenshots.iter().any(|s| s == media_id));
    if !known {
        return Err(ApiError::new(40007, "invalid media_id"));
    }
    let bytes = screenshot_png(media_id).ok_or_else(|| ApiError::new(-1, "system error"))?;
    Ok(Reply::Bytes {
        content_type: "image/png",
        bytes,
    })
}

/// A WeChat id: 6–20 characters, a letter first, then letters, digits, `_` or `-`.
fn plausible_wechatid(id: &str) -> bool {
    (6..=20).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn userstr_of(appid: &str, wechatid: &str) -> String {
    let hash = format!("{appid}:{wechatid}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}{:016x}", hash.rotate_left(29) ^ 0x5bd1_e995)
}

/// §6.15: `85001` unknown id, `85004` already bound, `85002` limit.
fn bind_tester(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let wechatid = str_field(call.body, "wechatid")?;
    if !plausible_wechatid(wechatid) {
        return Err(ApiError::new(85001, "wechatid not exist or not searchable"));
    }
    let index = call.authorizer();
    let userstr = userstr_of(&sim.merchants.appid(index), wechatid);
    let account = sim.account(index);
    if account.testers.iter().any(|t| t.wechatid == wechatid) {
        return Err(ApiError::new(85004, "wechatid already bound"));
    }
    if account.testers.len() >= TESTER_LIMIT {
        return Err(ApiError::new(85002, "tester count reached the limit"));
    }
    account.testers.push(Tester {
        wechatid: wechatid.to_owned(),
        userstr: userstr.clone(),
    });
    ok(json!({"userstr": userstr}))
}

fn unbind_tester(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let wechatid = opt_str(call.body, "wechatid");
    let userstr = opt_str(call.body, "userstr");
    if wechatid.is_none() && userstr.is_none() {
        return Err(super::super::reply::missing("wechatid"));
    }
    let account = sim.account(call.authorizer());
    let before = account.testers.len();
    account
        .testers
        .retain(|t| Some(t.wechatid.as_str()) != wechatid && Some(t.userstr.as_str()) != userstr);
    if account.testers.len() == before {
        return Err(ApiError::new(85001, "wechatid not exist or not searchable"));
    }
    ok(json!({}))
}

fn memberauth(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    if opt_str(call.body, "action") != Some("get_experiencer") {
        return Err(ApiError::new(40097, "invalid args hint: [action]"));
    }
    let members: Vec<Value> = sim
        .account(call.authorizer())
        .testers
        .iter()
        .map(|t| json!({"userstr": t.userstr}))
        .collect();
    ok(json!({"members": members}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes_are_jpegs_and_screenshots_pngs_that_decode() {
        let qr = qr_jpeg("https://example.com/x").expect("drawn");
        assert_eq!(&qr[..3], &[0xff, 0xd8, 0xff], "JPEG magic");
        let shot = screenshot_png("screenshot_1_1").expect("drawn");
        assert_eq!(&shot[..4], b"\x89PNG", "PNG magic");
        let decoded = image::load_from_memory(&shot).expect("a real image");
        assert_eq!((decoded.width(), decoded.height()), (180, 320));
    }

    #[test]
    fn wechat_ids_are_checked() {
        assert!(plausible_wechatid("zhang_san01"));
        assert!(!plausible_wechatid("1abcdef"));
        assert!(!plausible_wechatid("ab"));
    }
}
