//! Parsers of pasted text: the paste itself, header fields, addresses, dates, encoded words, Received fields, recorded authentication results, DKIM-Signature fields.

pub mod address;
pub mod authres;
pub mod date;
pub mod dkim_signature;
pub mod header_info;
pub mod input;
pub mod received;
pub mod recorded;
pub mod rfc2047;
