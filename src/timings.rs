//! Phase timings for profiling a build: with `QUAESTOR_TIMINGS` set in the environment, each
//! step prints how long the build has run when it ends. Any layer may report a phase; this module
//! depends on nothing else in the crate.

use std::sync::OnceLock;
use std::time::Instant;

/// Prints `name` with the time since `started`, when `QUAESTOR_TIMINGS` is set.
pub fn phase(started: Instant, name: &str) {
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("QUAESTOR_TIMINGS").is_some()) {
        eprintln!("{:>8.1} ms  {name}", started.elapsed().as_secs_f64() * 1e3);
    }
}
