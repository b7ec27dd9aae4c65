//! WXBizMsgCrypt (wechat-api.md §4.4): the signature, AES-256-CBC encryption and the envelope of every push.
//!
//! The platform encrypts every push with the provider's EncodingAESKey and signs it with the message token.
//! Everything here is pure: no IO, no clock, no randomness except where a caller asks for a fresh `random`.

use aes::Aes256;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::NoPadding};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

/// The padding block of WXBizMsgCrypt: PKCS#7 over 32 bytes, not AES's 16 (§4.4).
const PAD_BLOCK: usize = 32;
/// 16 random bytes, then a 4-byte big-endian length, then the message, then the receive id (§4.4).
const HEADER_LEN: usize = 20;

/// Why a push could not be verified, decrypted or built. Each maps to one sample-code error of §4.4.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// `-40001`: the `msg_signature` does not match.
    #[error("signature check failed (-40001)")]
    BadSignature,
    /// `-40002`: the envelope XML could not be parsed or lacks `<Encrypt>`.
    #[error("envelope XML parse failed (-40002): {0}")]
    BadEnvelope(String),
    /// `-40004`: the EncodingAESKey is not 43 characters of base64 that decode to 32 bytes.
    #[error("invalid EncodingAESKey (-40004): it must be 43 characters from [A-Za-z0-9]")]
    BadKey,
    /// `-40005`: the receive id inside the ciphertext is not the component appid.
    #[error("receive id check failed (-40005)")]
    WrongReceiveId,
    /// `-40007`: the ciphertext is not a whole number of AES blocks.
    #[error("AES decrypt failed (-40007): ciphertext of {0} bytes")]
    BadCiphertext(usize),
    /// `-40008`: the plaintext's padding, length field or UTF-8 is wrong.
    #[error("illegal buffer after decryption (-40008): {0}")]
    BadPlaintext(&'static str),
    /// `-40010`: the `Encrypt` text is not base64.
    #[error("base64 decode failed (-40010)")]
    BadBase64,
}

impl CryptoError {
    /// The sample code's numeric error (§4.4), for logs and for the hub's `error` events.
    pub fn code(&self) -> i32 {
        match self {
            Self::BadSignature => -40001,
            Self::BadEnvelope(_) => -40002,
            Self::BadKey => -40004,
            Self::WrongReceiveId => -40005,
            Self::BadCiphertext(_) => -40007,
            Self::BadPlaintext(_) => -40008,
            Self::BadBase64 => -40010,
        }
    }
}

/// An EncodingAESKey decoded to the 32-byte AES key. `Debug` never prints the key.
#[derive(Clone, PartialEq, Eq)]
pub struct AesKey([u8; 32]);

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AesKey(***)")
    }
}

impl AesKey {
    /// Decodes a 43-character EncodingAESKey: `Base64Decode(key + "=")` must give exactly 32 bytes (§4.4).
    pub fn from_encoding_aes_key(encoding_aes_key: &str) -> Result<Self, CryptoError> {
        let key = encoding_aes_key.trim();
        if key.len() != 43 || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(CryptoError::BadKey);
        }
        // The 43rd character may carry bits past the 256th; the platform ignores them, so decode leniently.
        let lenient = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
        );
        let bytes = lenient.decode(format!("{key}=")).map_err(|_| CryptoError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(Self(key))
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.0[..16]);
        iv
    }
}

/// `msg_signature` = hex(SHA1(concat(sort([token, timestamp, nonce, encrypt])))) (§4.4).
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    let mut parts = [token, timestamp, nonce, encrypt];
    parts.sort_unstable();
    let mut sha = Sha1::new();
    for part in parts {
        sha.update(part.as_bytes());
    }
    hex::encode(sha.finalize())
}

/// The 3-item URL `signature` = hex(SHA1(concat(sort([token, timestamp, nonce])))) (§4.1); not used for safe mode.
pub fn url_signature(token: &str, timestamp: &str, nonce: &str) -> String {
    let mut parts = [token, timestamp, nonce];
    parts.sort_unstable();
    let mut sha = Sha1::new();
    for part in parts {
        sha.update(part.as_bytes());
    }
    hex::encode(sha.finalize())
}

