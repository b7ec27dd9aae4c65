//! Encryption at rest of the tokens the hub keeps: ChaCha20-Poly1305 under the store key, a fresh nonce per value.
//!
//! A sealed value is `nonce (12 bytes) || ciphertext+tag`, and the row it belongs to is the associated data, so a
//! value copied into another row does not open.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use rand::RngCore as _;

use crate::wechat::ids::Secret;

const NONCE_LEN: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the store key must be 32 bytes, written as 64 hex digits or as base64")]
    BadKey,
    #[error("a sealed value did not open: wrong store key or damaged row")]
    Open,
}

/// The 32-byte key that seals tokens at rest. `Debug` never prints it.
#[derive(Clone)]
pub struct StoreKey(ChaCha20Poly1305);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(***)")
    }
}

impl StoreKey {
    /// Accepts 64 hex digits or standard/URL-safe base64 (with or without padding) of exactly 32 bytes.
    pub fn parse(text: &str) -> Result<Self, SealError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|_| SealError::BadKey)?
        } else {
            let engines = [
                &base64::engine::general_purpose::STANDARD,
                &base64::engine::general_purpose::STANDARD_NO_PAD,
                &base64::engine::general_purpose::URL_SAFE,
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            ];
            engines
                .iter()
                .find_map(|engine| engine.decode(text).ok())
                .ok_or(SealError::BadKey)?
        };
        let key: [u8; 32] = bytes.try_into().map_err(|_| SealError::BadKey)?;
        Ok(Self(ChaCha20Poly1305::new(&key.into())))
    }

    /// A new random key as 64 hex digits, for `wxdesk hub init` and the console's sandbox.
    pub fn generate_hex() -> Secret {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Secret::new(hex::encode(key))
    }

    pub fn seal(&self, row: &str, plaintext: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: row.as_bytes(),
        };
        // Encryption with a valid key only fails for messages past 256 GiB; a token is never that long.
        let ciphertext = self.0.encrypt(Nonce::from_slice(&nonce), payload).unwrap_or_default();
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// The token sealed into `row`, as a `Secret`: it leaves this function only to be sent or sealed again.
    pub fn open(&self, row: &str, sealed: &[u8]) -> Result<Secret, SealError> {
        if sealed.len() < NONCE_LEN {
            return Err(SealError::Open);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: row.as_bytes(),
        };
        let plain = self
            .0
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| SealError::Open)?;
        String::from_utf8(plain).map(Secret::from).map_err(|_| SealError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_in_their_own_row() {
        let key = StoreKey::parse(StoreKey::generate_hex().expose()).unwrap();
        let plaintext = "refreshtoken@@@abc";
        let sealed = key.seal("refresh:wx1", plaintext);
        assert_eq!(key.open("refresh:wx1", &sealed).unwrap().expose(), plaintext);
        assert_eq!(key.open("refresh:wx2", &sealed), Err(SealError::Open));
        // No six bytes of the plaintext in a row survive sealing (a chance match in random bytes is ~2^-40).
        for piece in plaintext.as_bytes().windows(6) {
            assert!(
                !sealed.windows(piece.len()).any(|w| w == piece),
                "the sealed bytes show {:?} of the plaintext",
                String::from_utf8_lossy(piece)
            );
        }
    }

    #[test]
    fn the_same_value_seals_differently_each_time() {
        let key = StoreKey::parse(&"ab".repeat(32)).unwrap();
        assert_ne!(key.seal("r", "v"), key.seal("r", "v"));
    }

    #[test]
    fn another_key_does_not_open() {
        let one = StoreKey::parse(StoreKey::generate_hex().expose()).unwrap();
        let other = StoreKey::parse(StoreKey::generate_hex().expose()).unwrap();
        assert_eq!(other.open("r", &one.seal("r", "v")), Err(SealError::Open));
    }

    #[test]
    fn keys_parse_from_hex_or_base64_and_nothing_shorter() {
        assert!(StoreKey::parse(&"0f".repeat(32)).is_ok());
        assert!(StoreKey::parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").is_ok());
        assert_eq!(StoreKey::parse("short").unwrap_err(), SealError::BadKey);
        assert_eq!(
            format!("{:?}", StoreKey::parse(&"0f".repeat(32)).unwrap()),
            "StoreKey(***)"
        );
    }
}
