//! Access tokens of the component and of each authorizer, with the lifetimes and the refresh overlap of §1.10.
//!
//! Each owner keeps at most two live tokens: the current one and the one it replaced, which stays valid for
//! 300 s after the refresh or until its own expiry, whichever is earlier. Older tokens are forgotten, so a
//! client hammering the token endpoint cannot grow the map.

use std::collections::HashMap;

use rand::Rng as _;

/// §0.1: both kinds of access token live 7200 s.
pub const TOKEN_LIFETIME_SECS: i64 = 7200;
/// §1.10: a replaced token keeps working for 300 s.
pub const OVERLAP_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Component,
    /// The merchant's index in `Merchants`.
    Authorizer(u32),
}

#[derive(Debug)]
struct Entry {
    owner: Owner,
    expires_at: i64,
    replaced_at: Option<i64>,
}

/// Why a token was refused; each is one errcode of §9.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// `40001`: unknown, forgotten, or replaced more than 300 s ago.
    Invalid,
    /// `42001`: past its `expires_in`.
    Expired,
}

#[derive(Debug, Default)]
pub struct Tokens {
    entries: HashMap<String, Entry>,
    /// Per owner: (current, previous).
    live: HashMap<Owner, (String, Option<String>)>,
}

/// A token of the platform's look: a numeric prefix and 80-odd URL-safe characters.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn random_token(prefix: &str, len: usize) -> String {
    let mut rng = rand::thread_rng();
    let mut token = String::with_capacity(prefix.len() + len);
    token.push_str(prefix);
    token.extend((0..len).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])));
    token
}

/// The token that `seed` spells: the same seed always gives the same token, so a long-lived token can be kept as
/// a number (a random seed gives a token as unguessable as `random_token`'s, up to its 64 bits).
pub fn spell_token(prefix: &str, len: usize, seed: u64) -> String {
    let mut state = seed;
    let mut token = String::with_capacity(prefix.len() + len);
    token.push_str(prefix);
    token.extend((0..len).map(|_| {
        // splitmix64: one well-mixed output per step.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        char::from(ALPHABET[((z ^ (z >> 31)) % ALPHABET.len() as u64) as usize])
    }));
    token
}

impl Tokens {
    /// Issues a new token for `owner`; its previous token enters the 300 s overlap, the one before is dropped.
    pub fn issue(&mut self, owner: Owner, now: i64) -> String {
        let token = random_token("93_", 86);
        self.entries.insert(
            token.clone(),
            Entry {
                owner,
                expires_at: now + TOKEN_LIFETIME_SECS,
                replaced_at: None,
            },
        );
        let previous = self.live.insert(owner, (token.clone(), None));
        if let Some((current, older)) = previous {
            if let Some(older) = older {
                self.entries.remove(&older);
            }
            if let Some(entry) = self.entries.get_mut(&current) {
                entry.replaced_at = Some(now);
            }
            if let Some(live) = self.live.get_mut(&owner) {
                live.1 = Some(current);
            }
        }
        token
    }

    pub fn check(&self, token: &str, now: i64) -> Result<Owner, TokenError> {
        let entry = self.entries.get(token).ok_or(TokenError::Invalid)?;
        if let Some(replaced_at) = entry.replaced_at
            && now >= replaced_at + OVERLAP_SECS
            && now < entry.expires_at
        {
            return Err(TokenError::Invalid);
        }
        if now >= entry.expires_at {
            return Err(TokenError::Expired);
        }
        Ok(entry.owner)
    }

    /// Forgets every token of `owner` (re-authorization issues new ones).
    pub fn forget(&mut self, owner: Owner) {
        if let Some((current, previous)) = self.live.remove(&owner) {
            self.entries.remove(&current);
            if let Some(previous) = previous {
                self.entries.remove(&previous);
            }
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spelled_token_is_stable_and_differs_by_seed() {
        let token = spell_token("refreshtoken@@@", 43, 42);
        assert_eq!(token, spell_token("refreshtoken@@@", 43, 42));
        assert_ne!(token, spell_token("refreshtoken@@@", 43, 43));
        assert_eq!(token.len(), "refreshtoken@@@".len() + 43);
        assert!(token["refreshtoken@@@".len()..].bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn a_token_expires_after_7200_seconds() {
        let mut tokens = Tokens::default();
        let token = tokens.issue(Owner::Component, 1000);
        assert_eq!(tokens.check(&token, 1000 + 7199), Ok(Owner::Component));
        assert_eq!(tokens.check(&token, 1000 + 7200), Err(TokenError::Expired));
        assert_eq!(tokens.check("nonsense", 1000), Err(TokenError::Invalid));
    }

    #[test]
    fn a_replaced_token_keeps_working_for_300_seconds() {
        let mut tokens = Tokens::default();
        let first = tokens.issue(Owner::Authorizer(3), 0);
        let second = tokens.issue(Owner::Authorizer(3), 100);
        assert_eq!(tokens.check(&first, 399), Ok(Owner::Authorizer(3)));
        assert_eq!(tokens.check(&first, 400), Err(TokenError::Invalid));
        assert_eq!(tokens.check(&second, 400), Ok(Owner::Authorizer(3)));
        let third = tokens.issue(Owner::Authorizer(3), 500);
        assert_eq!(
            tokens.check(&first, 100),
            Err(TokenError::Invalid),
            "the token before last is forgotten"
        );
        assert_eq!(tokens.check(&third, 500), Ok(Owner::Authorizer(3)));
        assert_eq!(tokens.len(), 2);
    }

    #[test]
    fn forgetting_an_owner_drops_its_tokens() {
        let mut tokens = Tokens::default();
        let token = tokens.issue(Owner::Authorizer(1), 0);
        let other = tokens.issue(Owner::Component, 0);
        tokens.forget(Owner::Authorizer(1));
        assert_eq!(tokens.check(&token, 1), Err(TokenError::Invalid));
        assert_eq!(tokens.check(&other, 1), Ok(Owner::Component));
    }
}
