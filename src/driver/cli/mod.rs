//! The command line (native only, the `cli` feature): [`main`] parses the arguments with clap
//! ([`args`]) and runs the subcommand ([`commands`]). `src/main.rs` only calls [`main`].
//!
//! Exit status: 0 when the analysis completed (whatever it found), 2 on bad usage (clap's
//! usage errors too) or unreadable input.

pub mod args;
pub mod commands;

use args::{Cli, Command};
use clap::{CommandFactory, Parser};
use std::process::ExitCode;

/// The exit status for bad usage or unreadable input.
const USAGE_ERROR: u8 = 2;

/// Runs the command line with the process's arguments.
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

/// Runs the command line with `args` (the program name first).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to standard output and are no error; a usage error
            // (with clap's suggestions) goes to standard error.
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(USAGE_ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let done = match cli.command {
        None => {
            let _ = Cli::command().print_help();
            Ok(())
        }
        Some(Command::Analyze(a)) => commands::analyze(&a),
        Some(Command::Spf(a)) => commands::spf(&a),
        Some(Command::Dmarc(a)) => commands::dmarc(&a),
        Some(Command::Domain(a)) => commands::domain(&a),
        Some(Command::Bounces(a)) => commands::bounces(&a),
        Some(Command::Completions(a)) => commands::completions(a.shell),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("mailtrace: {}", crate::present::inert::lines(&message));
            ExitCode::from(USAGE_ERROR)
        }
    }
}
