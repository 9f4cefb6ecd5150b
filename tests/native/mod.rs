mod authres_corpus;
mod cli;
mod dmarc_corpus;
mod received_corpus;
mod samples;
mod schema;
mod support;
