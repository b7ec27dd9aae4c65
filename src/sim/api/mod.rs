//! Platform endpoints by area, each area a table of `Endpoint` rows and its handlers.

pub mod account;
pub mod categories;
pub mod code;
pub mod component;
pub mod domains;
pub mod housekeeping;
pub mod media;
pub mod message;
pub mod policy;
pub mod privacy;
pub mod register;
pub mod release;
pub mod templates;
pub mod trial;
