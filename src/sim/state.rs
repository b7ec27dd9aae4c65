//! The whole simulated platform in one struct, and the ticker that moves it along the simulated clock.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::api::account::Account;
use super::api::policy::AuditPolicy;
use super::api::register::Registrations;
use super::api::templates::Library;
use super::authz::{AuthCode, Authorization, PreAuth};
use super::journal::Journal;
use super::merchants::Merchants;
use super::push::{self, Push};
use super::tokens::{Tokens, random_token};
use super::{Provider, Shared, SimConfig};

/// §1.1: a ticket stays valid for 12 h; the platform keeps the last few.
pub const TICKET_LIFETIME_SECS: i64 = 12 * 3600;
const TICKETS_KEPT: usize = 16;
/// How often the ticker looks at the simulated clock (real time).
const TICK: Duration = Duration::from_millis(100);

/// §6.13 `queryquota`: the platform's monthly submit_audit and speed-up budget, shared by its mini programs.
#[derive(Debug, Clone)]
pub struct AuditQuota {
    pub rest: i64,
    pub limit: i64,
    pub speedup_rest: i64,
    pub speedup_limit: i64,
}

/// One customer-service message an authorizer sent (§14.2 `custom/send`).
#[derive(Debug, Clone)]
pub struct CustomMessage {
    pub index: u32,
    pub touser: String,
    pub content: String,
}

#[derive(Debug)]
pub struct Sim {
    pub provider: Provider,
    pub whitelist: Option<Vec<IpAddr>>,
    pub merchants: Merchants,
    pub tokens: Tokens,
    /// (ticket, pushed at), newest last.
    pub tickets: VecDeque<(String, i64)>,
    pub ticket_interval_secs: i64,
    pub next_ticket_at: i64,
    pub preauth: HashMap<String, PreAuth>,
    pub auth_codes: HashMap<String, AuthCode>,
    pub authorizations: HashMap<u32, Authorization>,
    /// The permission-set list of the last grant, shared by the next grant of the same sets.
    pub last_func_ids: Option<std::sync::Arc<[u16]>>,
    /// Mutable per-account state (code, domains, settings), created when an account is first touched.
    pub accounts: HashMap<u32, Account>,
    pub library: Library,
    pub quota: AuditQuota,
    pub next_auditid: i64,
    pub registrations: Registrations,
    pub platform_domains: super::api::domains::PlatformDomains,
    /// §1.9: quota resets used this month (10 allowed, shared by the variants).
    pub quota_resets: u32,
    /// How audits end on their own (`POST /__sim/audit/policy`); without one they are approved after `AUDIT_SECS`.
    pub audit_policy: Option<AuditPolicy>,
    /// `SimConfig::privacy_scan_secs`.
    pub privacy_scan_secs: i64,
    /// The simulated calendar month (`clock::month_index`) the monthly counters belong to.
    pub month: i64,
    pub journal: Journal,
    /// Customer-service messages sent (`custom/send`, §14.2), newest last.
    pub custom_messages: Vec<CustomMessage>,
    pushes: UnboundedSender<Push>,
    last_sweep: i64,
}

impl Sim {
    pub fn new(config: &SimConfig, provider: Provider, pushes: UnboundedSender<Push>, now: i64) -> Self {
        Self {
            provider,
            whitelist: config.whitelist.clone(),
            merchants: test_accounts(Merchants::new(config.seed, config.merchants)),
            tokens: Tokens::default(),
            tickets: VecDeque::new(),
            ticket_interval_secs: i64::try_from(config.ticket_interval_secs.max(1)).unwrap_or(600),
            next_ticket_at: now,
            preauth: HashMap::new(),
            auth_codes: HashMap::new(),
            authorizations: HashMap::new(),
            last_func_ids: None,
            accounts: HashMap::new(),
            library: Library::seeded(now),
            quota: AuditQuota {
                rest: 20,
                limit: 20,
                speedup_rest: 3,
                speedup_limit: 3,
            },
            next_auditid: 412_000_001,
            registrations: Registrations::default(),
            platform_domains: Default::default(),
            quota_resets: 0,
            audit_policy: None,
            privacy_scan_secs: config.privacy_scan_secs.max(0),
            month: super::clock::month_index(now),
            journal: Journal::default(),
            custom_messages: Vec::new(),
            pushes,
            last_sweep: now,
        }
    }

