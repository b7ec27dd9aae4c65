//! The console's background side: hub client, local SQLite cache, keychain, `Command` in and `Event` out.
