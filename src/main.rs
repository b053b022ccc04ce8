//! The `kembar` binary: parse the command line, run, and turn errors into messages and exit
//! codes (0 success, 1 failure, 2 bad usage).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = kembar::cli::Cli::parse();
    match kembar::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Messages carry file names, user names and record text from outside: nothing
            // in them may drive the terminal.
            let message = kembar::errors::describe(&e);
            eprintln!(
                "kembar: {}",
                kembar::domain::text::display_safe_lines(&message)
            );
            ExitCode::FAILURE
        }
    }
}