    /// Queues a push; the pusher task delivers it after the lock is released.
    pub fn push(&self, push: Push) {
        // The receiver lives as long as the simulator; after shutdown there is nobody to push to.
        let _ = self.pushes.send(push);
    }

    /// Issues a fresh `component_verify_ticket` without pushing it (§1.1); the caller delivers it.
    pub fn issue_ticket(&mut self, now: i64) -> String {
        let ticket = random_token("ticket@@@", 86);
        if self.tickets.len() == TICKETS_KEPT {
            self.tickets.pop_front();
        }
        self.tickets.push_back((ticket.clone(), now));
        self.next_ticket_at = now + self.ticket_interval_secs;
        ticket
    }

    /// Issues a fresh `component_verify_ticket` and pushes it to the authorization-event URL (§1.1, §4.2).
    pub fn push_ticket(&mut self, now: i64) -> String {
        let ticket = self.issue_ticket(now);
        let fields = [push::cdata("ComponentVerifyTicket", &ticket)];
        self.push(push::event(
            &self.provider.component_appid,
            now,
            "component_verify_ticket",
            &fields,
        ));
        ticket
    }

    pub fn account(&mut self, index: u32) -> &mut Account {
        self.accounts.entry(index).or_default()
    }

    /// Starts a new month's counters when `now` is in a later simulated month than the last call or tick saw: the
    /// audit quota and speed-ups (§6.13), withdrawals (§6.8), quota resets (§1.9), name, avatar, intro and category
    /// changes (§8.7) and reuse-OA registrations (§8.6) are all counted per month.
    pub fn roll_month(&mut self, now: i64) {
        let month = super::clock::month_index(now);
        if month <= self.month {
            return;
        }
        self.month = month;
        self.quota.rest = self.quota.limit;
        self.quota.speedup_rest = self.quota.speedup_limit;
        self.quota_resets = 0;
        self.registrations.oa_registrations.clear();
        for account in self.accounts.values_mut() {
            account.new_month();
        }
    }

    /// Moves everything that is due at `now`: the month, the ticket, audits, registrations, expired codes.
    pub fn tick(&mut self, now: i64) {
        self.roll_month(now);
        if now >= self.next_ticket_at {
            self.push_ticket(now);
        }
        super::api::code::tick(self, now);
        super::api::register::tick(self, now);
        if now - self.last_sweep >= 60 {
            self.last_sweep = now;
            self.preauth.retain(|_, code| code.expires_at + 3600 > now);
            self.auth_codes.retain(|_, code| code.expires_at + 3600 > now);
        }
    }
}

/// The ten accounts of the 全网发布 access check (§14.2), which exist on every platform, after the seeded ones.
fn test_accounts(mut merchants: Merchants) -> Merchants {
    for (group, account, is_mini_program) in crate::wechat::release_check::accounts() {
        let (kind, label) = match is_mini_program {
            true => (super::merchants::Kind::Miniprogram, "小程序"),
            false => (super::merchants::Kind::OfficialAccount, "公众号"),
        };
        let name = format!("全网发布测试{label}{}", group.group);
        merchants.add_fixed(account.appid, account.user_name, kind, name);
    }
    merchants
}

/// Runs `Sim::tick` on the simulated clock until the simulator stops.
pub async fn tick_forever(shared: Arc<Shared>) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        interval.tick().await;
        let now = shared.clock.now();
        shared.sim().tick(now);
    }
}
