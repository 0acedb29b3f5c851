//! A body, as text, through Markdown rendering, sanitising and post-processing. Whatever the
//! input, no script element and no event handler may come out.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body lives in the library, so that `cargo test` replays the corpus through the same code.
fuzz_target!(|data: &[u8]| quaestor::fuzzing::markdown(data));
