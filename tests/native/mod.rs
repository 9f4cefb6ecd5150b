mod authres_corpus;
mod bounce_corpus;
mod cli;
mod received_corpus;
mod samples;
mod schema;
mod support;
