//! §14.2: the customer-service message the 全网发布 access check expects (`custom/send`, authorizer token).

use serde::{Deserialize, Serialize};

use super::Ack;

/// The text of a customer-service message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextContent {
    pub content: String,
}

/// §14.2 step 4 body: `{"touser": …, "msgtype": "text", "text": {"content": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomSendRequest {
    pub touser: String,
    pub msgtype: String,
    pub text: TextContent,
}

impl CustomSendRequest {
    pub fn text(touser: &str, content: &str) -> Self {
        Self {
            touser: touser.to_owned(),
            msgtype: "text".to_owned(),
            text: TextContent {
                content: content.to_owned(),
            },
        }
    }
}

endpoint!(
    /// §14.2: sends a customer-service message to a user of the authorizer.
    CustomSend, "/cgi-bin/message/custom/send", CustomSendRequest => Ack
);
