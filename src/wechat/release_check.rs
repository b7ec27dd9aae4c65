//! 全网发布 access check (wechat-api.md §14.2): the five test groups, the messages the platform sends to the message
//! URL, and the answers it expects. The hub answers them; the simulator plays them. One table, kept here.

/// One test account of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestAccount {
    pub appid: &'static str,
    /// The original id (`gh_…`), the `ToUserName` of message-URL pushes.
    pub user_name: &'static str,
}

/// One of the five groups: an official account and a mini program (§14.2 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestGroup {
    pub group: u8,
    pub official_account: TestAccount,
    pub mini_program: TestAccount,
}

const fn account(appid: &'static str, user_name: &'static str) -> TestAccount {
    TestAccount { appid, user_name }
}

/// §14.2: the platform picks one of these at random.
pub const GROUPS: [TestGroup; 5] = [
    TestGroup {
        group: 1,
        official_account: account("wx570bc396a51b8ff8", "gh_3c884a361561"),
        mini_program: account("wxd101a85aa106f53e", "gh_8dad206e9538"),
    },
    TestGroup {
        group: 2,
        official_account: account("wx9252c5e0bb1836fc", "gh_c0f28a78b318"),
        mini_program: account("wxc39235c15087f6f3", "gh_905ae9d01059"),
    },
    TestGroup {
        group: 3,
        official_account: account("wx8e1097c5bc82cde9", "gh_3f222ed8d140"),
        mini_program: account("wx7720d01d4b2a4500", "gh_393666f1fdf4"),
    },
    TestGroup {
        group: 4,
        official_account: account("wx14550af28c71a144", "gh_26128078e9ab"),
        mini_program: account("wx05d483572dcd5d8b", "gh_39abb5d4e1b7"),
    },
    TestGroup {
        group: 5,
        official_account: account("wxa35b9c23cfe664eb", "gh_2b3713f184a6"),
        mini_program: account("wx5910277cae6fd970", "gh_7818dcb60240"),
    },
];

/// §14.2 step 3: the text the platform sends, and the passive reply's content is this plus [`TEXT_CALLBACK_SUFFIX`].
pub const TEST_TEXT: &str = "TESTCOMPONENT_MSG_TYPE_TEXT";
pub const TEXT_CALLBACK_SUFFIX: &str = "_callback";
/// §14.2 step 4: `QUERY_AUTH_CODE:<code>`; the customer-service message's content is `<code>` plus [`FROM_API_SUFFIX`].
pub const QUERY_AUTH_CODE_PREFIX: &str = "QUERY_AUTH_CODE:";
pub const FROM_API_SUFFIX: &str = "_from_api";
/// §14.2 step 5: the passive reply to an event is `<Event>` plus this.
pub const EVENT_CALLBACK_SUFFIX: &str = "from_callback";

/// The group a test appid belongs to; `None` for every real account.
pub fn group_of(appid: &str) -> Option<u8> {
    GROUPS
        .iter()
        .find(|g| g.official_account.appid == appid || g.mini_program.appid == appid)
        .map(|g| g.group)
}

/// The group numbered `group` (1 to 5).
pub fn group(group: u8) -> Option<&'static TestGroup> {
    GROUPS.iter().find(|g| g.group == group)
}

/// Every test account of every group.
pub fn accounts() -> impl Iterator<Item = (&'static TestGroup, &'static TestAccount, bool)> {
    GROUPS
        .iter()
        .flat_map(|g| [(g, &g.official_account, false), (g, &g.mini_program, true)])
}

/// What a message-URL push of the check asks for (§14.2 steps 3–5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// Step 3: reply passively with `TESTCOMPONENT_MSG_TYPE_TEXT_callback`.
    Text,
    /// Step 4: reply empty, then exchange the code and send `<code>_from_api` as a customer-service message.
    QueryAuthCode(String),
    /// Step 5: reply passively with `<Event>from_callback`.
    Event(String),
}

impl Probe {
    /// The step's stable name, as `GET /api/v1/release-check` and the simulator report it.
    pub fn step(&self) -> &'static str {
        match self {
            Self::Text => "text_callback",
            Self::QueryAuthCode(_) => "query_auth_code",
            Self::Event(_) => "event_callback",
        }
    }
}

/// The fields of a user message or event the check needs (decrypted message-URL XML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to_user_name: String,
    pub from_user_name: String,
    pub probe: Option<Probe>,
}

