mod authres_corpus;
mod cli;
mod dkim_corpus;
mod received_corpus;
mod samples;
mod schema;
mod spf_corpus;
mod support;
