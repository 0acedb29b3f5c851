//! The hot paths of a build, one benchmark each: front-matter parsing (the fast reader through
//! `frontmatter::parse`, and serde_yaml), Markdown rendering,
//! post-processing with lol_html, and slugging. Templates are in `benches/templates.rs`.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn sample() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content/questions/7/7-1870.nl.md"),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let text = sample();
    let path = Path::new("content/questions/7/7-1870.nl.md");

    let mut g = c.benchmark_group("hot");
    g.throughput(Throughput::Elements(1));
    g.bench_function("front_matter_parse", |b| {
        b.iter(|| {
            let split = quaestor::content::split::split(path, &text).unwrap();
            quaestor::content::frontmatter::parse(path, &split).unwrap()
        })
    });
    let split = quaestor::content::split::split(path, &text).unwrap();
    // What front matter outside ingest's layout costs: serde_yaml, the parser of record.
    g.bench_function("front_matter_parse_serde_yaml", |b| {
        b.iter(|| {
            serde_yaml::from_str::<quaestor::content::raw::RawFrontMatter>(split.yaml).unwrap()
        })
    });
    let body = quaestor::content::body::split(split.body).unwrap();
    g.bench_function("markdown_render", |b| {
        b.iter(|| quaestor::render::markdown::render(body.question))
    });
    let html = quaestor::render::markdown::render(body.question);
    g.bench_function("postprocess_with_links", |b| {
        b.iter(|| quaestor::render::postprocess::process(&html, "/repo/"))
    });
    let plain = quaestor::render::markdown::render("Een alinea zonder links.\n\n1) een\n2) twee\n");
    g.bench_function("postprocess_without_links", |b| {
        b.iter(|| quaestor::render::postprocess::process(&plain, "/repo/"))
    });
    g.bench_function("slugify", |b| {
        b.iter(|| {
            quaestor::site::slug::slugify("Sécurité sociale des travailleurs indépendants (INASTI)")
        })
    });
    let names: Vec<String> = (0..2000)
        .map(|i| format!("Trefwoord nummer {i} é"))
        .collect();
    g.throughput(Throughput::Elements(names.len() as u64));
    g.bench_function("slug_assign_2000_terms", |b| {
        b.iter(|| quaestor::site::slug::assign(names.iter().map(String::as_str)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
