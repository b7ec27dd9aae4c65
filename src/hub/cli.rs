//! `wxdesk hub`: serve, `init` a production config, `check` the 全网发布 readiness of a running hub, and manage
//! operators (`operator add|list|revoke`).

use std::path::PathBuf;

use anyhow::Context as _;

use super::logging::{self, LogFormat};
use super::store::Store;
use super::{ConfigFile, EXAMPLE_CONFIG, operators};
use crate::wechat::calendar::utc_datetime as utc;

/// Flags of `wxdesk hub` (DESIGN.md, the hub contract).
#[derive(Debug, clap::Args)]
pub struct HubArgs {
    /// The hub's TOML configuration (secrets come from WXDESK_* variables or the *_file keys, never from it).
    #[arg(long, global = true, env = "WXDESK_HUB_CONFIG", default_value = "hub.toml")]
    config: PathBuf,
    /// How log lines are written on stderr (overrides the config's `log_format`); `json` gives one object a line.
    #[arg(long, value_enum, env = "WXDESK_LOG_FORMAT")]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Option<HubCommand>,
}

#[derive(Debug, clap::Subcommand)]
enum HubCommand {
    /// Write a commented production configuration to the --config path.
    Init {
        /// Replace a file that already exists at that path.
        #[arg(long)]
        force: bool,
    },
    /// Ask the running hub whether the platform is ready for 全网发布 (wechat-api.md §14.1); exits 1 when an item
    /// is red, 2 when the hub cannot be asked. The operator key comes from WXDESK_OPERATOR_KEY.
    Check {
        /// The hub's URL; by default the config's `listen` address on this machine.
        #[arg(long)]
        url: Option<String>,
    },
    /// Manage the operators whose keys open the console API.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
}

#[derive(Debug, clap::Subcommand)]
enum OperatorCommand {
    /// Add an operator and print its key once (only a hash of it is stored).
    Add { name: String },
    /// List operators (names and dates; keys are not stored).
    List,
    /// Revoke an operator's key.
    Revoke { name: String },
}

pub async fn run(args: HubArgs) -> anyhow::Result<()> {
    match args.command {
        None => serve(args.config, args.log_format).await,
        Some(HubCommand::Init { force }) => init(&args.config, force),
        Some(HubCommand::Check { url }) => {
            let code = check(&args.config, url).await;
            std::process::exit(code);
        }
        Some(HubCommand::Operator { command }) => operator(&args.config, command),
    }
}

async fn serve(config_path: PathBuf, log_format: Option<LogFormat>) -> anyhow::Result<()> {
    let file = ConfigFile::load(&config_path)?;
    // Logs go to stderr: stdout carries the one ready line that scripts and service managers read.
    logging::init(log_format.or(file.log_format).unwrap_or_default());
    let secrets = file.secrets(|name| std::env::var(name).ok())?;
    let hub = super::start_with_jobs(file.config, secrets, file.jobs).await?;
    let metrics_url = hub.metrics_addr().map(|addr| format!("http://{addr}/metrics"));
    println!(
        "{}",
        serde_json::json!({ "url": hub.url(), "metrics_url": metrics_url })
    );
    shutdown_signal().await;
    tracing::info!("stopping");
    hub.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term.recv() => {},
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// `wxdesk hub check`: the running hub's readiness, one line per item; the exit code says whether it is ready.
async fn check(config_path: &std::path::Path, url: Option<String>) -> i32 {
    match readiness(config_path, url).await {
        Ok(readiness) => {
            for item in &readiness.items {
                let mark = match item.level {
                    crate::hubapi::Level::Green => "ok  ",
                    crate::hubapi::Level::Amber => "warn",
                    crate::hubapi::Level::Red => "FAIL",
                };
                println!("{mark} {:<15} {}", item.key, item.detail);
                for line in item.value.iter().flat_map(|v| v.lines()) {
                    println!("     {:<15} {line}", "");
                }
            }
            if readiness.ready {
                println!("ready: no item is red");
                0
            } else {
                println!("not ready: fix the FAIL items above");
                1
            }
        }
        Err(error) => {
            eprintln!("wxdesk hub check: {error:#}");
            2
        }
    }
}

async fn readiness(config_path: &std::path::Path, url: Option<String>) -> anyhow::Result<crate::hubapi::Readiness> {
    let url = match url {
        Some(url) => url,
        None => {
            let file = ConfigFile::load(config_path)?;
            let listen = file.config.listen;
            // A hub listening on every address is asked on this machine.
            let host = match listen.ip().is_unspecified() {
                true => "127.0.0.1".to_owned(),
                false => listen.ip().to_string(),
            };
            format!("http://{host}:{}", listen.port())
        }
    };
    let key = std::env::var("WXDESK_OPERATOR_KEY")
        .context("set WXDESK_OPERATOR_KEY to an operator key (wxdesk hub operator add NAME prints one)")?;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/readiness", url.trim_end_matches('/')))
        .bearer_auth(key.trim())
        .timeout(std::time::Duration::from_secs(60))
        .send()
        .await
        .with_context(|| format!("the hub at {url} did not answer"))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        anyhow::bail!("the hub at {url} answered HTTP {status}: {body}");
    }
    response
        .json()
        .await
        .context("the hub's answer is not a readiness report")
}

fn init(path: &std::path::Path, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        anyhow::bail!(
            "{} already exists; not overwriting it (pass --force to replace it)",
            path.display()
        );
    }
    std::fs::write(path, EXAMPLE_CONFIG).with_context(|| format!("writing {}", path.display()))?;
    println!(
        "wrote {}; edit it, give the hub its secrets (WXDESK_* variables or the *_file keys), then run `wxdesk hub`",
        path.display()
    );
    Ok(())
}

fn operator(config_path: &std::path::Path, command: OperatorCommand) -> anyhow::Result<()> {
    let file = ConfigFile::load(config_path)?;
    let store = Store::open(&file.config.database)?;
    let outcome = match command {
        OperatorCommand::Add { name } => operators::add_blocking(&store, &name).map(|key| {
            println!("{key}");
            eprintln!("operator {name} added; the key above is shown only this once");
        }),
        OperatorCommand::List => operators::list_blocking(&store).map(|rows| {
            for row in rows {
                let state = row
                    .revoked_at
                    .map_or("active".to_owned(), |at| format!("revoked at {}", utc(at)));
                println!("{}\tcreated at {}\t{state}", row.name, utc(row.created_at));
            }
        }),
        OperatorCommand::Revoke { name } => operators::revoke_blocking(&store, &name).and_then(|revoked| {
            if revoked {
                println!("operator {name} revoked");
                Ok(())
            } else {
                Err(operators::OperatorError::NotFound(name))
            }
        }),
    };
    store.close();
    Ok(outcome?)
}
