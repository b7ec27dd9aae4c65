//! `wxdesk sim`: the simulator's command line.

/// Flags of `wxdesk sim` (DESIGN.md, the simulator contract).
#[derive(Debug, clap::Args)]
pub struct SimArgs {}

pub async fn run(_args: SimArgs) -> anyhow::Result<()> {
    anyhow::bail!("the simulator is not built yet")
}
