//! WXBizMsgCrypt against vectors A, B and C of wechat-api.md §4.5, the negative cases, and random input.

use proptest::prelude::*;
use wxdesk::wechat::crypto::{AesKey, CryptoError, Envelope, MsgCrypt, msg_signature};

const B_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const B_TOKEN: &str = "pamtest";
const B_APPID: &str = "wxb11529c136998cb6";
const B_ENCRYPT_1: &str = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";
const B_PLAIN_2: &str = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>";
const B_ENCRYPT_2: &str = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb";
const C_ENCRYPT: &str = "rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==";
const C_PLAIN: &str = "<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName><FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>";

/// The 32 key bytes of `B_KEY`; its 43rd character carries bits past the 256th, so decode leniently (§4.4).
fn raw_key() -> Vec<u8> {
    use base64::Engine as _;
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    lenient.decode(format!("{B_KEY}=")).unwrap()
}

fn b() -> MsgCrypt {
    MsgCrypt::new(B_TOKEN, B_KEY, B_APPID).unwrap()
}

#[test]
fn vector_b_encrypts_with_fixed_random() {
    assert_eq!(
        b().encrypt_with_random(b"aaaabbbbccccdddd", "我是中文abcd123"),
        B_ENCRYPT_1
    );
    assert_eq!(b().encrypt_with_random(b"aaaabbbbccccdddd", B_PLAIN_2), B_ENCRYPT_2);
}

#[test]
fn vector_b_decrypts_and_signs() {
    assert_eq!(b().decrypt(B_ENCRYPT_1).unwrap(), "我是中文abcd123");
    assert_eq!(b().decrypt(B_ENCRYPT_2).unwrap(), B_PLAIN_2);
    assert_eq!(
        msg_signature(B_TOKEN, "1409304348", "xxxxxx", B_ENCRYPT_1),
        "82c962d39941aa48552f90ef55aa323dc620cc10"
    );
    assert_eq!(
        b().open(
            "82c962d39941aa48552f90ef55aa323dc620cc10",
            "1409304348",
            "xxxxxx",
            B_ENCRYPT_1
        )
        .unwrap(),
        "我是中文abcd123"
    );
}

#[test]
fn vector_b_rejects_signature_12345() {
    assert_eq!(
        b().open("12345", "1409304348", "xxxxxx", B_ENCRYPT_1),
        Err(CryptoError::BadSignature)
    );
}

#[test]
fn vector_c_verifies_and_decrypts() {
    let plain = b()
        .open(
            "4f3ad57b6989f09f4eb392acce4f9e93942ed890",
            "1458300676",
            "260774613",
            C_ENCRYPT,
        )
        .unwrap();
    assert_eq!(plain, C_PLAIN);
    assert_eq!(plain.len(), 293);
    assert_eq!(b().encrypt_with_random(b"d43123b161a4ba84", C_PLAIN), C_ENCRYPT);
}

#[test]
fn vector_c_rejects_invalid_signature_and_appid() {
    assert_eq!(
        b().open("invalid-signature", "1458300676", "260774613", C_ENCRYPT),
        Err(CryptoError::BadSignature)
    );
    let other = MsgCrypt::new(B_TOKEN, B_KEY, "invalid appid").unwrap();
    assert_eq!(other.decrypt(C_ENCRYPT), Err(CryptoError::WrongReceiveId));
}

#[test]
fn wrong_receive_id_is_rejected_even_with_a_good_signature() {
    let sender = MsgCrypt::new(B_TOKEN, B_KEY, "wx0000000000000000").unwrap();
    let sealed = sender.seal("<xml/>", "1", "2");
    assert_eq!(
        b().open(&sealed.msg_signature, "1", "2", &sealed.encrypt),
        Err(CryptoError::WrongReceiveId)
    );
}

#[test]
fn truncated_ciphertext_is_a_typed_error() {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD.decode(C_ENCRYPT).unwrap();
    let cut = base64::engine::general_purpose::STANDARD.encode(&bytes[..bytes.len() - 5]);
    assert!(matches!(b().decrypt(&cut), Err(CryptoError::BadCiphertext(_))));
    let one_block = base64::engine::general_purpose::STANDARD.encode(&bytes[..16]);
    assert!(matches!(b().decrypt(&one_block), Err(CryptoError::BadCiphertext(16))));
}

#[test]
fn bad_padding_is_a_typed_error() {
    use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::NoPadding};
    use base64::Engine as _;
    let key = raw_key();
    // A plaintext whose last byte says 0x40 = 64, beyond the 32-byte pad block.
    let mut buf = vec![0x40u8; 64];
    let enc = cbc::Encryptor::<aes::Aes256>::new(key[..].into(), key[..16].into());
    let ct = enc.encrypt_padded_mut::<NoPadding>(&mut buf, 64).unwrap().to_vec();
    let text = base64::engine::general_purpose::STANDARD.encode(ct);
    assert_eq!(b().decrypt(&text), Err(CryptoError::BadPlaintext("padding")));
}

