mod authres_corpus;
mod cli;
mod received_corpus;
mod schema;
mod support;
