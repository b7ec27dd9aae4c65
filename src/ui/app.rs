//! The shell: owns the engine's channels, drains events into `AppState` once per frame, lays out the navigation and
//! the current panel, acts on the views' `UiAction`s, and sends the frame's `Command`s at its end.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::engine::EngineHandle;
use crate::engine::protocol::{Command, ProfilesCommand, Request};
use crate::ui::i18n::Lang;
use crate::ui::prefs::Prefs;
use crate::ui::state::{AppState, RequestIds};
use crate::ui::views::audits::AuditsView;
use crate::ui::views::authorize::AuthorizeView;
use crate::ui::views::deployments::DeploymentsView;
use crate::ui::views::merchants::MerchantsView;
use crate::ui::views::registrations::RegistrationsView;
use crate::ui::views::{self, Outbox, Panel, UiAction, Views};
use crate::ui::{fonts, i18n, theme};

/// The console application.
pub struct ConsoleApp {
    prefs: Prefs,
    /// The panel open now (the preferences remember its id).
    panel: Panel,
    state: AppState,
    requests: RequestIds,
    views: Views,
    engine: EngineHandle,
    /// A fixed clock (Unix seconds) for tests; the system clock otherwise.
    fixed_now: Option<i64>,
    started: bool,
    /// A panel opened since the last frame, whose `View::opened` is still to run.
    opened: Option<Panel>,
}

impl ConsoleApp {
    /// Builds the console on an engine's channels; fonts, theme and the operator's preferences come from `cc`.
    pub fn new(cc: &eframe::CreationContext<'_>, engine: EngineHandle) -> Self {
        fonts::install(&cc.egui_ctx);
        theme::install(&cc.egui_ctx);
        let prefs = Prefs::load(cc.storage);
        let views = Views::default();
        ConsoleApp {
            panel: views.known(&prefs.panel).unwrap_or(Panel::WELCOME),
            prefs,
            state: AppState::default(),
            requests: RequestIds::default(),
            views,
            engine,
            fixed_now: None,
            started: false,
            opened: None,
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// For tests: set `hide_volatile`, or feed events directly.
    pub fn state_mut(&mut self) -> &mut AppState {
        &mut self.state
    }

    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    /// Switches the language, as the switcher does.
    pub fn set_lang(&mut self, lang: Lang) {
        self.prefs.lang = lang;
    }

    /// The panels' widget state (e.g. the merchant query and its row order).
    pub fn views(&self) -> &Views {
        &self.views
    }

    /// For tests and benchmarks: the panels' widget state (e.g. the merchant query).
    pub fn views_mut(&mut self) -> &mut Views {
        &mut self.views
    }

    /// Freezes the clock at `now` (Unix seconds), so countdowns are deterministic in tests.
    pub fn set_fixed_clock(&mut self, now: i64) {
        self.fixed_now = Some(now);
    }

    fn now(&self) -> i64 {
        self.fixed_now.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        })
    }

    /// The panel open now.
    pub fn panel(&self) -> Panel {
        self.panel
    }

    /// Opens `panel`, as its navigation entry does.
    pub fn go_to(&mut self, panel: Panel) {
        self.panel = panel;
        self.opened = Some(panel);
        self.prefs.panel = panel.0.to_owned();
        self.state.set_presenting(panel == Panel::AUTHORIZE);
    }