#[test]
fn oversized_length_field_is_a_typed_error() {
    use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::NoPadding};
    use base64::Engine as _;
    let key = raw_key();
    let mut buf = vec![b'a'; 16];
    buf.extend_from_slice(&u32::MAX.to_be_bytes());
    buf.extend_from_slice(b"short");
    let pad = 32 - buf.len() % 32;
    buf.resize(buf.len() + pad, pad as u8);
    let len = buf.len();
    let enc = cbc::Encryptor::<aes::Aes256>::new(key[..].into(), key[..16].into());
    let ct = enc.encrypt_padded_mut::<NoPadding>(&mut buf, len).unwrap().to_vec();
    let text = base64::engine::general_purpose::STANDARD.encode(ct);
    assert_eq!(
        b().decrypt(&text),
        Err(CryptoError::BadPlaintext("length field past the end"))
    );
}

#[test]
fn bad_base64_is_a_typed_error() {
    assert_eq!(b().decrypt("not base64 at all!!"), Err(CryptoError::BadBase64));
}

#[test]
fn bad_keys_are_rejected() {
    assert_eq!(AesKey::from_encoding_aes_key("short").unwrap_err(), CryptoError::BadKey);
    assert_eq!(
        AesKey::from_encoding_aes_key(&"A".repeat(44)).unwrap_err(),
        CryptoError::BadKey
    );
    assert_eq!(
        AesKey::from_encoding_aes_key(&format!("{}+", "A".repeat(42))).unwrap_err(),
        CryptoError::BadKey
    );
    assert!(format!("{:?}", b()).contains("***"));
    assert!(!format!("{:?}", b()).contains(B_TOKEN));
}

#[test]
fn previous_key_is_tried_after_rotation() {
    let old_key = B_KEY;
    let new_key = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut";
    let old_sender = MsgCrypt::new(B_TOKEN, old_key, B_APPID).unwrap();
    let sealed = old_sender.seal("<xml>rotated</xml>", "10", "20");
    let receiver = MsgCrypt::new(B_TOKEN, new_key, B_APPID).unwrap();
    assert!(
        receiver
            .open(&sealed.msg_signature, "10", "20", &sealed.encrypt)
            .is_err()
    );
    let receiver = receiver.with_previous_key(old_key).unwrap();
    assert_eq!(
        receiver
            .open(&sealed.msg_signature, "10", "20", &sealed.encrypt)
            .unwrap(),
        "<xml>rotated</xml>"
    );
}

#[test]
fn envelopes_parse_with_and_without_cdata() {
    let cdata =
        Envelope::parse("<xml><AppId><![CDATA[wx1]]></AppId><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>").unwrap();
    assert_eq!((cdata.to.as_deref(), cdata.encrypt.as_str()), (Some("wx1"), "abc+/="));
    let plain = Envelope::parse("<xml>\n <ToUserName>gh_1</ToUserName>\n <Encrypt>xyz</Encrypt>\n</xml>").unwrap();
    assert_eq!((plain.to.as_deref(), plain.encrypt.as_str()), (Some("gh_1"), "xyz"));
    assert!(matches!(
        Envelope::parse("<xml><AppId>wx</AppId></xml>"),
        Err(CryptoError::BadEnvelope(_))
    ));
    // A body cut off before the ciphertext has no <Encrypt> text: refused, never an empty ciphertext.
    assert!(matches!(
        Envelope::parse("<xml><Encrypt>"),
        Err(CryptoError::BadEnvelope(_))
    ));
    let built = Envelope::component_xml("wxc", "E==");
    assert_eq!(Envelope::parse(&built).unwrap().encrypt, "E==");
}

#[test]
fn seal_then_open_round_trips() {
    let crypt = b();
    let sealed = crypt.seal(
        "<xml><InfoType>component_verify_ticket</InfoType></xml>",
        "1700000000",
        "n1",
    );
    assert_eq!(
        crypt
            .open(&sealed.msg_signature, "1700000000", "n1", &sealed.encrypt)
            .unwrap(),
        "<xml><InfoType>component_verify_ticket</InfoType></xml>"
    );
}

proptest! {
    #[test]
    fn random_ciphertext_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        use base64::Engine as _;
        let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let _ = b().decrypt(&text);
    }

    #[test]
    fn random_text_never_panics(text in ".{0,400}") {
        let _ = b().decrypt(&text);
        let _ = b().open(&text, "1", "2", &text);
        let _ = Envelope::parse(&text);
    }

    #[test]
    fn random_xml_like_envelopes_never_panic(inner in "[<>/A-Za-z!\\[\\]CDAT ]{0,200}") {
        let _ = Envelope::parse(&format!("<xml><Encrypt>{inner}</Encrypt></xml>"));
        let _ = Envelope::parse(&format!("<xml>{inner}</xml>"));
    }

    #[test]
    fn any_message_round_trips(msg in ".{0,300}") {
        let crypt = b();
        prop_assert_eq!(crypt.decrypt(&crypt.encrypt(&msg)).unwrap(), msg);
    }
}
