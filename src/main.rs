//! The `ocrclean` command. Exit codes: 0 ok, 1 `check` found drift, 2 error.

use std::process::ExitCode;

use clap::Parser;

mod bench_cli;
mod cli;
mod eval_cli;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(cli::Status::Error as u8)
        }
    }
}
