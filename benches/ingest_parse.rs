//! Parse (and render) throughput: `cargo bench --bench ingest_parse`.
//! Criterion reports elements/second = pages/second over a mixed set of real and synthetic
//! text pages, plus the HTML path (decode + lol_html extraction + parse).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use quaestor::ingest::{html, parse_page, to_markdown_file};
use std::hint::black_box;
use std::path::Path;

fn pages(ext: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/senate/bundled");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    v.sort();
    v
}

fn bench(c: &mut Criterion) {
    let texts: Vec<String> = pages("txt").iter().map(|b| html::page_text(b)).collect();
    let htmls = pages("html");
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("parse_text_pages", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(parse_page(black_box(t)).unwrap());
            }
        })
    });
    g.bench_function("parse_and_render_text_pages", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(to_markdown_file(&parse_page(black_box(t)).unwrap()));
            }
        })
    });
    g.throughput(Throughput::Elements(htmls.len() as u64));
    g.bench_function("decode_extract_parse_html_pages", |b| {
        b.iter(|| {
            for h in &htmls {
                black_box(parse_page(&html::page_text(black_box(h))).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
