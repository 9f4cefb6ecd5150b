//! Reports rendered for people: plain text.

pub mod render;
