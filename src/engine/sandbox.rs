//! The sandbox profile: a simulator seeded with demo merchants and a hub, both started in-process on loopback and
//! wired together the way WeChat and a real hub are (pushes, redirect, relay), plus an operator key for the console.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::hub::{HubConfig, HubHandle, HubSecrets, JobsConfig};
use crate::sim::{SimConfig, SimHandle};

use super::SandboxSize;
use super::client::HubClient;
use super::local::new_store_key;
use super::protocol::{AccountKind, EngineError, ErrorKind, Secret, SimulatedAudit};
use crate::hubapi::{HUB_OPERATOR, HubEventKind, JobId, JobKind, JobQuery, JobState};

/// How long the sandbox may take for the simulator's first ticket to reach the hub (it is pushed at once).
const TICKET_WAIT: Duration = Duration::from_secs(20);
/// How long the first merchant sync may take (100,000 benchmark merchants take about a minute).
const SYNC_WAIT: Duration = Duration::from_secs(600);
/// The sandbox's privacy scan after a commit, in seconds (a minute on the platform, §6.1), and how often its hub
/// looks again at such work (20 s by default): a deployment tried in the sandbox moves in seconds, not minutes.
/// Audits still take the platform's hours; the job page offers to end them.
const SANDBOX_SCAN_SECS: i64 = 3;
const SANDBOX_RECHECK_SECS: u64 = 1;

/// How to reach the sandbox's simulator and hub from a command task.
#[derive(Debug, Clone)]
pub struct Links {
    sim_base: String,
    hub_url: String,
    http: reqwest::Client,
}

/// The running sandbox.
pub struct Sandbox {
    sim: SimHandle,
    hub: HubHandle,
    key: Secret,
}

impl Sandbox {
    /// Starts the simulator and a hub with a fresh database in `dir`, points the simulator's pushes at the hub,
    /// adds the console's operator, waits for the first ticket and syncs the demo merchants.
    pub async fn start(dir: &Path, size: SandboxSize) -> Result<Sandbox, EngineError> {
        let sim = crate::sim::start(SimConfig {
            demo: true,
            merchants: size.merchants,
            demo_authorized: size.authorized,
            privacy_scan_secs: SANDBOX_SCAN_SECS,
            ..SimConfig::default()
        })
        .await
        .map_err(|e| startup(format!("the sandbox's simulator did not start: {e:#}")))?;
        let hub = match start_hub(&sim, dir).await {
            Ok(hub) => hub,
            Err(error) => {
                sim.shutdown().await;
                return Err(error);
            }
        };
        let hub_url = hub.url();
        sim.set_push_urls(
            Some(format!("{hub_url}/wechat/component")),
            Some(format!("{hub_url}/wechat/message/$APPID$")),
        );
        let sandbox = match hub.add_operator("sandbox") {
            Ok(key) => Sandbox {
                sim,
                hub,
                key: Secret::new(key),
            },
            Err(error) => {
                hub.shutdown().await;
                sim.shutdown().await;
                return Err(startup(format!("the sandbox's hub refused an operator: {error}")));
            }
        };
        if let Err(error) = sandbox.prepare().await {
            sandbox.shutdown().await;
            return Err(error);
        }
        Ok(sandbox)
    }

