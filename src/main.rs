//! The mailtrace command line: [`mailtrace::driver::cli`] parses the arguments and runs the
//! subcommand.
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
fn main() {
    // The CLI is native only; in the browser the page drives the library.
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    mailtrace::driver::cli::main()
}
