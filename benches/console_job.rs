//! A deployment's page while 1,000 items stream progress: the frame time of the real app in a kittest harness (CPU
//! side, no GPU) while the hub reports the job moving a few times a second and every report makes the page read the
//! job's items again, as `job_progress` does on a live hub. Prints p50 and p90; the target is p50 < 4 ms.
//! Run: `cargo bench --bench console_job`.
//!
//! A scripted engine stands in for the hub here, which the console tests never use: this measures the page's
//! drawing and the state's bookkeeping alone (`benches/hub_deploy.rs` measures the hub running such a job).

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use tokio::sync::mpsc;
use wxdesk::engine::EngineHandle;
use wxdesk::engine::protocol::{
    AuthorizerRow, Command, Event, ItemState, Job, JobCounts, JobItem, JobKind, JobState, JobsCommand, JobsEvent,
    MerchantsEvent, Reply, Request,
};
use wxdesk::hubapi::{HubEvent, HubEventKind};
use wxdesk::ui::app::ConsoleApp;
use wxdesk::ui::i18n::Lang;
use wxdesk::ui::prefs::Panel;
use wxdesk::ui::views::deployments::{DeploymentsView, Page};

const ITEMS: usize = 1_000;
const JOB: i64 = 7;
/// Frames measured; the hub reports progress every `FRAMES_PER_REPORT` frames (about 4 a second at 60 fps, the
/// hub's coalescing).
const FRAMES: usize = 600;
const FRAMES_PER_REPORT: usize = 15;

/// The steps an item goes through, in order, with the state it has there.
const PATH: [(&str, ItemState); 8] = [
    ("preflight", ItemState::Pending),
    ("commit", ItemState::InProgress),
    ("scan", ItemState::InProgress),
    ("privacy", ItemState::InProgress),
    ("submit_audit", ItemState::InProgress),
    ("audit", ItemState::WaitingAudit),
    ("release", ItemState::InProgress),
    ("confirm", ItemState::Released),
];

fn appid(i: usize) -> String {
    format!("wx{:016x}", 0xa000 + i)
}

fn merchants() -> Vec<AuthorizerRow> {
    (0..ITEMS)
        .map(|i| AuthorizerRow {
            appid: appid(i),
            nick_name: format!("门店{i}"),
            principal_name: format!("门店{i}有限公司"),
            kind: wxdesk::engine::protocol::AccountKind::MiniProgram,
            verified: true,
            verify_type: 0,
            authorized_at: 1_795_269_600,
            revoked_at: None,
            func_ids: vec![17, 18, 19],
            user_name: format!("gh_{:012x}", 0xb000 + i),
            head_img: String::new(),
            service_type: 0,
        })
        .collect()
}

/// The job after `report` progress reports: item `i` is `report + i % 8` steps along, so every report moves every
/// item and the waves' counts change.
fn job_at(report: usize) -> Job {
    let mut counts = JobCounts::default();
    let items: Vec<JobItem> = (0..ITEMS)
        .map(|i| {
            let (step, state) = PATH[(report + i % 8).min(PATH.len() - 1)];
            let state = match (state, i % 23) {
                (ItemState::Released, 0) => ItemState::Rejected,
                (state, _) => state,
            };
            counts.add(state, 1);
            JobItem {
                appid: appid(i),
                wave: i64::from(i >= 3) + i64::from(i >= 200),
                step: step.to_owned(),
                state,
                errcode: None,
                message: (state == ItemState::Rejected).then(|| "1. 页面内容不完整<br>2. 类目不符".to_owned()),
                auditid: (report > 4).then_some(412_000_000 + i as i64),
                reason: None,
                updated_at: 1_795_269_600 + report as i64,
            }
        })
        .collect();
    counts.total = ITEMS as i64;
    Job {
        id: JOB,
        kind: JobKind::Deployment,
        state: JobState::Running,
        reason: None,
        created_by: "alice".into(),
        created_at: 1_795_269_600,
        updated_at: 1_795_269_600 + report as i64,
        counts,
        items,
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let (command_tx, mut commands) = mpsc::channel::<Request>(1024);
    let (events, event_rx) = mpsc::channel(1024);
    events
        .try_send(Event::Merchants(MerchantsEvent::Cached(merchants())))
        .expect("room for the list");
    let handle = EngineHandle {
        commands: command_tx,
        events: event_rx,
    };
    let mut harness = Harness::builder().with_size([1280.0, 800.0]).build_eframe(move |cc| {
        let mut app = ConsoleApp::new(cc, handle);
        app.set_lang(Lang::ZhCn);
        app.state_mut().hide_volatile = true;
        app
    });
    harness.state_mut().go_to(Panel::DEPLOYMENTS);
    harness
        .state_mut()
        .views_mut()
        .get_mut::<DeploymentsView>()
        .expect("the deployments panel")
        .page = Page::Job(JOB);
    harness.run_steps(4);

    let mut report = 0;
    let mut seq = 1;
    let mut shows = 0;
    let mut samples = Vec::with_capacity(FRAMES);
    for frame in 0..FRAMES {
        // The engine's side: answer every read of the job with its state now.
        while let Ok(request) = commands.try_recv() {
            if let Command::Jobs(JobsCommand::Show(id)) = request.command {
                assert_eq!(id, JOB);
                shows += 1;
                let reply = Reply::new(request.id, Ok(job_at(report)));
                events.try_send(Event::Jobs(JobsEvent::Shown(reply))).expect("room");
            }
        }
        if frame % FRAMES_PER_REPORT == 0 {
            report += 1;
            let summary = Job {
                items: Vec::new(),
                ..job_at(report)
            };
            let event = HubEvent {
                seq,
                at: 1_795_269_600,
                kind: HubEventKind::JobProgress(summary),
            };
            seq += 1;
            events.try_send(Event::Hub(event)).expect("room");
        }
        let start = Instant::now();
        harness.step();
        samples.push(start.elapsed());
    }
    let shown = harness.state().state().jobs.shown.value().map(|job| job.items.len());
    assert_eq!(shown, Some(ITEMS), "the page shows the job's items");
    assert!(
        shows >= FRAMES / FRAMES_PER_REPORT / 2,
        "the page read the job again as it moved ({shows} reads)"
    );
    let p50 = percentile(&mut samples, 0.5);
    let p90 = percentile(&mut samples, 0.9);
    println!(
        "deployment page frame ({ITEMS} items, {report} progress reports, {shows} reads of the items): p50 {:.2} ms, \
         p90 {:.2} ms ({} frames; target p50 < 4 ms)",
        p50.as_secs_f64() * 1000.0,
        p90.as_secs_f64() * 1000.0,
        samples.len()
    );
}
