//! The `quaestor` command line: parse arguments, run one pipeline, print the outcome.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use quaestor::error::{terminal_safe, Error};
use quaestor::output::footprint;
use quaestor::pipeline::{self, BuildOptions};
use quaestor::report;

/// mimalloc: rendering allocates many short-lived strings across threads; the system allocator
/// spent over a tenth of a build in malloc and free (callgrind, docs/PERFORMANCE.md). Built with
/// `no_thp`: on a kernel that offers transparent huge pages, mimalloc's arenas otherwise become
/// resident 2 MB at a time (peak memory 94 → 61 MB at 10,000 questions, same speed).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "quaestor",
    version,
    about = "Static portals of parliamentary written questions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site in DIR into the output folder.
    #[command(after_help = "Examples:
  quaestor build                          the site in this folder, into output/
  quaestor build --root my-portal         another folder
  quaestor build --as-of 2026-12-01 --base-url https://user.github.io/portal/

A failed build lists every problem of every file and leaves the previous output as it was.")]
    Build {
        /// Site folder holding quaestor.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: <root>/output).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Public address of the site, overriding base_url (e.g. https://user.github.io/repo/).
        #[arg(long)]
        base_url: Option<String>,
        /// The date deadlines are measured against (default: as_of in quaestor.toml, else today).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        /// Theme to use instead of the configured one (e.g. `bench` for benchmarks).
        #[arg(long, value_name = "NAME")]
        theme: Option<String>,
        /// Build everything from scratch: neither read nor write the cache in .quaestor-cache/.
        #[arg(long)]
        no_cache: bool,
        /// Replace the output folder even when it holds files quaestor did not make (it has no
        /// .quaestor-output marker): everything in it is deleted. The site folder and its
        /// content, data, themes, templates and static folders are refused all the same.
        #[arg(long)]
        force_output: bool,
    },
    /// Validate all content and every internal link without writing anything.
    #[command(after_help = "Examples:
  quaestor check                          the site in this folder
  quaestor check --root my-portal         another folder

Every problem of every file is listed, with its line and field; the exit status is 1 if there is any.")]
    Check {
        /// Site folder holding quaestor.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Public address of the site, overriding base_url (e.g. https://user.github.io/repo/).
        #[arg(long)]
        base_url: Option<String>,
        /// The date deadlines are measured against (default: as_of in quaestor.toml, else today).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = date_arg)]
        as_of: Option<NaiveDate>,
    },
    /// Build, serve on localhost, rebuild on every change and reload open pages.
    #[command(after_help = "Examples:
  quaestor serve                          the site in this folder, on http://127.0.0.1:1111/
  quaestor serve --root my-portal --port 0

Stop it with Ctrl-C.")]
    Serve {
        /// Site folder holding quaestor.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0 picks a free one; the address is printed).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Keep it local: this is a development server with no
        /// authentication, serving drafts.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
    },
    /// Start a new site in DIR: configuration, an example question in Dutch and French, a
    /// ministries table, .gitignore, and GitHub Pages and Netlify set-ups. Never replaces a file.
    ///
    /// Example: `quaestor init my-portal && cd my-portal && quaestor build`
    Init {
        /// Folder to create the site in (created when missing; may hold other files).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Turn Belgian Senate question pages (files, folders or URLs) into content files.
    #[command(after_help = "Examples:
  quaestor ingest saved-pages/            pages saved from senate.be
  quaestor ingest --legislature 8 --range 1-100 --cache .ingest-cache")]
    Ingest(quaestor::ingest::IngestArgs),
}

/// A date on the command line, in the one form content files use.
fn date_arg(text: &str) -> Result<NaiveDate, String> {
    quaestor::content::raw::parse_date(text)
        .map_err(|why| quaestor::content::raw::date_message(text, why))
}

