//! `ocrclean config`, `ocrclean completions SHELL` and `ocrclean man`: the command describing itself.

use std::path::PathBuf;

use clap::{Args as ClapArgs, CommandFactory as _};
use clap_complete::Shell;

use super::config::{self, Origin};
use super::settings::effective;
use super::{Args, RunArgs, Status};

#[derive(Debug, ClapArgs)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    shell: Shell,
}

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<Status> {
    let mut command = Args::command();
    clap_complete::generate(args.shell, &mut command, "ocrclean", &mut std::io::stdout());
    Ok(Status::Ok)
}

pub fn man() -> anyhow::Result<Status> {
    clap_mangen::Man::new(Args::command()).render(&mut std::io::stdout())?;
    Ok(Status::Ok)
}

/// Prints every setting of a run as `key = value  # origin`, in the config file's syntax.
pub fn print_config(run: &RunArgs) -> anyhow::Result<Status> {
    let file = config::get();
    let s = effective(run);
    match &file.path {
        Some(path) => println!("# config file: {}", path.display()),
        None => println!(
            "# config file: none ({} not found in the working folder or above)",
            config::FILE_NAME
        ),
    }
    let line = |key: &str, value: String, origin: &Origin| println!("{key} = {value}  # {origin}");
    let list = |items: Vec<String>| format!("[{}]", items.join(", "));
    let quoted = |s: &str| format!("{s:?}");
    let rules: Vec<String> = s
        .rules
        .iter()
        .map(|(d, o)| format!("{} ({o})", d.display()))
        .collect();
    println!(
        "rules = {}  # laid over the bundled rules, in this order",
        list(rules.iter().map(|r| quoted(r)).collect())
    );
    line(
        "bundled-rules",
        s.bundled_rules.0.to_string(),
        &s.bundled_rules.1,
    );
    let disabled: Vec<String> = s
        .disabled
        .iter()
        .map(|(id, o)| format!("{} ({o})", id))
        .collect();
    println!(
        "disable = {}",
        list(disabled.iter().map(|d| quoted(d)).collect())
    );
    line(
        "min-confidence",
        s.min_confidence.0.to_string(),
        &s.min_confidence.1,
    );
    line(
        "lang",
        s.lang
            .0
            .as_deref()
            .map_or("\"detected per document\"".into(), quoted),
        &s.lang.1,
    );
    line("lossy", s.lossy.0.to_string(), &s.lossy.1);
    line(
        "jobs",
        s.jobs.0.map_or("\"all cores\"".into(), |j| j.to_string()),
        &s.jobs.1,
    );
    let f = &file.settings;
    let (out, origin) = file.pick(None, &f.out, PathBuf::from("cleaned"));
    let out = if origin == Origin::Default {
        out
    } else {
        file.resolve(&out)
    };
    line("out", quoted(&out.display().to_string()), &origin);
    let (html, origin) = file.pick(None, &f.html, true);
    line("html", html.to_string(), &origin);
    match &f.max_diff_lines {
        Some(n) => line("max-diff-lines", n.get_ref().to_string(), &file.origin(n)),
        None => line("max-diff-lines", "\"no limit\"".into(), &Origin::Default),
    }
    let (format, origin) = file.pick(None, &f.output_format, super::check::OutputFormat::Text);
    line(
        "output-format",
        quoted(&format!("{format:?}").to_lowercase()),
        &origin,
    );
    let (color, origin) = file.pick(None, &f.color, super::color::ColorChoice::Auto);
    line(
        "color",
        quoted(&format!("{color:?}").to_lowercase()),
        &origin,
    );
    Ok(Status::Ok)
}
