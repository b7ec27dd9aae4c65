//! `wxdesk --probe`: the console in its real window, reporting on stdout what the console benchmarks measure
//! (`benches/console_start.sh`): when the first frame was laid out, when the merchant list arrived, and the CPU time
//! of the frames that follow on the merchants panel. Not for operators; the flag is hidden.
//!
//! Lines, one fact each:
//! - `probe first_frame_unix_ms=<ms>`: wall-clock time at the end of the first frame's layout;
//! - `probe merchants=<n>`: the merchant list now holds n rows (printed when the count changes);
//! - `probe frames=<n> p50_ms=<ms> p90_ms=<ms>`: layout time of n frames on the merchants panel with the full list;
//! - `probe done`: the measurements are over; the window stays open until the benchmark script closes it.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wxdesk::ui::app::ConsoleApp;
use wxdesk::ui::prefs::Panel;

/// How many frames on the merchants panel make the frame-time sample.
const FRAMES: usize = 240;

/// The console wrapped with the probe.
pub struct Probe {
    app: ConsoleApp,
    frames: u64,
    /// The merchant count the probe waits for before it samples frames; 0 once printed `done`.
    expect: usize,
    last_count: Option<usize>,
    samples: Vec<Duration>,
}

impl Probe {
    /// Wraps `app`; the frame sample starts once the list holds `expect` merchants.
    pub fn new(app: ConsoleApp, expect: usize) -> Self {
        Probe {
            app,
            frames: 0,
            expect,
            last_count: None,
            samples: Vec::new(),
        }
    }

    fn count(&self) -> usize {
        self.app.state().merchants.list.value().map_or(0, Vec::len)
    }

    fn sampling(&self) -> bool {
        self.expect > 0 && self.count() >= self.expect
    }
}

impl eframe::App for Probe {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let start = Instant::now();
        self.app.ui(ui, frame);
        let took = start.elapsed();
        self.frames += 1;
        if self.frames == 1 {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
            println!("probe first_frame_unix_ms={}", now.as_millis());
            self.app.go_to(Panel::MERCHANTS);
        }
        let count = self.count();
        if self.last_count != Some(count) {
            self.last_count = Some(count);
            println!("probe merchants={count}");
        }
        if self.sampling() {
            self.samples.push(took);
            if self.samples.len() == FRAMES {
                self.samples.sort();
                let at = |p: f64| self.samples[((FRAMES - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0;
                println!("probe frames={FRAMES} p50_ms={:.2} p90_ms={:.2}", at(0.5), at(0.9));
                println!("probe done");
                self.expect = 0;
            }
        }
        ui.ctx().request_repaint();
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if !self.sampling() {
            return;
        }
        // Scroll the table a page per frame, the pointer over it, as an operator flicking through the list does.
        let centre = raw_input
            .screen_rect
            .map_or(egui::pos2(700.0, 450.0), |rect| rect.center());
        raw_input.events.push(egui::Event::PointerMoved(centre));
        raw_input.events.push(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -400.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
    }

    // The probe leaves the operator's preferences and egui's memory as they were.
    fn persist_egui_memory(&self) -> bool {
        false
    }
}