    /// Waits for the first ticket (the hub needs it for any component call), then syncs the seeded merchants.
    async fn prepare(&self) -> Result<(), EngineError> {
        let client = self.client()?;
        let deadline = tokio::time::Instant::now() + TICKET_WAIT;
        while client.status().await?.ticket.is_none() {
            if tokio::time::Instant::now() > deadline {
                return Err(startup("the simulator's ticket never reached the sandbox's hub"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The hub syncs by itself once it has a ticket (its start-up reconciliation); wait for that job's end, so
        // the console opens on a full merchant list. Starting one here as well would race with it: a second sync
        // would start whenever the first was already over, and run while the console opens.
        let query = JobQuery {
            kind: Some(JobKind::AuthorizerSync),
            state: None,
        };
        let deadline = tokio::time::Instant::now() + SYNC_WAIT;
        loop {
            let jobs = client.jobs(&query).await?.jobs;
            match jobs.iter().find(|job| job.created_by == HUB_OPERATOR) {
                Some(job) if job.state == JobState::Completed => {
                    return until_announced(&client, job.id, deadline).await;
                }
                Some(job) if job.state.is_final() || job.state == JobState::Halted => {
                    return Err(startup(format!(
                        "the sandbox's merchant sync ended {}: {}",
                        job.state.as_str(),
                        job.reason.as_deref().unwrap_or("no reason given")
                    )));
                }
                _ if tokio::time::Instant::now() > deadline => {
                    return Err(startup("the sandbox's merchant sync did not finish in time"));
                }
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    pub fn client(&self) -> Result<HubClient, EngineError> {
        HubClient::new(&self.hub.url(), self.key.clone())
    }

    pub fn links(&self) -> Links {
        Links {
            sim_base: format!("http://{}", self.sim.addr()),
            hub_url: self.hub.url(),
            http: reqwest::Client::new(),
        }
    }

    /// Stops the hub first (it stops accepting the simulator's pushes), then the simulator.
    pub async fn shutdown(self) {
        self.hub.shutdown().await;
        self.sim.shutdown().await;
    }
}

async fn start_hub(sim: &SimHandle, dir: &Path) -> Result<HubHandle, EngineError> {
    let ready = sim.ready();
    let database = fresh_database(dir)?;
    // The hub builds the redirect_uri from its public URL, so its port must be known before it starts.
    let listen = SocketAddr::new(Ipv4Addr::LOCALHOST.into(), free_port()?);
    let config = HubConfig {
        listen,
        metrics_listen: None,
        public_url: format!("http://{listen}"),
        database,
        api_base: ready.api_base.clone(),
        mp_base: ready.mp_base.clone(),
        open_base: ready.open_base.clone(),
        component_appid: ready.component_appid.clone(),
    };
    let secrets = HubSecrets {
        component_appsecret: ready.component_appsecret.clone().into(),
        token: ready.token.clone().into(),
        encoding_aes_key: ready.encoding_aes_key.clone().into(),
        previous_encoding_aes_key: None,
        store_key: new_store_key(),
    };
    let jobs = JobsConfig {
        recheck_secs: SANDBOX_RECHECK_SECS,
        ..JobsConfig::default()
    };
    crate::hub::start_with_jobs(config, secrets, jobs)
        .await
        .map_err(|e| startup(format!("the sandbox's hub did not start: {e}")))
}

/// The simulator starts with new credentials each time, so the sandbox's hub starts with an empty database.
fn fresh_database(dir: &Path) -> Result<PathBuf, EngineError> {
    std::fs::create_dir_all(dir).map_err(|e| startup(format!("cannot create {}: {e}", dir.display())))?;
    let database = dir.join("hub.sqlite");
    for suffix in ["", "-wal", "-shm"] {
        let mut name = database.clone().into_os_string();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(startup(format!("cannot reset the sandbox's database: {e}"))),
        }
    }
    Ok(database)
}

/// A loopback port nobody listens on right now.
fn free_port() -> Result<u16, EngineError> {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| startup(format!("no free loopback port: {e}")))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| startup(format!("no free loopback port: {e}")))
}

fn startup(message: impl Into<String>) -> EngineError {
    EngineError::new(ErrorKind::Startup, message)
}

/// What a merchant's scan and confirm does: the simulator's control API authorizes a seeded account of `kind`, then
/// the merchant's browser follows the redirect to the hub, which exchanges the code and lands the authorization.
pub async fn simulate_scan(
    links: &Links,
    pre_auth_code: &str,
    kind: AccountKind,
    func_ids: &[u32],
) -> Result<(), EngineError> {
    let body = serde_json::json!({
        "pre_auth_code": pre_auth_code,
        "redirect_uri": format!("{}/wechat/authorized", links.hub_url),
        "kind": kind.as_str(),
        "func_ids": func_ids,
    });
    let answer = control(links, "/__sim/authorize", &body, "the scan").await?;
    let redirect = answer
        .get("redirect_url")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| sim_error("the simulator's answer has no redirect_url"))?;
    let landing = links
        .http
        .get(redirect)
        .send()
        .await
        .map_err(|e| sim_error(format!("the hub did not answer: {e}")))?;
    if !landing.status().is_success() {
        return Err(sim_error(format!(
            "the hub's landing page answered HTTP {}",
            landing.status()
        )));
    }
    Ok(())
}

fn sim_error(message: impl Into<String>) -> EngineError {
    EngineError::new(ErrorKind::Network, message)
}

/// Ends the running audits of `appids` on the simulated platform, which pushes each result to the hub as WeChat
/// would (§4.3); a rejection carries the simulator's numbered reasons and screenshots. Answers how many it ended.
/// Stops at the first refusal (a mini program with no audit running), naming it; those before it stay ended.
pub async fn resolve_audits(links: &Links, appids: &[String], outcome: SimulatedAudit) -> Result<usize, EngineError> {
    for appid in appids {
        let body = serde_json::json!({ "authorizer_appid": appid, "outcome": outcome.as_str() });
        control(links, "/__sim/audit/resolve", &body, &format!("ending {appid}'s audit")).await?;
    }
    Ok(appids.len())
}

/// The simulated person finishes registration `task` with this §4.2 status (0: created); the simulator pushes the
/// result to the hub as WeChat would. A reuse of an official account (§8.6) has no task on the platform: the
/// administrator's confirm yields a ticket, which the browser brings to the hub's redirect; to fail, it brings a
/// ticket the platform never issued (`61058`).
pub async fn resolve_registration(
    links: &Links,
    task: &crate::engine::protocol::Registration,
    status: i64,
) -> Result<(), EngineError> {
    if task.kind != crate::engine::protocol::RegistrationKind::ReuseOfficialAccount {
        let body = serde_json::json!({ "task_id": task.taskid, "status": status });
        control(
            links,
            "/__sim/registration/resolve",
            &body,
            "ending the registration task",
        )
        .await?;
        return Ok(());
    }
    let link = url::Url::parse(&task.authorize_url).map_err(|e| sim_error(format!("the task's link: {e}")))?;
    let pair = |name: &str| link.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.into_owned());
    let (Some(official_account), Some(redirect)) = (pair("appid"), pair("redirect_uri")) else {
        return Err(sim_error("the task's link names no official account or redirect_uri"));
    };
    let ticket = match status {
        0 => {
            let body = serde_json::json!({ "authorizer_appid": official_account });
            let answer = control(links, "/__sim/oa-ticket", &body, "the administrator's confirm").await?;
            answer["ticket"].as_str().unwrap_or_default().to_owned()
        }
        _ => "never-issued".to_owned(),
    };
    let mut landing = url::Url::parse(&redirect).map_err(|e| sim_error(format!("the redirect_uri: {e}")))?;
    landing.query_pairs_mut().append_pair("ticket", &ticket);
    // The page answers 502 when WeChat refused: that is the failure played, not an error of the sandbox.
    links
        .http
        .get(landing)
        .send()
        .await
        .map_err(|e| sim_error(format!("the hub did not answer: {e}")))?;
    Ok(())
}

/// The platform's reviewer ends the name audits of `appid` (§8.7.1); the simulator pushes `wxa_nickname_audit`.
pub async fn resolve_name_review(links: &Links, appid: &str, approve: bool) -> Result<(), EngineError> {
    let body = serde_json::json!({ "authorizer_appid": appid, "approve": approve });
    control(links, "/__sim/nickname/resolve", &body, "ending the name review").await?;
    Ok(())
}

/// POSTs `body` to the simulator's control API at `path` and reads its JSON answer; `what` names the request in
/// the errors (the simulator answers `{"error": "…"}` when it refuses).
async fn control(
    links: &Links,
    path: &str,
    body: &serde_json::Value,
    what: &str,
) -> Result<serde_json::Value, EngineError> {
    let response = links
        .http
        .post(format!("{}{path}", links.sim_base))
        .json(body)
        .send()
        .await
        .map_err(|e| sim_error(format!("the simulator did not answer: {e}")))?;
    let status = response.status();
    let answer: serde_json::Value = response
        .json()
        .await
        .map_err(|e| sim_error(format!("the simulator's answer is not JSON: {e}")))?;
    if !status.is_success() {
        let reason = answer
            .get("error")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("no reason given");
        return Err(sim_error(format!("the simulator refused {what}: {reason}")));
    }
    Ok(answer)
}

/// Waits until the event log holds the `job_progress` that says the start-up sync completed. The hub commits the
/// job's state before it sends that event, and the console reads events after the newest one when it connects: with
/// the event in the log first, every console starts from the same place, not from a race.
async fn until_announced(client: &HubClient, id: JobId, deadline: tokio::time::Instant) -> Result<(), EngineError> {
    let mut after = 0;
    loop {
        let page = client.events(after, 0).await?;
        let announced = page.events.iter().any(|event| {
            matches!(&event.kind, HubEventKind::JobProgress(job) if job.id == id && job.state == JobState::Completed)
        });
        if announced {
            return Ok(());
        }
        if page.next > after {
            after = page.next;
            continue;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(startup(
                "the sandbox's merchant sync finished but never said so on the event stream",
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
