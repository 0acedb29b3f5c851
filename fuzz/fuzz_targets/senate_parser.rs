//! A Senate page, as bytes (text or saved HTML), through decoding, parsing and rendering to a
//! content file.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body lives in the library, so that `cargo test` replays the corpus through the same code.
fuzz_target!(|data: &[u8]| quaestor::fuzzing::senate_parser(data));
