mod cli;
mod received_corpus;
mod schema;
mod support;
