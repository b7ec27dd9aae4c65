//! The hub's receiving path for one push: envelope parse, `msg_signature` check, AES decrypt, `Event::parse`.
//!
//! Target: at least 200,000 component_verify_ticket pushes per second on one core (`cargo bench --bench push_decrypt`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wxdesk::wechat::crypto::{Envelope, MsgCrypt};
use wxdesk::wechat::event::Event;

const TOKEN: &str = "pamtest";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx134c8103faa5a59e";

/// A push as the platform sends it: envelope body plus the query parameters.
struct Push {
    body: String,
    msg_signature: String,
    timestamp: String,
    nonce: String,
}

fn ticket_push(crypt: &MsgCrypt) -> Push {
    let event = Event::ComponentVerifyTicket {
        app_id: APPID.to_owned(),
        create_time: 1_413_192_605,
        ticket: "ticket@@@foZeSxi1ZSlFDM4SaomZQOvhacH1_R7vdAjIObFG477dHJQ1HYpoZVcXbJzEZ8R7exIq8powAfWvg7WmpEx7Bg"
            .to_owned(),
    };
    let sealed = crypt.seal(&event.to_xml(), "1413192605", "1320562132");
    Push {
        body: Envelope::component_xml(APPID, &sealed.encrypt),
        msg_signature: sealed.msg_signature,
        timestamp: sealed.timestamp,
        nonce: sealed.nonce,
    }
}

fn receive(crypt: &MsgCrypt, push: &Push) -> Option<Event> {
    let envelope = Envelope::parse(&push.body).ok()?;
    let xml = crypt
        .open(&push.msg_signature, &push.timestamp, &push.nonce, &envelope.encrypt)
        .ok()?;
    Event::parse(&xml).ok()
}

fn bench(c: &mut Criterion) {
    let crypt = match MsgCrypt::new(TOKEN, KEY, APPID) {
        Ok(crypt) => crypt,
        Err(e) => panic!("bench key: {e}"),
    };
    let push = ticket_push(&crypt);
    assert!(matches!(
        receive(&crypt, &push),
        Some(Event::ComponentVerifyTicket { .. })
    ));
    let mut group = c.benchmark_group("push");
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify_decrypt_parse_ticket", |b| {
        b.iter(|| receive(&crypt, black_box(&push)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
