//! The console's egui side: AppState with its pure `apply`, the panels, widgets, i18n, theme and fonts.

/// Opens the console window.
pub fn run_console() -> anyhow::Result<()> {
    anyhow::bail!("the console is not built yet")
}
