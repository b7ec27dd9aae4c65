//! The merchants panel with 100,000 authorizers: the frame time of the panel in a kittest harness (CPU side: layout
//! of the visible rows, no GPU), and the time from a search keystroke to the filtered row list. Prints p50 and p90.
//! Run: `cargo bench --bench console_table`.

#[path = "../tests/console_support/mod.rs"]
mod console_support;

use std::time::{Duration, Instant};

use console_support::{Console, merchant, seed_merchants};
use wxdesk::engine::protocol::AccountKind;
use wxdesk::ui::i18n::Lang;
use wxdesk::ui::merchant_index::{MerchantIndex, MerchantQuery};
use wxdesk::ui::prefs::Panel;

const MERCHANTS: usize = 100_000;

fn many_merchants() -> Vec<wxdesk::engine::protocol::AuthorizerRow> {
    let names: Vec<String> = seed_merchants().into_iter().map(|m| m.nick_name).collect();
    (0..MERCHANTS)
        .map(|i| {
            let kind = if i % 4 == 3 {
                AccountKind::OfficialAccount
            } else {
                AccountKind::MiniProgram
            };
            let sets: Vec<u32> = (1..=40).filter(|s| (i + *s as usize).is_multiple_of(3)).collect();
            merchant(i, &format!("{}{i}", names[i % names.len()]), kind, &sets)
        })
        .collect()
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
    let mut console = Console::start_with(Lang::ZhCn, list);
    console.go(Panel::Merchants);
    let mut samples = Vec::new();
    for frame in 0..120 {
        if frame % 2 == 0 {
            console.harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -400.0),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            });
        }
        let start = Instant::now();
        console.harness.step();
        samples.push(start.elapsed());
    }
    report("merchants panel frame (100,000 merchants, scrolling)", &mut samples);

    let mut samples = Vec::new();
    let queries = ["云", "云朵", "云朵咖", "", "老", "老街"];
    for round in 0..10 {
        for text in queries {
            console.harness.state_mut().views_mut().merchants.query.text = format!("{text}{}", round % 2);
            let start = Instant::now();
            console.harness.step();
            samples.push(start.elapsed());
        }
    }
    report("search keystroke → next frame drawn (100,000 merchants)", &mut samples);
}