/// A message encrypted and signed, ready to be sent as a push or a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub encrypt: String,
    pub msg_signature: String,
    pub timestamp: String,
    pub nonce: String,
}

/// The platform's message crypto for one provider: token, current key, optional previous key, receive id.
///
/// `Debug` hides the token and keys.
#[derive(Clone)]
pub struct MsgCrypt {
    token: String,
    key: AesKey,
    previous_key: Option<AesKey>,
    receive_id: String,
}

impl std::fmt::Debug for MsgCrypt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MsgCrypt")
            .field("token", &"***")
            .field("key", &self.key)
            .field("previous_key", &self.previous_key.as_ref().map(|_| "***"))
            .field("receive_id", &self.receive_id)
            .finish()
    }
}

impl MsgCrypt {
    /// `receive_id` is the component appid: the platform puts it in every ciphertext, on both URLs (§4.1).
    pub fn new(token: &str, encoding_aes_key: &str, receive_id: &str) -> Result<Self, CryptoError> {
        Ok(Self {
            token: token.to_owned(),
            key: AesKey::from_encoding_aes_key(encoding_aes_key)?,
            previous_key: None,
            receive_id: receive_id.to_owned(),
        })
    }

    /// Keeps the key in use before a rotation; decryption falls back to it when the current key fails (§4.4).
    pub fn with_previous_key(mut self, encoding_aes_key: &str) -> Result<Self, CryptoError> {
        self.previous_key = Some(AesKey::from_encoding_aes_key(encoding_aes_key)?);
        Ok(self)
    }

    pub fn receive_id(&self) -> &str {
        &self.receive_id
    }

    /// Checks `msg_signature` in constant time. Always call this before `decrypt` (§4.4 step 2).
    pub fn verify(&self, msg_signature: &str, timestamp: &str, nonce: &str, encrypt: &str) -> Result<(), CryptoError> {
        let expected = self::msg_signature(&self.token, timestamp, nonce, encrypt);
        let given = msg_signature.trim().to_ascii_lowercase();
        if expected.as_bytes().ct_eq(given.as_bytes()).into() {
            Ok(())
        } else {
            Err(CryptoError::BadSignature)
        }
    }

