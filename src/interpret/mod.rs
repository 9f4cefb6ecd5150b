//! What the checks mean together: the live checks wired to one message, then versus now, the diagnosis.

pub mod asks;
pub mod bounce_ip;
pub mod diagnosis;
pub mod findings;
pub mod live;
