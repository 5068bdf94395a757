//! `--color auto|always|never` and `NO_COLOR` (https://no-color.org): colour only for people at a
//! terminal, never in files, pipes or CI logs unless asked for.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Whether to colour, from the choice, the `NO_COLOR` variable and whether stdout is a terminal.
pub fn decide(choice: ColorChoice, no_color: Option<&str>, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && no_color.is_none_or(str::is_empty),
    }
}

/// Sets colour for the run.
pub fn init(choice: ColorChoice) {
    let no_color = std::env::var("NO_COLOR").ok();
    let on = decide(choice, no_color.as_deref(), std::io::stdout().is_terminal());
    ENABLED.store(on, Ordering::Relaxed);
}

/// A unified diff with removed lines red, added lines green and hunk headers cyan, when colour is
/// on; unchanged otherwise.
pub fn diff(text: &str) -> String {
    if !ENABLED.load(Ordering::Relaxed) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let code = if body.starts_with("+++") || body.starts_with("---") {
            "1"
        } else if body.starts_with('+') {
            "32"
        } else if body.starts_with('-') {
            "31"
        } else if body.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            out.push_str(&format!("\x1b[{code}m{body}\x1b[0m{end}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_and_pipes_switch_auto_off_but_not_always() {
        assert!(decide(ColorChoice::Auto, None, true));
        assert!(!decide(ColorChoice::Auto, Some("1"), true));
        assert!(decide(ColorChoice::Auto, Some(""), true));
        assert!(!decide(ColorChoice::Auto, None, false));
        assert!(decide(ColorChoice::Always, Some("1"), false));
        assert!(!decide(ColorChoice::Never, None, true));
    }
}
