//! Phase timings for profiling a build: with `QUAESTOR_TIMINGS` set in the environment, each
//! step prints how long the build has run when it ends, and the process's resident memory then
//! (current and peak, where the system reports them). Any layer may report a phase; this module
//! depends on nothing else in the crate.

use std::sync::OnceLock;
use std::time::Instant;

/// Prints `name` with the time since `started`, when `QUAESTOR_TIMINGS` is set.
pub fn phase(started: Instant, name: &str) {
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("QUAESTOR_TIMINGS").is_some()) {
        eprintln!(
            "{:>8.1} ms {:>16}  {name}",
            started.elapsed().as_secs_f64() * 1e3,
            memory().unwrap_or_default()
        );
    }
}

/// "RSS 85 MB, peak 90" from `/proc/self/status` (Linux); `None` elsewhere.
fn memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    let (now, peak) = (field("VmRSS:")?, field("VmHWM:")?);
    Some(format!("{} MB, peak {}", now / 1024, peak / 1024))
}
