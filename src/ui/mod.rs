//! The console's egui side: AppState with its pure `apply`, the panels, widgets, i18n, theme and fonts.
//!
//! Data flow (DESIGN.md "Data flow in the console"): a view pushes `Command`s; at the frame's end the shell sends them
//! to the engine; the engine answers with `Event`s, drained once per frame into `AppState::apply`. Nothing under
//! `src/ui` does IO.

pub mod app;
pub mod deploy_plan;
pub mod deploy_ready;
pub mod fonts;
pub mod i18n;
pub mod merchant_index;
pub mod platform_text;
pub mod prefs;
pub mod qr;
pub mod remote;
pub mod state;
pub mod theme;
pub mod time_text;
pub mod views;
pub mod widgets;

use crate::engine::Engine;

/// The window's size on first run; afterwards eframe restores the last one.
const INITIAL_SIZE: [f32; 2] = [1280.0, 800.0];

/// Opens the console window on the engine started from the environment's configuration.
pub fn run_console() -> anyhow::Result<()> {
    run_console_wrapped(|app| Box::new(app))
}

/// Opens the console with `wrap` around the app: the startup probe that `benches/console_start.sh` runs
/// (`wxdesk --probe`) watches the real window's frames this way.
pub fn run_console_wrapped(wrap: impl FnOnce(app::ConsoleApp) -> Box<dyn eframe::App> + 'static) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("wxdesk")
            .with_app_id("wxdesk")
            .with_inner_size(INITIAL_SIZE)
            .with_min_inner_size([900.0, 560.0]),
        ..Default::default()
    };
    eframe::run_native(
        "wxdesk",
        options,
        Box::new(|cc| {
            let ctx = cc.egui_ctx.clone();
            let engine = Engine::start(move || ctx.request_repaint())?;
            Ok(wrap(app::ConsoleApp::new(cc, engine)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the console window failed: {e}"))
}
