//! The `wxdesk` command line: no subcommand opens the console; `hub …` runs the hub; `sim …` runs the simulator.

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
        None => wxdesk::ui::run_console(),
        Some(Command::Hub(args)) => runtime()?.block_on(wxdesk::hub::cli::run(args)),
        Some(Command::Sim(args)) => runtime()?.block_on(wxdesk::sim::cli::run(args)),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}
