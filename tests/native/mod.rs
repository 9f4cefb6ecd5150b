mod authres_corpus;
mod cli;
mod received_corpus;
mod samples;
mod schema;
mod spf_corpus;
mod support;
