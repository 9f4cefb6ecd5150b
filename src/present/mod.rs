//! Reports rendered for people: plain text.

pub mod inert;
pub mod render;
