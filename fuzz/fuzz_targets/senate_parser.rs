//! A Senate page, as bytes (text or saved HTML), through decoding, parsing and rendering to a
//! content file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = quaestor::ingest::html::page_text(data);
    if let Ok(page) = quaestor::ingest::parse_page(&text) {
        let _ = quaestor::ingest::to_markdown_file(&page);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(page) = quaestor::ingest::parse_page(text) {
            let _ = quaestor::ingest::to_markdown_file(&page);
        }
    }
});