    /// Verifies the signature, then decrypts and checks the receive id: the whole receiving path of §4.4.
    pub fn open(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<String, CryptoError> {
        self.verify(msg_signature, timestamp, nonce, encrypt)?;
        self.decrypt(encrypt)
    }

    /// Decrypts an `Encrypt` value with the current key, then the previous one; checks the receive id.
    pub fn decrypt(&self, encrypt: &str) -> Result<String, CryptoError> {
        let ciphertext = BASE64.decode(encrypt.trim()).map_err(|_| CryptoError::BadBase64)?;
        let first = decrypt_with(&self.key, &ciphertext, &self.receive_id);
        match (&first, &self.previous_key) {
            (Err(_), Some(previous)) => decrypt_with(previous, &ciphertext, &self.receive_id).or(first),
            _ => first,
        }
    }

    /// Encrypts `msg` with 16 fresh random ASCII characters, as the platform and the SDKs do.
    pub fn encrypt(&self, msg: &str) -> String {
        use rand::Rng as _;
        use rand::distributions::Alphanumeric;
        let mut random = [0u8; 16];
        for (slot, byte) in random.iter_mut().zip(rand::thread_rng().sample_iter(Alphanumeric)) {
            *slot = byte;
        }
        self.encrypt_with_random(&random, msg)
    }

    /// Encrypts with a caller-chosen `random`, which makes the output reproducible (vectors of §4.5).
    pub fn encrypt_with_random(&self, random: &[u8; 16], msg: &str) -> String {
        let mut buf = Vec::with_capacity(HEADER_LEN + msg.len() + self.receive_id.len() + PAD_BLOCK);
        buf.extend_from_slice(random);
        buf.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        buf.extend_from_slice(msg.as_bytes());
        buf.extend_from_slice(self.receive_id.as_bytes());
        let pad = PAD_BLOCK - buf.len() % PAD_BLOCK;
        buf.resize(buf.len() + pad, pad as u8);
        let len = buf.len();
        let encryptor = cbc::Encryptor::<Aes256>::new((&self.key.0).into(), (&self.key.iv()).into());
        // The buffer is a whole number of blocks, so NoPadding cannot fail.
        let ciphertext = encryptor
            .encrypt_padded_mut::<NoPadding>(&mut buf, len)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        BASE64.encode(ciphertext)
    }

    /// Encrypts and signs `msg` for sending with the given timestamp and nonce.
    pub fn seal(&self, msg: &str, timestamp: &str, nonce: &str) -> Sealed {
        let encrypt = self.encrypt(msg);
        Sealed {
            msg_signature: msg_signature(&self.token, timestamp, nonce, &encrypt),
            encrypt,
            timestamp: timestamp.to_owned(),
            nonce: nonce.to_owned(),
        }
    }

    /// The encrypted reply document of §4.4 (`Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce`).
    pub fn reply_xml(&self, msg: &str, timestamp: &str, nonce: &str) -> String {
        let sealed = self.seal(msg, timestamp, nonce);
        format!(
            "<xml>\n<Encrypt><![CDATA[{}]]></Encrypt>\n<MsgSignature><![CDATA[{}]]></MsgSignature>\n<TimeStamp>{}</TimeStamp>\n<Nonce><![CDATA[{}]]></Nonce>\n</xml>",
            sealed.encrypt, sealed.msg_signature, sealed.timestamp, sealed.nonce
        )
    }
}

fn decrypt_with(key: &AesKey, ciphertext: &[u8], receive_id: &str) -> Result<String, CryptoError> {
    // §4.4 step 3: whole AES blocks, and at least 32 bytes as every SDK requires.
    if ciphertext.len() < PAD_BLOCK || !ciphertext.len().is_multiple_of(16) {
        return Err(CryptoError::BadCiphertext(ciphertext.len()));
    }
    let mut buf = ciphertext.to_vec();
    let decryptor = cbc::Decryptor::<Aes256>::new((&key.0).into(), (&key.iv()).into());
    let plain = decryptor
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .map_err(|_| CryptoError::BadCiphertext(ciphertext.len()))?;
    // §4.4 step 5, the strict reading (silenceper): a pad byte outside 1..=32 is an error, not zero.
    let pad = usize::from(*plain.last().ok_or(CryptoError::BadPlaintext("empty"))?);
    if !(1..=PAD_BLOCK).contains(&pad) || pad > plain.len() {
        return Err(CryptoError::BadPlaintext("padding"));
    }
    let body = &plain[..plain.len() - pad];
    if body.len() < HEADER_LEN {
        return Err(CryptoError::BadPlaintext("shorter than its header"));
    }
    let msg_len = u32::from_be_bytes([body[16], body[17], body[18], body[19]]) as usize;
    let rest = &body[HEADER_LEN..];
    if msg_len > rest.len() {
        return Err(CryptoError::BadPlaintext("length field past the end"));
    }
    let (msg, id) = rest.split_at(msg_len);
    // §4.4 step 7: the receive id must be the component appid.
    if !bool::from(id.ct_eq(receive_id.as_bytes())) {
        return Err(CryptoError::WrongReceiveId);
    }
    String::from_utf8(msg.to_vec()).map_err(|_| CryptoError::BadPlaintext("message is not UTF-8"))
}

/// The outer document of a push: `<xml><AppId|ToUserName>…</…><Encrypt>…</Encrypt></xml>` (§4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `AppId` on the authorization-event URL, `ToUserName` (`gh_…`) on the message URL.
    pub to: Option<String>,
    pub encrypt: String,
}

