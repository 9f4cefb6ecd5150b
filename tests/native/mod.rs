mod cli;
mod received_corpus;
mod support;
