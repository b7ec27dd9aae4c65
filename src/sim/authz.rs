//! Authorization (wechat-api.md §2, §11.2): pre_auth_codes, what a merchant's confirm does, auth_codes,
//! revocation, and the pushes each of them sends.

use std::sync::Arc;

use super::merchants::Kind;
use super::permissions;
use super::push;
use super::state::Sim;
use super::tokens::{Owner, random_token, spell_token};

/// §1.3: 600 s, single use.
pub const PRE_AUTH_LIFETIME_SECS: i64 = 600;
/// §2.4: the redirect says `expires_in=600`.
pub const AUTH_CODE_LIFETIME_SECS: i64 = 600;

#[derive(Debug, Clone)]
pub struct PreAuth {
    pub expires_at: i64,
    pub used: bool,
}

#[derive(Debug, Clone)]
pub struct AuthCode {
    pub index: u32,
    pub expires_at: i64,
    pub used: bool,
}

#[derive(Debug, Clone)]
pub struct Authorization {
    /// Shared between authorizations that granted the same sets (the sandbox seeds 100,000 alike).
    pub func_ids: Arc<[u16]>,
    /// Spells the refresh token (§0.1: it stays the same until the merchant cancels and authorizes again); kept as
    /// a number rather than 58 characters so that 100,000 authorizations stay small.
    refresh_seed: u64,
    pub auth_time: i64,
    pub revoked: bool,
}

impl Authorization {
    pub fn refresh_token(&self) -> String {
        spell_token("refreshtoken@@@", 43, self.refresh_seed)
    }
}

/// Why a confirm on the authorization page (or `/__sim/authorize`) did not go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizeError {
    UnknownPreAuth,
    UsedPreAuth,
    ExpiredPreAuth,
    UnknownAccount,
}

impl AuthorizeError {
    /// What the page tells the merchant.
    pub fn zh(self) -> &'static str {
        match self {
            Self::UnknownPreAuth => "授权链接无效，请联系服务商重新生成授权链接。",
            Self::UsedPreAuth => "该授权链接已被使用，请联系服务商重新生成授权链接。",
            Self::ExpiredPreAuth => "授权链接已过期，请联系服务商重新生成授权链接。",
            Self::UnknownAccount => "所选账号不存在或不可授权。",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Self::UnknownPreAuth => "unknown pre_auth_code",
            Self::UsedPreAuth => "pre_auth_code already used",
            Self::ExpiredPreAuth => "pre_auth_code expired",
            Self::UnknownAccount => "no such authorizable account",
        }
    }
}

/// The result of a confirm: the code for the redirect and the account it is for.
#[derive(Debug, Clone)]
pub struct Authorized {
    pub auth_code: String,
    pub appid: String,
    pub func_ids: Vec<u16>,
}

impl Sim {
    pub fn create_preauth(&mut self, now: i64) -> String {
        let code = random_token("preauthcode@@@", 86);
        self.preauth.insert(
            code.clone(),
            PreAuth {
                expires_at: now + PRE_AUTH_LIFETIME_SECS,
                used: false,
            },
        );
        code
    }

    /// Checks that a pre_auth_code can still be used, without using it (the page's GET).
    pub fn check_preauth(&self, code: &str, now: i64) -> Result<(), AuthorizeError> {
        let preauth = self.preauth.get(code).ok_or(AuthorizeError::UnknownPreAuth)?;
        if preauth.used {
            return Err(AuthorizeError::UsedPreAuth);
        }
        if now >= preauth.expires_at {
            return Err(AuthorizeError::ExpiredPreAuth);
        }
        Ok(())
    }

    pub fn is_authorized(&self, index: u32) -> bool {
        self.authorizations.get(&index).is_some_and(|a| !a.revoked)
    }

    /// What a merchant's confirm does: uses the pre_auth_code, grants the sets, issues an auth_code, pushes.
    pub fn authorize(
        &mut self,
        now: i64,
        pre_auth_code: &str,
        index: u32,
        requested: &[u16],
    ) -> Result<Authorized, AuthorizeError> {
        self.check_preauth(pre_auth_code, now)?;
        if index >= self.merchants.count() {
            return Err(AuthorizeError::UnknownAccount);
        }
        if let Some(preauth) = self.preauth.get_mut(pre_auth_code) {
            preauth.used = true;
        }
        Ok(self.grant(now, index, requested, Some(pre_auth_code)))
    }