fn interactive() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            as_of,
            theme,
            no_cache,
            force_output,
        } => {
            let opts = BuildOptions {
                output,
                base_url,
                as_of,
                theme,
                progress: interactive(),
                cache: !no_cache,
                force_output,
                ..BuildOptions::new(&root)
            };
            match pipeline::build(&opts) {
                Ok(s) => {
                    let how = match (s.incremental, s.written + s.removed) {
                        (true, 0) => "nothing changed".to_string(),
                        (true, _) => format!(
                            "updated in place: {} written, {} removed, {} unchanged",
                            s.written, s.removed, s.unchanged
                        ),
                        (false, _) => format!("{} written, {} unchanged", s.written, s.unchanged),
                    };
                    println!(
                        "Built {} question files into {} pages ({} files; {how}) in {:.2} s → {}",
                        s.questions,
                        s.pages,
                        s.files,
                        s.elapsed.as_secs_f64(),
                        s.output.display()
                    );
                    println!("{}", footprint::describe(s.bytes, s.files));
                    for w in footprint::warnings(s.bytes, s.files) {
                        eprintln!("warning: {w}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    // Said only when there is a previous output to speak of.
                    let out = opts.output_dir();
                    let kept = match std::fs::symlink_metadata(&out) {
                        Ok(m) if m.is_dir() => format!(
                            "the previous output in {} was left untouched",
                            out.display()
                        ),
                        _ => "nothing was written".to_string(),
                    };
                    failed(&root, e, "build", &kept)
                }
            }
        }
        Command::Check {
            root,
            base_url,
            as_of,
        } => {
            let opts = BuildOptions {
                base_url,
                as_of,
                cache: false,
                ..BuildOptions::new(&root)
            };
            match pipeline::check(&opts) {
                Ok(s) => {
                    println!(
                        "OK: {} question files, {} pages, {} internal links checked",
                        s.questions, s.pages, s.links
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => failed(&root, e, "check", "nothing was written"),
            }
        }
        Command::Serve { root, port, bind } => {
            // No site here: say so as `build` does, rather than serve an empty folder. A broken
            // quaestor.toml is served, with the overlay, so that it can be fixed live.
            if !root.join("quaestor.toml").exists() {
                if let Err(e) = quaestor::config::Config::load(&root) {
                    return failed(&root, e, "serve", "nothing was served");
                }
            }
            match quaestor::serve::serve(&quaestor::serve::ServeOptions { root, bind, port }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: serve failed: {}", terminal_safe(&e.to_string()));
                    ExitCode::FAILURE
                }
            }
        }
        Command::Init { dir } => match quaestor::init::init(&dir) {
            Ok(written) => {
                for path in &written {
                    println!("created {}", terminal_safe(&path.display().to_string()));
                }
                let shown = dir.display().to_string();
                let shown = terminal_safe(&shown);
                println!("\nA new site is ready in {shown}. Next:\n");
                if dir != std::path::Path::new(".") {
                    println!("  cd {shown}");
                }
                println!("  quaestor build    # writes the site into output/");
                println!("  quaestor serve    # shows it on http://127.0.0.1:1111/ and rebuilds on every change");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: init failed: {}", terminal_safe(&e.to_string()));
                ExitCode::FAILURE
            }
        },
        // Exit codes: 0 every page written or unchanged (hand-edited files left alone included,
        // warned about on stderr), 1 some page rejected or not fetched, 2 nothing could run
        // (bad arguments, an unusable content folder or manifest; clap's usage errors are 2 too).
        Command::Ingest(args) => match quaestor::ingest::run(&args) {
            Ok(report) => {
                for line in report.to_string().lines() {
                    println!("{}", terminal_safe(line));
                }
                for path in &report.hand_edited {
                    eprintln!(
                        "warning: {} was edited by hand and left alone (re-run with --force to replace it)",
                        terminal_safe(&path.display().to_string())
                    );
                }
                if report.has_failures() {
                    eprintln!(
                        "error: ingest: {} page(s) rejected or not fetched (listed above)",
                        report.rejected.len()
                    );
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                eprintln!("error: ingest failed: {}", terminal_safe(&e.to_string()));
                ExitCode::from(2)
            }
        },
    }
}

fn failed(root: &std::path::Path, e: Error, what: &str, consequence: &str) -> ExitCode {
    match &e {
        Error::Invalid(d) => {
            report::print(root, d, interactive());
            let files: std::collections::BTreeSet<_> = d.iter().map(|d| &d.path).collect();
            eprintln!(
                "error: {what} failed: {} problem(s) in {} file(s); {}",
                d.len(),
                files.len(),
                terminal_safe(consequence)
            );
        }
        other => eprintln!(
            "error: {what} failed: {}; {}",
            terminal_safe(&other.to_string()),
            terminal_safe(consequence)
        ),
    }
    ExitCode::FAILURE
}
