//! Shared helpers of the engine's integration tests: a console without a UI that numbers its requests, waits for
//! the reply carrying each id, and fails on a reply that answers nothing or answers twice.
#![allow(dead_code, unused_macros, unused_imports)]

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wxdesk::engine::keychain::SecretStore;
use wxdesk::engine::protocol::{Command, Event, Reply, Request, RequestId};
use wxdesk::engine::{Engine, EngineConfig, EngineHandle, SandboxSize};

/// A hang guard only: the sandbox answers in seconds; nothing here measures speed.
const GIVE_UP_AFTER: Duration = Duration::from_secs(180);

/// A console without a UI: numbers its requests as the UI does and checks every reply against them.
pub struct Console {
    pub engine: EngineHandle,
    last_id: u64,
    /// Requests sent and not yet answered.
    waiting: BTreeSet<RequestId>,
    /// Requests answered; a second reply to one of these fails the test.
    answered: BTreeSet<RequestId>,
    /// Replies that arrived while the test waited for another one.
    replies: Vec<Event>,
    /// Events that are not replies, in arrival order.
    pub unasked: Vec<Event>,
}

impl Console {
    /// An engine on `dir` (settings, caches, the sandbox's database) with `secrets` as its keychain.
    pub fn start(dir: &Path, secrets: Arc<dyn SecretStore>, sandbox: SandboxSize) -> Console {
        let config = EngineConfig {
            data_dir: dir.to_path_buf(),
            sandbox,
            secrets,
        };
        let engine = Engine::start_with(config, || {}).expect("engine starts");
        Console {
            engine,
            last_id: 0,
            waiting: BTreeSet::new(),
            answered: BTreeSet::new(),
            replies: Vec::new(),
            unasked: Vec::new(),
        }
    }

    /// Sends `command` under a fresh id and returns the id.
    pub fn send(&mut self, command: Command) -> RequestId {
        self.last_id += 1;
        let id = RequestId(self.last_id);
        self.engine
            .send(Request { id, command })
            .expect("the engine takes the request");
        self.waiting.insert(id);
        id
    }

    /// Takes the next event and sorts it: a reply must answer a request that is waiting (exactly one reply per
    /// request). `false` when none arrived before `deadline`.
    pub fn receive(&mut self, deadline: Instant) -> bool {
        let event = loop {
            match self.engine.events.try_recv() {
                Ok(event) => break event,
                Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                    if Instant::now() >= deadline {
                        return false;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(error) => panic!("the engine's event channel closed: {error}"),
            }
        };
        match event.reply_to() {
            Some(id) => {
                let was = if self.answered.contains(&id) {
                    "already answered"
                } else {
                    "never sent"
                };
                assert!(
                    self.waiting.remove(&id),
                    "a reply to {id:?}, which was {was}: {event:?}"
                );
                self.answered.insert(id);
                self.replies.push(event);
            }
            None => self.unasked.push(event),
        }
        true
    }

    /// The one reply to request `id`.
    pub fn reply(&mut self, id: RequestId) -> Event {
        let deadline = Instant::now() + GIVE_UP_AFTER;
        loop {
            if let Some(index) = self.replies.iter().position(|e| e.reply_to() == Some(id)) {
                return self.replies.remove(index);
            }
            assert!(self.receive(deadline), "no reply to {id:?}");
        }
    }

    /// Sends `command` and returns its reply.
    pub fn ask(&mut self, command: Command) -> Event {
        let id = self.send(command);
        self.reply(id)
    }

    /// Waits for an unasked event that `wanted` accepts (it may already have arrived).
    pub fn wait_for(&mut self, wanted: impl Fn(&Event) -> bool) -> Event {
        let deadline = Instant::now() + GIVE_UP_AFTER;
        loop {
            if let Some(index) = self.unasked.iter().position(&wanted) {
                return self.unasked.remove(index);
            }
            assert!(self.receive(deadline), "the awaited event never came");
        }
    }

    /// Every request was answered, and nothing answers one twice in the next moment either.
    pub fn assert_settled(&mut self) {
        let deadline = Instant::now() + Duration::from_millis(300);
        while self.receive(deadline) {}
        assert!(self.waiting.is_empty(), "unanswered: {:?}", self.waiting);
        assert!(self.replies.is_empty(), "replies nobody waited for: {:?}", self.replies);
    }
}

/// The value of a successful reply.
pub fn ok<T: Debug>(reply: Reply<T>) -> T {
    match reply.result {
        Ok(value) => value,
        Err(error) => panic!("request {:?} failed: {error:?}", reply.request),
    }
}

/// The reply inside `event`, which must be of the variant `$outer($inner(…))`.
macro_rules! reply {
    ($event:expr, $outer:path, $inner:path) => {
        match $event {
            $outer($inner(reply)) => reply,
            other => panic!("expected {}, got {other:?}", stringify!($inner)),
        }
    };
}
pub(crate) use reply;
