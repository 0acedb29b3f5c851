//! A question file, as bytes, through everything `content::load` does to it: decoding, the
//! control-character check, splitting, YAML, body sections and validation.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body lives in the library, so that `cargo test` replays the corpus through the same code.
fuzz_target!(|data: &[u8]| quaestor::fuzzing::front_matter(data));
