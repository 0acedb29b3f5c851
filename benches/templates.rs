//! Tera 1 against Tera 2 on the default theme's question page, with the same context. This is the
//! measurement behind the choice of Tera 2 (see docs/PERFORMANCE.md).

use std::collections::BTreeMap;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

fn templates() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

fn strings() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/nl.toml"),
    )
    .unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let map: BTreeMap<String, String> = table
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
        .collect();
    serde_json::to_value(map).unwrap()
}

fn page_context() -> Value {
    let paragraph = "<p>De omstreden Israëlische spionagesoftware Pegasus is in het bezit van meer Europese lidstaten dan aanvankelijk gedacht. Het moederbedrijf heeft bevestigd dat veertien Europese landen de software hebben aangeschaft en gebruikt.</p>\n";
    let named = |n: &str, u: &str| json!({"name": n, "url": u});
    json!({
        "page": {"kind": "question", "title": "Spionage - Software Pegasus - Veiligheidsrisico's", "description": "Schriftelijke vraag 7-1870", "lang": "nl",
                 "url": "/questions/7-1870/", "canonical": "https://example.org/questions/7-1870/",
                 "alternates": [{"lang": "nl", "label": "Nederlands", "url": "/questions/7-1870/", "absolute": "https://example.org/questions/7-1870/", "current": true, "exact": true},
                                {"lang": "fr", "label": "Français", "url": "/fr/questions/7-1870/", "absolute": "https://example.org/fr/questions/7-1870/", "current": false, "exact": true}]},
        "q": {"id": "7-1870", "title": "Spionage - Software Pegasus - Veiligheidsrisico's - Hacking - Privacy", "legislature": 7, "legislature_label": "Zittingsperiode 7",
              "legislature_url": "/legislatures/7/", "number": 1870, "author": named("Rik Daems", "/members/rik-daems/"), "party": named("Open Vld", "/parties/open-vld/"),
              "addressee": "minister van Defensie", "addressee_kind": "minister", "ministries": [named("Defensie", "/ministries/defensie/")],
              "keywords": (0..6).map(|i| named(&format!("trefwoord {i}"), &format!("/keywords/trefwoord-{i}/"))).collect::<Vec<_>>(),
              "date": "26 januari 2023", "date_iso": "2023-01-26", "deadline": "2 maart 2023", "deadline_iso": "2023-03-02", "answered": "8 maart 2023", "answered_iso": "2023-03-08",
              "days_to_answer": "41 dagen", "timing": "6 dagen te laat", "timing_class": "late", "status": "answered", "status_label": "Beantwoord",
              "events": [{"date": "26 januari 2023", "date_iso": "2023-01-26", "label": "Verzending vraag"}, {"date": "8 maart 2023", "date_iso": "2023-03-08", "label": "Antwoord"}],
              "related": [{"label": "Ook gesteld aan", "target_label": "Schriftelijke vraag", "id": "7-1871", "url": "/questions/7-1871/", "in_portal": true, "title": "Spionage"}],
              "original_lang": "Nederlands", "is_translation": false, "original_url": null,
              "question_html": paragraph.repeat(12), "answer_html": paragraph.repeat(8), "source": "https://www.senate.be/www/?MIval=/Vragen/SchriftelijkeVraag&LEG=7&NR=1870&LANG=nl"},
    })
}

fn globals() -> Value {
    json!({
        "site": {"title": "Quaestor demo", "description": "", "base": "/", "base_url": "https://example.org/", "lang": "nl", "default_language": "nl", "as_of": "28 november 2026", "as_of_iso": "2026-11-28"},
        "t": strings(),
        "nav": {"home": "/", "questions": "/questions/", "keywords": "/keywords/", "ministries": "/ministries/", "members": "/members/", "parties": "/parties/", "legislatures": "/legislatures/"},
        "fragments": {"header": "<header>…</header>", "footer": "<footer>…</footer>"},
    })
}

fn bench(c: &mut Criterion) {
    let templates = templates();
    let page = page_context();
    let globals = globals();

    let mut t1 = tera1::Tera::default();
    t1.add_raw_templates(templates.clone()).unwrap();
    // Tera 1 has no global context: everything goes into each page's context.
    let mut all = page.clone();
    all.as_object_mut()
        .unwrap()
        .extend(globals.as_object().unwrap().clone());
    c.bench_function("tera1/question_page", |b| {
        b.iter(|| {
            let ctx = tera1::Context::from_serialize(&all).unwrap();
            t1.render("question.html", &ctx).unwrap()
        })
    });

    let mut t2 = tera::Tera::new();
    t2.add_raw_templates(templates).unwrap();
    for (k, v) in globals.as_object().unwrap() {
        t2.global_context().insert(k.clone(), v);
    }
    c.bench_function("tera2/question_page", |b| {
        b.iter(|| {
            let ctx = tera::Context::from_serialize(&page).unwrap();
            t2.render("question.html", &ctx).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
