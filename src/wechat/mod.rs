//! The wire layer: the platform's endpoints as data, one `execute`, errcodes, WXBizMsgCrypt and event XML.

pub mod crypto;