    fn act(&mut self, ctx: &egui::Context, action: UiAction) {
        match action {
            UiAction::Go(panel) => self.go_to(panel),
            UiAction::SetLang(lang) => self.set_lang(lang),
            UiAction::Fullscreen(on) => {
                // The presentation view of the panel shown: authorization's or a registration task's.
                if let Some(authorize) = self.views.get_mut::<AuthorizeView>() {
                    authorize.fullscreen = on && self.panel == Panel::AUTHORIZE;
                }
                if let Some(registrations) = self.views.get_mut::<RegistrationsView>() {
                    registrations.fullscreen = on && self.panel == Panel::REGISTRATIONS;
                }
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(on));
            }
            UiAction::DeployTemplate(template) => {
                if let Some(deployments) = self.views.get_mut::<DeploymentsView>() {
                    deployments.deploy_template(template, &self.state);
                }
                self.go_to(Panel::DEPLOYMENTS);
            }
            UiAction::DeployTo(appids) => {
                if let Some(deployments) = self.views.get_mut::<DeploymentsView>() {
                    deployments.deploy_to(appids);
                }
                self.go_to(Panel::DEPLOYMENTS);
            }
            UiAction::SetUp(appid) => {
                if let Some(merchants) = self.views.get_mut::<MerchantsView>() {
                    merchants.set_up(&appid);
                }
                self.go_to(Panel::MERCHANTS);
            }
            UiAction::ShowAudit(appid) => {
                if let Some(audits) = self.views.get_mut::<AuditsView>() {
                    audits.show(&appid);
                }
                self.go_to(Panel::AUDITS);
            }
        }
    }

    /// F11 toggles full screen on the presentation view; Esc leaves it.
    fn keys(&self, ctx: &egui::Context, out: &mut Outbox) {
        let (f11, esc) = ctx.input(|i| (i.key_pressed(egui::Key::F11), i.key_pressed(egui::Key::Escape)));
        let fullscreen = self.views.get::<AuthorizeView>().is_some_and(|view| view.fullscreen)
            || self
                .views
                .get::<RegistrationsView>()
                .is_some_and(|view| view.fullscreen);
        if f11 && (self.panel == Panel::AUTHORIZE || self.panel == Panel::REGISTRATIONS) {
            out.act(UiAction::Fullscreen(!fullscreen));
        } else if esc && fullscreen {
            out.act(UiAction::Fullscreen(false));
        }
    }

    fn panels_ui(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        let state = &self.state;
        let panel = self.panel;
        let whole_window = self.views.view_mut(panel).is_some_and(|view| view.whole_window());
        if whole_window {
            egui::CentralPanel::default_margins()
                .frame(egui::Frame::new().fill(egui::Color32::WHITE))
                .show(ui, |ui| {
                    if let Some(view) = self.views.view_mut(panel) {
                        view.ui(ui, state, out);
                    }
                });
            return;
        }
        let nav: Vec<(Panel, &'static str)> = self.views.nav().collect();
        egui::Panel::left("nav")
            .exact_size(196.0)
            .frame(
                egui::Frame::new()
                    .fill(theme::nav_fill())
                    .inner_margin(egui::Margin::symmetric(12, 8)),
            )
            .show(ui, |ui| views::nav::nav_ui(ui, state, &nav, panel, out));
        egui::CentralPanel::default_margins().show(ui, |ui| {
            if let Some(view) = self.views.view_mut(panel) {
                view.ui(ui, state, out);
            }
        });
    }

    /// Sends the frame's commands. A command the engine cannot take comes back as its failure event at once, so no
    /// spinner waits for an answer that will never come.
    fn send_all(&mut self, commands: Vec<Command>) {
        for command in commands {
            let request = Request {
                id: self.requests.fresh(),
                command,
            };
            self.state.sent(&request);
            if let Err(reply) = self.engine.send(request) {
                self.state.apply(reply);
            }
        }
    }
}

impl eframe::App for ConsoleApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        i18n::set_current(self.prefs.lang);
        while let Ok(event) = self.engine.events.try_recv() {
            self.state.apply(event);
        }
        self.state.tick(self.now());

        let mut out = Outbox::default();
        if !self.started {
            self.started = true;
            out.send(Command::Profiles(ProfilesCommand::Load));
            // Entering the presentation view is what asks for a code; a restored panel counts as entering it.
            self.go_to(self.panel);
        }
        self.keys(&ctx, &mut out);
        self.panels_ui(ui, &mut out);

        for action in std::mem::take(&mut out.actions) {
            self.act(&ctx, action);
        }
        if let Some(panel) = self.opened.take()
            && let Some(view) = self.views.view_mut(panel)
        {
            view.opened(&self.state, &mut out);
        }
        let mut commands = self.state.take_follow_ups();
        commands.append(&mut out.commands);
        self.send_all(commands);

        // Countdowns, the ticket's age and the reconnect countdown move with the clock even when no event arrives.
        if self.state.authorize.presenting || self.state.status.status.value().is_some() || !self.state.is_connected() {
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.prefs.save(storage);
    }
}