impl Envelope {
    /// Parses the envelope; CDATA and plain text are both accepted, and inner characters are kept as sent.
    pub fn parse(xml: &str) -> Result<Self, CryptoError> {
        use quick_xml::events::Event as Xml;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut path: Vec<Vec<u8>> = Vec::new();
        let mut to = None;
        let mut encrypt = None;
        let bad = |e: &dyn std::fmt::Display| CryptoError::BadEnvelope(e.to_string());
        loop {
            match reader.read_event().map_err(|e| bad(&e))? {
                Xml::Start(start) => path.push(start.name().as_ref().to_vec()),
                Xml::End(_) => {
                    path.pop();
                }
                Xml::Text(text) => {
                    let value = text.unescape().map_err(|e| bad(&e))?.into_owned();
                    assign(&path, value, &mut to, &mut encrypt);
                }
                Xml::CData(data) => {
                    let value = String::from_utf8(data.into_inner().into_owned()).map_err(|e| bad(&e))?;
                    assign(&path, value, &mut to, &mut encrypt);
                }
                Xml::Eof => break,
                _ => {}
            }
        }
        let encrypt = encrypt.ok_or_else(|| CryptoError::BadEnvelope("no <Encrypt> element".into()))?;
        Ok(Self { to, encrypt })
    }

    /// The envelope the platform posts to the authorization-event URL.
    pub fn component_xml(component_appid: &str, encrypt: &str) -> String {
        format!("<xml>\n<AppId><![CDATA[{component_appid}]]></AppId>\n<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n</xml>")
    }

    /// The envelope the platform posts to the message URL.
    pub fn message_xml(to_user_name: &str, encrypt: &str) -> String {
        format!(
            "<xml>\n<ToUserName><![CDATA[{to_user_name}]]></ToUserName>\n<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n</xml>"
        )
    }
}

fn assign(path: &[Vec<u8>], value: String, to: &mut Option<String>, encrypt: &mut Option<String>) {
    // Only direct children of the root count; whitespace between elements is not a value.
    if path.len() != 2 {
        return;
    }
    match path[1].as_slice() {
        b"Encrypt" => encrypt.get_or_insert_with(String::new).push_str(&value),
        b"AppId" | b"ToUserName" => to.get_or_insert_with(String::new).push_str(&value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vector A of §4.5: the official third-party-platform example.
    const A_TOKEN: &str = "AAAAA";
    const A_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const A_APPID: &str = "wx134c8103faa5a59e";
    const A_ENCRYPT: &str = "D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==";
    const A_PLAIN: &str = "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n<CreateTime>1715943329</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[debug_demo]]></Event>\n<debug_str><![CDATA[hello world]]></debug_str>\n</xml>";

    #[test]
    fn vector_a_verifies_and_decrypts() {
        let crypt = MsgCrypt::new(A_TOKEN, A_KEY, A_APPID).unwrap();
        let plain = crypt
            .open(
                "6c12a4205838198b8fa631b3220723bb07f1015c",
                "1715943329",
                "1590219412",
                A_ENCRYPT,
            )
            .unwrap();
        assert_eq!(plain, A_PLAIN);
        assert_eq!(plain.len(), 292);
    }

    #[test]
    fn vector_a_round_trips_with_its_random() {
        let crypt = MsgCrypt::new(A_TOKEN, A_KEY, A_APPID).unwrap();
        assert_eq!(crypt.encrypt_with_random(b"1205899eaf019bbd", A_PLAIN), A_ENCRYPT);
    }

    #[test]
    fn vector_a_reply_reproduces() {
        let crypt = MsgCrypt::new(A_TOKEN, A_KEY, A_APPID).unwrap();
        let encrypt = crypt.encrypt_with_random(
            b"999951349e8ee746",
            "<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>",
        );
        assert_eq!(
            encrypt,
            "hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7"
        );
        assert_eq!(
            msg_signature(A_TOKEN, "1713424427", "415670741", &encrypt),
            "03e0812039325c2712ef5f0f980fd14c70d6e307"
        );
    }

    #[test]
    fn vector_a_url_signatures() {
        assert_eq!(
            url_signature(A_TOKEN, "1715943329", "1590219412"),
            "cc0c594499c1634947d5b502f158ee518947db27"
        );
        assert_eq!(
            url_signature(A_TOKEN, "1714036504", "1514711492"),
            "f464b24fc39322e44b38aa78f5edd27bd1441696"
        );
    }
}
