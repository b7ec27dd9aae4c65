//! `wxdesk hub`: the hub's command line.

/// Flags of `wxdesk hub` (DESIGN.md, the hub contract).
#[derive(Debug, clap::Args)]
pub struct HubArgs {}

pub async fn run(_args: HubArgs) -> anyhow::Result<()> {
    anyhow::bail!("the hub is not built yet")
}
