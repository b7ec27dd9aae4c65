//! The authorize domain's state: the code on screen and its renewals, the codes this console issued (to recognise
//! its merchant's authorization), the presentation view, the simulated scan and the saved QR image.

use std::collections::VecDeque;
use std::path::PathBuf;

use super::FollowUps;
use crate::engine::protocol::Authorization;
use crate::engine::protocol::{
    AccountKind, AuthType, AuthorizeCommand, AuthorizeEvent, Command, PreAuthRequest, Preauth, RequestId,
};
use crate::ui::remote::Remote;

/// Renew the pre_auth_code this many seconds before it expires, so the code on screen always scans.
pub const RENEW_BEFORE_SECS: i64 = 60;
/// How many issued pre_auth_codes are remembered to recognise the merchant's authorization (a renewed code's
/// predecessor stays valid until it expires, and the merchant may have scanned it).
const CODES_REMEMBERED: usize = 8;

/// The line the presentation view shows once the merchant in front of the operator has authorized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizedNotice {
    pub appid: String,
    pub nick_name: String,
    pub func_ids: Vec<u32>,
    /// `updateauthorized`: the merchant changed an existing authorization.
    pub updated: bool,
    pub at: i64,
}

#[derive(Debug, Default)]
pub struct AuthorizeState {
    pub preauth: Remote<Preauth>,
    /// What the last `CreatePreauth` asked for; renewals ask the same.
    pub request: PreAuthRequest,
    /// Recently issued codes, newest last.
    issued_codes: VecDeque<String>,
    /// The presentation view is open: only then are codes renewed and authorizations announced.
    pub presenting: bool,
    pub authorized: Option<AuthorizedNotice>,
    pub scan: Remote<()>,
    pub qr_saved: Remote<PathBuf>,
}

impl AuthorizeState {
    pub fn apply(&mut self, event: AuthorizeEvent) {
        match event {
            AuthorizeEvent::PreauthCreated(reply) => {
                let code = reply.result.as_ref().ok().map(|p| p.pre_auth_code.clone());
                if self.preauth.finish(reply)
                    && let Some(code) = code
                {
                    self.issued_codes.push_back(code);
                    if self.issued_codes.len() > CODES_REMEMBERED {
                        self.issued_codes.pop_front();
                    }
                }
            }
            AuthorizeEvent::ScanSimulated(reply) => {
                self.scan.finish(reply);
            }
            AuthorizeEvent::QrSaved(reply) => {
                self.qr_saved.finish(reply);
            }
        }
    }

    pub fn sent(&mut self, id: RequestId, command: &AuthorizeCommand) {
        match command {
            AuthorizeCommand::CreatePreauth(request) => {
                self.request = request.clone();
                self.preauth.start_loading(id);
            }
            AuthorizeCommand::SimulateScan { .. } => self.scan.start_loading(id),
            AuthorizeCommand::SaveQrPng { .. } => self.qr_saved.start_loading(id),
        }
    }

    pub fn in_flight(&self, command: &AuthorizeCommand) -> bool {
        match command {
            // A code for another auth_type is a new question, not the same one asked twice.
            AuthorizeCommand::CreatePreauth(request) => self.preauth.is_loading() && *request == self.request,
            _ => false,
        }
    }

    /// A different hub: its codes and its merchants are not this one's.
    pub fn forget_hub(&mut self) {
        self.preauth = Remote::NotLoaded;
        self.issued_codes.clear();
        self.authorized = None;
        self.scan = Remote::NotLoaded;
    }

    /// The command that asks for a fresh code like the last one.
    pub fn renewal(&self) -> Command {
        Command::Authorize(AuthorizeCommand::CreatePreauth(self.request.clone()))
    }

    /// An authorization is the presented merchant's when it names a code this console issued. A hub that does not
    /// know the code (it is optional) gets the benefit of the doubt while the view is open.
    pub fn announce_if_ours(&mut self, event: &Authorization, updated: bool, at: i64, follow: &mut FollowUps) {
        if !self.presenting {
            return;
        }
        let code = event.pre_auth_code.as_deref();
        if code.is_some_and(|code| !self.issued_codes.iter().any(|issued| issued == code)) {
            return;
        }
        self.authorized = Some(AuthorizedNotice {
            appid: event.authorizer_appid.clone(),
            nick_name: event
                .nick_name
                .clone()
                .unwrap_or_else(|| event.authorizer_appid.clone()),
            func_ids: event.func_ids.iter().filter_map(|&id| u32::try_from(id).ok()).collect(),
            updated,
            at,
        });
        // A pre_auth_code is single use (§1.3): the next merchant needs a fresh one.
        let current = self.preauth.value().map(|p| p.pre_auth_code.as_str());
        if code.is_none() || code == current {
            follow.queue(self.renewal());
        }
    }

    /// Renews a code about to expire while the view is open.
    pub fn tick(&mut self, now: i64, follow: &mut FollowUps) {
        if let (true, Remote::Ready(preauth)) = (self.presenting, &self.preauth)
            && preauth.expires_at - now <= RENEW_BEFORE_SECS
        {
            follow.queue(self.renewal());
        }
    }

    /// Opens or closes the presentation view. Opening it asks for a code unless a usable one is on screen.
    pub fn set_presenting(&mut self, presenting: bool, now: i64, follow: &mut FollowUps) {
        self.presenting = presenting;
        if !presenting {
            self.authorized = None;
            return;
        }
        let usable = match &self.preauth {
            Remote::Ready(preauth) => preauth.expires_at - now > RENEW_BEFORE_SECS,
            Remote::Loading { .. } => true,
            _ => false,
        };
        if !usable {
            follow.queue(self.renewal());
        }
    }

    /// Seconds left before the code on screen expires (negative once expired).
    pub fn secs_left(&self, now: i64) -> Option<i64> {
        self.preauth.value().map(|p| p.expires_at - now)
    }

    /// The kind of seeded account a simulated scan authorizes, from what the code was made for.
    pub fn scan_kind(&self) -> AccountKind {
        match self.request.auth_type {
            AuthType::OfficialAccount => AccountKind::OfficialAccount,
            _ => AccountKind::MiniProgram,
        }
    }
}
