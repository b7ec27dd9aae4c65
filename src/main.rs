//! The `wxdesk` command line: no subcommand opens the console; `hub …` runs the hub; `sim …` runs the simulator.

mod probe;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "wxdesk",
    version,
    about = "Console, hub and simulator for a WeChat Open Platform third-party platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Report first-frame time, merchant count and frame times on stdout (benches/console_start.sh).
    #[arg(long, hide = true)]
    probe: bool,
    /// With --probe: the merchant count after which frame times are sampled.
    #[arg(long, hide = true, default_value_t = 0)]
    probe_merchants: usize,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the hub: receives WeChat's pushes, owns every token, relays the console's calls.
    Hub(wxdesk::hub::cli::HubArgs),
    /// Run the platform simulator on loopback.
    Sim(wxdesk::sim::cli::SimArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        None if cli.probe => {
            let expect = cli.probe_merchants;
            wxdesk::ui::run_console_wrapped(move |app| Box::new(probe::Probe::new(app, expect)))
        }
        None => wxdesk::ui::run_console(),
        Some(Command::Hub(args)) => runtime()?.block_on(wxdesk::hub::cli::run(args)),
        Some(Command::Sim(args)) => runtime()?.block_on(wxdesk::sim::cli::run(args)),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}
