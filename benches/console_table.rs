//! The merchants panel with 100,000 authorizers: the frame time of the panel in a kittest harness (CPU side: layout
//! of the visible rows, no GPU), and the time from a search keystroke to the filtered row list. Prints p50 and p90.
//! Run: `cargo bench --bench console_table`.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use tokio::sync::mpsc;
use wxdesk::engine::EngineHandle;
use wxdesk::engine::protocol::{AccountKind, AuthorizerRow, Event, MerchantsEvent};
use wxdesk::ui::app::ConsoleApp;
use wxdesk::ui::i18n::Lang;
use wxdesk::ui::merchant_index::{MerchantIndex, MerchantQuery};
use wxdesk::ui::prefs::Panel;
use wxdesk::ui::views::merchants::MerchantsView;

const MERCHANTS: usize = 100_000;

const NAMES: [&str; 8] = [
    "云朵咖啡",
    "老街面馆",
    "春风花店",
    "明月书店",
    "小林水果",
    "海边烧烤",
    "Green Tea House",
    "金秋米业",
];

fn many_merchants() -> Vec<AuthorizerRow> {
    (0..MERCHANTS)
        .map(|i| {
            let kind = if i % 4 == 3 {
                AccountKind::OfficialAccount
            } else {
                AccountKind::MiniProgram
            };
            let name = format!("{}{i}", NAMES[i % NAMES.len()]);
            AuthorizerRow {
                appid: format!("wx{:016x}", 0xa000 + i),
                principal_name: format!("{name}有限公司"),
                nick_name: name,
                kind,
                verified: !i.is_multiple_of(3),
                verify_type: if i.is_multiple_of(3) { -1 } else { 0 },
                authorized_at: 1_795_269_600 - i as i64 * 60,
                revoked_at: None,
                func_ids: (1..=40).filter(|s| (i + *s as usize).is_multiple_of(3)).collect(),
                user_name: format!("gh_{:012x}", 0xb000 + i),
                head_img: String::new(),
                service_type: 0,
            }
        })
        .collect()
}

/// The real app with the list already in its state. A scripted engine stands in here, which the console tests
/// never use: this measures the panel's drawing alone, and a 100,000-merchant sandbox takes minutes to seed
/// (that path is `benches/console_start.sh`). The engine's channel delivers the list as the cache would.
fn console_with(
    list: Vec<AuthorizerRow>,
) -> (
    Harness<'static, ConsoleApp>,
    mpsc::Receiver<wxdesk::engine::protocol::Request>,
) {
    let (command_tx, command_rx) = mpsc::channel(1024);
    let (event_tx, event_rx) = mpsc::channel(16);
    event_tx
        .try_send(Event::Merchants(MerchantsEvent::Cached(list)))
        .expect("room for the list");
    let handle = EngineHandle {
        commands: command_tx,
        events: event_rx,
    };
    let harness = Harness::builder().with_size([1280.0, 800.0]).build_eframe(move |cc| {
        let mut app = ConsoleApp::new(cc, handle);
        app.set_lang(Lang::ZhCn);
        app.state_mut().hide_volatile = true;
        app
    });
    (harness, command_rx)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, samples: &mut [Duration]) {
    let p50 = percentile(samples, 0.5);
    let p90 = percentile(samples, 0.9);
    println!(
        "{name}: p50 {:.2} ms, p90 {:.2} ms ({} samples)",
        ms(p50),
        ms(p90),
        samples.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let list = many_merchants();

    // The filter alone: one keystroke of a search changes the query, and the index re-filters the sorted rows.
    let mut index = MerchantIndex::default();
    index.refresh(1, &list, &MerchantQuery::default());
    let mut samples = Vec::new();
    for round in 0..20 {
        for text in ["云", "云朵", "云朵咖", "云朵咖啡", "云朵咖啡1", "wx", "有限公司", ""] {
            let query = MerchantQuery {
                text: format!("{text}{}", if round % 2 == 0 { "" } else { " " }),
                ..Default::default()
            };
            let start = Instant::now();
            index.refresh(1, &list, &query);
            samples.push(start.elapsed());
        }
    }
    report("search keystroke → filtered rows (100,000 merchants)", &mut samples);

    // The whole panel, as the operator sees it: frames while scrolling, and a keystroke's frame.
    let (mut harness, _commands) = console_with(list);
    harness.state_mut().go_to(Panel::MERCHANTS);
    harness.run();
    let mut samples = Vec::new();
    for frame in 0..120 {
        if frame % 2 == 0 {
            harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -400.0),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            });
        }
        let start = Instant::now();
        harness.step();
        samples.push(start.elapsed());
    }
    report("merchants panel frame (100,000 merchants, scrolling)", &mut samples);

    let mut samples = Vec::new();
    let queries = ["云", "云朵", "云朵咖", "", "老", "老街"];
    for round in 0..10 {
        for text in queries {
            let view = harness
                .state_mut()
                .views_mut()
                .get_mut::<MerchantsView>()
                .expect("the merchants panel");
            view.query.text = format!("{text}{}", round % 2);
            let start = Instant::now();
            harness.step();
            samples.push(start.elapsed());
        }
    }
    report("search keystroke → next frame drawn (100,000 merchants)", &mut samples);
}