/// Reads a decrypted message-URL push; `None` when it is not XML with `ToUserName` and `FromUserName`. A message
/// that is neither of the check's texts nor an event has no probe.
pub fn read(xml: &str) -> Option<Message> {
    let fields = top_fields(xml)?;
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let to_user_name = get("ToUserName")?.to_owned();
    let from_user_name = get("FromUserName")?.to_owned();
    let probe = match get("MsgType") {
        Some("text") => {
            let content = get("Content").unwrap_or_default();
            if content == TEST_TEXT {
                Some(Probe::Text)
            } else {
                content
                    .strip_prefix(QUERY_AUTH_CODE_PREFIX)
                    .filter(|code| !code.is_empty())
                    .map(|code| Probe::QueryAuthCode(code.to_owned()))
            }
        }
        Some("event") => get("Event")
            .filter(|e| !e.is_empty())
            .map(|e| Probe::Event(e.to_owned())),
        _ => None,
    };
    Some(Message {
        to_user_name,
        from_user_name,
        probe,
    })
}

/// The children of the root, CDATA or text, in order; `None` when the text is not XML.
pub fn top_fields(xml: &str) -> Option<Vec<(String, String)>> {
    use quick_xml::events::Event as Xml;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut fields = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Xml::Start(start) => {
                path.push(String::from_utf8_lossy(start.name().as_ref()).into_owned());
                text.clear();
            }
            Xml::End(_) => {
                let name = path.pop()?;
                if path.len() == 1 {
                    fields.push((name, text.trim().to_owned()));
                }
                text.clear();
            }
            Xml::Text(t) => text.push_str(&t.unescape().ok()?),
            Xml::CData(data) => text.push_str(&String::from_utf8_lossy(&data.into_inner())),
            Xml::Eof => break,
            _ => {}
        }
    }
    Some(fields)
}

/// A passive text reply (before encryption): `To`/`From` swapped relative to the message it answers.
pub fn text_reply(message: &Message, content: &str, create_time: i64) -> String {
    let cdata = |v: &str| format!("<![CDATA[{}]]>", v.replace("]]>", "]]]]><![CDATA[>"));
    format!(
        "<xml><ToUserName>{}</ToUserName><FromUserName>{}</FromUserName><CreateTime>{create_time}</CreateTime>\
         <MsgType><![CDATA[text]]></MsgType><Content>{}</Content></xml>",
        cdata(&message.from_user_name),
        cdata(&message.to_user_name),
        cdata(content)
    )
}

/// The passive reply a probe expects, if it expects one (§14.2 steps 3 and 5).
pub fn expected_reply(probe: &Probe) -> Option<String> {
    match probe {
        Probe::Text => Some(format!("{TEST_TEXT}{TEXT_CALLBACK_SUFFIX}")),
        Probe::QueryAuthCode(_) => None,
        Probe::Event(event) => Some(format!("{event}{EVENT_CALLBACK_SUFFIX}")),
    }
}

/// The fields of a passive text reply, to check one (the simulator does).
pub fn read_text_reply(xml: &str) -> Option<(String, String, String)> {
    let fields = top_fields(xml)?;
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if get("MsgType")?.as_str() != "text" {
        return None;
    }
    Some((get("ToUserName")?, get("FromUserName")?, get("Content")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_test_appids_belong_to_a_group() {
        assert_eq!(group_of("wx570bc396a51b8ff8"), Some(1));
        assert_eq!(group_of("wx5910277cae6fd970"), Some(5));
        assert_eq!(group_of("wx0123456789abcdef"), None);
        assert_eq!(accounts().count(), 10);
    }

    #[test]
    fn the_three_probes_are_read_and_others_are_not() {
        let text = |content: &str| {
            format!(
                "<xml><ToUserName><![CDATA[gh_3c884a361561]]></ToUserName><FromUserName><![CDATA[ozy]]></FromUserName>\
                 <CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content></xml>"
            )
        };
        assert_eq!(read(&text(TEST_TEXT)).unwrap().probe, Some(Probe::Text));
        assert_eq!(
            read(&text("QUERY_AUTH_CODE:queryauthcode@@@abc")).unwrap().probe,
            Some(Probe::QueryAuthCode("queryauthcode@@@abc".into()))
        );
        assert_eq!(read(&text("hello")).unwrap().probe, None);
        let event = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><MsgType>event</MsgType>\
                     <Event>LOCATION</Event></xml>";
        assert_eq!(read(event).unwrap().probe, Some(Probe::Event("LOCATION".into())));
    }

    #[test]
    fn a_reply_swaps_the_users_and_reads_back() {
        let message = read(
            "<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><MsgType>text</MsgType>\
             <Content>TESTCOMPONENT_MSG_TYPE_TEXT</Content></xml>",
        )
        .unwrap();
        let content = expected_reply(message.probe.as_ref().unwrap()).unwrap();
        assert_eq!(content, "TESTCOMPONENT_MSG_TYPE_TEXT_callback");
        let reply = text_reply(&message, &content, 5);
        assert_eq!(read_text_reply(&reply), Some(("o1".into(), "gh_1".into(), content)));
    }
}
