//! A profile secret's round trip through the OS keychain: the real Secret Service when `WXDESK_REQUIRE_KEYCHAIN=1`
//! (CI runs this under dbus-run-session with gnome-keyring), keyring's mock store otherwise.

use wxdesk::engine::keychain::{NoKeychain, OsKeychain, SecretStore, account, names};
use wxdesk::engine::protocol::{ErrorKind, ProfileId, Secret};

fn real_keychain_required() -> bool {
    std::env::var("WXDESK_REQUIRE_KEYCHAIN").is_ok_and(|value| value == "1")
}

#[test]
fn a_profile_secret_is_stored_read_back_and_deleted() {
    let real = real_keychain_required();
    if !real {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    }
    // A name no user's real profile has, so the test never touches an actual operator key.
    let account = format!("test-{}/{}", std::process::id(), names::OPERATOR_KEY);
    let secret = Secret::new(format!("op-key-{}", std::process::id()));
    let store = OsKeychain::new();

    store.store(&account, &secret).expect("store");
    assert_eq!(store.read(&account).expect("read"), Some(secret.clone()));
    if real {
        // A second handle reads through the Secret Service itself, not a value remembered in this process.
        assert_eq!(
            OsKeychain::new().read(&account).expect("read again"),
            Some(secret.clone())
        );
    }
    let changed = Secret::new("rotated");
    store.store(&account, &changed).expect("overwrite");
    assert_eq!(store.read(&account).expect("read changed"), Some(changed));

    store.delete(&account).expect("delete");
    assert_eq!(store.read(&account).expect("read deleted"), None);
    store.delete(&account).expect("deleting twice is fine");
}

#[test]
fn accounts_are_named_after_the_profile() {
    assert_eq!(
        account(ProfileId::Local, names::ENCODING_AES_KEY),
        "local/encoding_aes_key"
    );
    assert_eq!(account(ProfileId::Remote, names::OPERATOR_KEY), "remote/operator_key");
}

#[test]
fn without_a_keychain_the_error_says_so_and_what_to_do() {
    let error = NoKeychain
        .store("local/token", &Secret::new("tok3n-value"))
        .expect_err("no keychain");
    assert_eq!(error.kind, ErrorKind::Keychain);
    assert!(error.message.contains("Secret Service"), "{}", error.message);
    assert!(error.message.contains("sandbox"), "{}", error.message);
    assert!(!error.message.contains("tok3n-value"));
    assert_eq!(NoKeychain.probe().map_err(|e| e.kind), Err(ErrorKind::Keychain));
}