    /// Grants `requested` sets to the platform and pushes `authorized` (first time or after a revocation) or
    /// `updateauthorized` (sets changed; nothing when unchanged) — §2.4, §4.2. Without a pre_auth_code (accounts
    /// created by registration) nothing is pushed here: the registration result carries the auth_code.
    pub fn grant(&mut self, now: i64, index: u32, requested: &[u16], pre_auth_code: Option<&str>) -> Authorized {
        let (info_type, func_ids) = self.record_grant(now, index, requested);
        let auth_code = self.issue_auth_code(now, index);
        let appid = self.merchants.appid(index);
        if let (Some(info_type), Some(pre_auth_code)) = (info_type, pre_auth_code) {
            let fields = [
                push::cdata("AuthorizerAppid", &appid),
                push::cdata("AuthorizationCode", &auth_code),
                push::number("AuthorizationCodeExpiredTime", now + AUTH_CODE_LIFETIME_SECS),
                push::cdata("PreAuthCode", pre_auth_code),
            ];
            self.push(push::event(&self.provider.component_appid, now, info_type, &fields));
        }
        Authorized {
            auth_code,
            appid,
            func_ids,
        }
    }

    /// Records the grant of `requested` sets without a code or a push (the sandbox's pre-authorized merchants):
    /// returns the push it would make, if any, and the sets granted.
    pub fn record_grant(&mut self, now: i64, index: u32, requested: &[u16]) -> (Option<&'static str>, Vec<u16>) {
        let kind = self.merchants.kind(index);
        let func_ids = permissions::grantable(kind, requested);
        let info_type = match self.authorizations.get_mut(&index) {
            Some(existing) if !existing.revoked => {
                let changed = *existing.func_ids != *func_ids;
                existing.func_ids = Arc::from(func_ids.as_slice());
                changed.then_some("updateauthorized")
            }
            _ => {
                // A new authorization gets a new refresh token; the tokens of a cancelled one are gone (§0.1).
                self.tokens.forget(Owner::Authorizer(index));
                let authorization = Authorization {
                    func_ids: self.shared_func_ids(&func_ids),
                    refresh_seed: rand::random(),
                    auth_time: now,
                    revoked: false,
                };
                self.authorizations.insert(index, authorization);
                Some("authorized")
            }
        };
        (info_type, func_ids)
    }

    /// The same sets as the last grant share its list.
    fn shared_func_ids(&mut self, func_ids: &[u16]) -> Arc<[u16]> {
        match &self.last_func_ids {
            Some(last) if **last == *func_ids => last.clone(),
            _ => {
                let shared: Arc<[u16]> = Arc::from(func_ids);
                self.last_func_ids = Some(shared.clone());
                shared
            }
        }
    }

    pub fn issue_auth_code(&mut self, now: i64, index: u32) -> String {
        let code = random_token("queryauthcode@@@", 86);
        self.auth_codes.insert(
            code.clone(),
            AuthCode {
                index,
                expires_at: now + AUTH_CODE_LIFETIME_SECS,
                used: false,
            },
        );
        code
    }

    /// The merchant cancels: later calls for the account answer `61003`, and `unauthorized` is pushed (§4.2).
    pub fn unauthorize(&mut self, now: i64, index: u32) -> bool {
        let Some(authorization) = self.authorizations.get_mut(&index).filter(|a| !a.revoked) else {
            return false;
        };
        authorization.revoked = true;
        let appid = self.merchants.appid(index);
        let fields = [push::cdata("AuthorizerAppid", &appid)];
        self.push(push::event(
            &self.provider.component_appid,
            now,
            "unauthorized",
            &fields,
        ));
        true
    }

    /// The first seeded accounts of `kind` that are not authorized yet, optionally filtered by a search text.
    pub fn authorizable(&self, kinds: &[Kind], search: &str, limit: usize) -> Vec<u32> {
        let search = search.trim();
        (0..self.merchants.count())
            .filter(|index| kinds.contains(&self.merchants.kind(*index)) && !self.is_authorized(*index))
            .filter(|index| {
                // The 全网发布 test accounts (§14.2) are the platform's own: offered only to who names one.
                if self.merchants.is_fixed(*index) {
                    return self.merchants.profile(*index).appid == search;
                }
                if search.is_empty() {
                    return true;
                }
                let profile = self.merchants.profile(*index);
                profile.nick_name.contains(search) || profile.principal_name.contains(search) || profile.appid == search
            })
            .take(limit)
            .collect()
    }
}

/// The account kinds a page with this `auth_type` lists (§2.3); `biz_appid` wins over it.
pub fn kinds_for(auth_type: Option<&str>) -> Vec<Kind> {
    match auth_type.map(str::trim) {
        Some("1") => vec![Kind::OfficialAccount],
        Some("2") => vec![Kind::Miniprogram],
        // 4, 5 and 8 list promoter, Channels and sales-assistant accounts, which the simulator does not seed.
        Some("4" | "5" | "8") => Vec::new(),
        _ => vec![Kind::OfficialAccount, Kind::Miniprogram],
    }
}

/// `func_info` of §1.4: `[{"funcscope_category":{"id":N}}, …]`.
pub fn func_info(func_ids: &[u16]) -> serde_json::Value {
    func_ids
        .iter()
        .map(|id| serde_json::json!({"funcscope_category": {"id": id}}))
        .collect()
}
