//! Shared by the console tests: the real `ConsoleApp` in an egui_kittest harness, driving the real engine against
//! the in-process sandbox (a simulator and a hub on loopback, the same intake, crypto, token and relay code as
//! production). Secrets go to an in-memory store and data to a temporary directory, so a test never touches the
//! operator's keychain or files.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use wxdesk::engine::keychain::MemoryStore;
use wxdesk::engine::{Engine, EngineConfig, SandboxSize};
use wxdesk::ui::app::ConsoleApp;
use wxdesk::ui::i18n::{Lang, catalog};
use wxdesk::ui::prefs::Panel;

/// How long the console may take to come to rest after an action (the sandbox answers in milliseconds; a cold
/// start seeds and syncs its merchants first).
const SETTLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The sandbox's size in the tests: small enough to start fast, big enough for a scrolling table.
pub const SANDBOX: SandboxSize = SandboxSize {
    merchants: 40,
    authorized: 12,
};

/// The console as a test sees it.
pub struct Console {
    pub harness: Harness<'static, ConsoleApp>,
    _data: tempfile::TempDir,
}

impl Console {
    /// The real app in `lang`, at 1280×800, with volatile values hidden, on the sandbox, settled.
    pub fn start(lang: Lang) -> Console {
        Console::start_sized(lang, [1280.0, 800.0])
    }

    pub fn start_sized(lang: Lang, size: [f32; 2]) -> Console {
        let data = tempfile::tempdir().expect("a temporary data directory");
        let config = EngineConfig {
            data_dir: data.path().to_path_buf(),
            sandbox: SANDBOX,
            secrets: Arc::new(MemoryStore::default()),
        };
        let harness = Harness::builder().with_size(size).build_eframe(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let engine = Engine::start_with(config, move || ctx.request_repaint()).expect("the engine starts");
            let mut app = ConsoleApp::new(cc, engine);
            app.set_lang(lang);
            app.state_mut().hide_volatile = true;
            app
        });
        let mut console = Console { harness, _data: data };
        console.settle();
        let profile = &console.harness.state().state().profiles.profile;
        assert!(profile.value().is_some(), "the sandbox profile is active: {profile:?}");
        console
    }

    /// Steps frames until no request is in flight and no event is waiting, so no spinner remains; fails after
    /// [`SETTLE_TIMEOUT`] (a spinner that spins forever is a bug).
    pub fn settle(&mut self) {
        let deadline = Instant::now() + SETTLE_TIMEOUT;
        let mut quiet_frames = 0;
        while quiet_frames < 3 {
            assert!(
                Instant::now() < deadline,
                "the console did not settle: {:#?}",
                self.harness.state().state().in_flight_summary()
            );
            self.harness.step();
            if self.harness.state().state().is_busy() {
                quiet_frames = 0;
                std::thread::sleep(Duration::from_millis(10));
            } else {
                quiet_frames += 1;
            }
        }
        // A running job's progress bar animates, so the UI never stops repainting: a few more frames, not `run`.
        for _ in 0..3 {
            self.harness.step();
        }
    }

    /// Waits (stepping frames) until `done` holds of the app, for what arrives on the event stream unasked.
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&ConsoleApp) -> bool) {
        let deadline = Instant::now() + SETTLE_TIMEOUT;
        while !done(self.harness.state()) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            self.harness.step();
            std::thread::sleep(Duration::from_millis(10));
        }
        self.settle();
    }

    /// A file dropped on the window from the desktop, then the console settled.
    pub fn drop_file(&mut self, path: &std::path::Path) {
        self.harness
            .input_mut()
            .dropped_files
            .push(Arc::new(DroppedPath(path.to_path_buf())));
        self.settle();
    }

    pub fn go(&mut self, panel: Panel) {
        self.harness.state_mut().go_to(panel);
        self.settle();
    }
}

/// A file dropped from the desktop, read from its path as eframe's own handle does.
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Clicks the button `label`, scrolled into view first as an operator would (panels and windows scroll).
pub fn click_button(console: &mut Console, label: &str) {
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable as _;
    console
        .harness
        .get_by_role_and_label(Role::Button, label)
        .scroll_to_me();
    console.settle();
    console.harness.get_by_role_and_label(Role::Button, label).click();
    console.settle();
}

/// A catalog string, so tests click what the staff member reads.
pub fn text(lang: Lang, key: &str) -> &'static str {
    catalog(lang)
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in {}", lang.tag()))
}
