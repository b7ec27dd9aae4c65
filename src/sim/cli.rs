//! `wxdesk sim`: the simulator's command line. Prints one JSON ready line on stdout, then serves until Ctrl-C.

use std::net::{IpAddr, SocketAddr};

use super::{SimConfig, start};

/// Flags of `wxdesk sim` (DESIGN.md, the simulator contract).
#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Address to listen on; port 0 picks a free one (the ready line says which).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// The authorization-event URL that receives tickets and authorization events.
    #[arg(long)]
    pub event_url: Option<String>,
    /// The message URL that receives audit results (`$APPID$` is replaced by the authorizer appid).
    #[arg(long)]
    pub message_url: Option<String>,
    /// How many merchant accounts (mini programs and official accounts) to seed.
    #[arg(long, default_value_t = 200)]
    pub merchants: usize,
    /// Simulated seconds between two component_verify_ticket pushes.
    #[arg(long, default_value_t = 600)]
    pub ticket_interval_secs: u64,
    /// Caller IPs allowed on component APIs; others get 61004. Without it every caller is allowed.
    #[arg(long, value_delimiter = ',')]
    pub whitelist: Option<Vec<IpAddr>>,
    /// Seed of the merchant names and appids.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How much faster than real time the simulated clock runs.
    #[arg(long, default_value_t = 1.0)]
    pub clock_speed: f64,
    /// Seed templates, pre-authorized merchants and audits in every state, as the console's sandbox does.
    #[arg(long)]
    pub demo: bool,
    /// With --demo: how many of the first merchants start authorized.
    #[arg(long, default_value_t = super::seed::DEMO_AUTHORIZED)]
    pub demo_authorized: usize,
}

pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    let without_urls = args.event_url.is_none();
    let config = SimConfig {
        listen: args.listen,
        event_url: args.event_url,
        message_url: args.message_url,
        merchants: args.merchants,
        ticket_interval_secs: args.ticket_interval_secs,
        whitelist: args.whitelist,
        seed: args.seed,
        clock_speed: args.clock_speed,
        provider: None,
        demo: args.demo,
        demo_authorized: args.demo_authorized,
        ..SimConfig::default()
    };
    let handle = start(config).await?;
    let mut line = serde_json::to_value(handle.ready())?;
    if without_urls && let Some(map) = line.as_object_mut() {
        let hint = format!(
            "no --event-url: pushes go nowhere. Point them at a receiver with POST {}/__sim/config \
             {{\"event_url\":…,\"message_url\":…}}, or restart with --event-url URL",
            handle.ready().api_base
        );
        map.insert("hint".into(), hint.into());
    }
    println!("{line}");
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(())
}
