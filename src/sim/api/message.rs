//! §14.2 `custom/send`: the customer-service message the 全网发布 access check waits for. Kept so the check (and a
//! test) can see what an authorizer sent.

use serde_json::{Value, json};

use super::super::reply::{Outcome, missing, ok, str_field};
use super::super::routes::{Call, Endpoint, Verb, authorizer};
use super::super::state::{CustomMessage, Sim};

/// How many sent messages are kept.
const KEPT: usize = 1000;

pub const ENDPOINTS: &[Endpoint] = &[
    // 公众号「消息管理」(1) or 小程序「客服消息管理」(19), §14.2.
    authorizer("/cgi-bin/message/custom/send", Verb::Post, &[1, 19], custom_send),
];

fn custom_send(sim: &mut Sim, call: &Call<'_>) -> Outcome {
    let touser = str_field(call.body, "touser")?.to_owned();
    if str_field(call.body, "msgtype")? != "text" {
        // Only text is what the check sends; other kinds are not simulated.
        return Err(missing("msgtype"));
    }
    let content = match call.body.get("text").and_then(|t| t.get("content")) {
        Some(Value::String(content)) if !content.is_empty() => content.clone(),
        _ => return Err(missing("text.content")),
    };
    if sim.custom_messages.len() == KEPT {
        sim.custom_messages.remove(0);
    }
    sim.custom_messages.push(CustomMessage {
        index: call.authorizer(),
        touser,
        content,
    });
    ok(json!({}))
}
