//! Search: the bundle under `search-index/<lang>/` is built from the library, one index per
//! language holding every question, read here as the browser client reads it (format 1 of
//! docs/SEARCH.md: meta, shards of folded forms with their stems' postings, record chunks, facets).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;
use quaestor::output::search::words::fold;
use serde_json::Value;

/// The standard fixture with search switched on, as a site asks for it in quaestor.toml.
fn searchable() -> Site {
    let site = Site::standard();
    site.write("quaestor.toml", &format!("{CONFIG}search = true\n"));
    site
}

fn json(out: &Path, rel: &str) -> Value {
    let p = out.join("search-index").join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn undelta(list: &Value) -> Vec<u64> {
    let mut at = 0;
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            at += d.as_u64().unwrap();
            at
        })
        .collect()
}

/// Looks `word` up as the client does: fold, load the shards whose range meets
/// `[w, w + "\u{ffff}")`, take the forms equal to it (or starting with it, from 3 characters)
/// and their stems' postings. Document number → best weight.
fn lookup(out: &Path, lang: &str, word: &str) -> BTreeMap<u64, u64> {
    let w = fold(word);
    let prefix = w.chars().count() >= 3;
    let meta = json(out, &format!("{lang}/meta.json"));
    let shards: Vec<&str> = meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let upper = format!("{w}\u{ffff}");
    let mut found = BTreeMap::new();
    for (n, first) in shards.iter().enumerate() {
        let past_end = shards.get(n + 1).is_some_and(|next| *next <= w.as_str());
        if past_end || *first >= upper.as_str() {
            continue;
        }
        let shard = json(out, &format!("{lang}/t/{n}.json"));
        let forms = shard["forms"].as_array().unwrap();
        for (i, form) in forms.iter().enumerate() {
            let form = form.as_str().unwrap();
            assert!(form >= *first, "{form} is in shard {n} starting at {first}");
            if !(form == w || prefix && form.starts_with(&w)) {
                continue;
            }
            let s = shard["stem"][i].as_u64().unwrap() as usize;
            let docs = undelta(&shard["postings"][s]);
            let weights = shard["weights"][s].as_array().unwrap();
            assert_eq!(docs.len(), weights.len());
            for (d, wt) in docs.into_iter().zip(weights) {
                let e = found.entry(d).or_insert(0);
                *e = (*e).max(wt.as_u64().unwrap());
            }
        }
    }
    found
}

/// Every record of a language's index, in document order.
fn records(out: &Path, lang: &str) -> Vec<Value> {
    let meta = json(out, &format!("{lang}/meta.json"));
    let (docs, chunk) = (
        meta["docs"].as_u64().unwrap(),
        meta["chunk"].as_u64().unwrap(),
    );
    let mut all = Vec::new();
    for k in 0..docs.div_ceil(chunk) {
        let part = json(out, &format!("{lang}/d/{k}.json"));
        all.extend(part.as_array().unwrap().iter().cloned());
    }
    assert_eq!(all.len() as u64, docs);
    all
}

/// The question ids `word` finds in `lang`, with their best weight.
fn ids(out: &Path, lang: &str, word: &str) -> BTreeMap<String, u64> {
    let recs = records(out, lang);
    lookup(out, lang, word)
        .into_iter()
        .map(|(d, w)| (recs[d as usize]["i"].as_str().unwrap().to_string(), w))
        .collect()
}

fn keys(found: &BTreeMap<String, u64>) -> Vec<&str> {
    found.keys().map(String::as_str).collect()
}

/// A facet of `lang` as value → question ids.
fn facet(out: &Path, lang: &str, key: &str) -> Vec<(String, BTreeSet<String>)> {
    let recs = records(out, lang);
    let f = json(out, &format!("{lang}/f/{key}.json"));
    let values = f["values"].as_array().unwrap();
    let docs = f["docs"].as_array().unwrap();
    assert_eq!(values.len(), docs.len());
    values
        .iter()
        .zip(docs)
        .map(|(v, d)| {
            let ids = undelta(d)
                .into_iter()
                .map(|n| recs[n as usize]["i"].as_str().unwrap().to_string())
                .collect();
            (v.as_str().unwrap().to_string(), ids)
        })
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// The standard fixture plus questions with words to find: a body with "aanvallen", another with
/// "aanval", a title word, an accented word, and a French-only question.
fn with_words() -> Site {
    let site = searchable();
    let add = |id: &str, lang: &str, title: &str, date: &str, text: &str| {
        let q = question(id, lang, title, &["cyber"], date, None);
        site.add(id, lang, &format!("{q}\n{text}\n"));
    };
    add(
        "7-6",
        "nl",
        "Spionagesoftware op telefoons",
        "2023-02-01",
        "De aanvallen op zeventien ministeriële gsm's.",
    );
    add(
        "7-7",
        "nl",
        "Een vraag over servers",
        "2023-02-02",
        "Eén aanval op de servers.",
    );
    add(
        "7-8",
        "fr",
        "Les assurances des hôpitaux",
        "2023-02-03",
        "L'assurance-maladie et l'œuvre sociale.",
    );
    site
}

#[test]
fn search_is_on_unless_the_site_turns_it_off() {
    let site = Site::standard();
    site.build().unwrap();
    assert!(site.out().join("search-index/nl/meta.json").is_file());
    assert!(site.page("index.html").contains("search/"));
    site.write("quaestor.toml", &format!("{CONFIG}search = false\n"));
    site.build().unwrap();
    assert!(!site.out().join("search-index").exists());
    assert!(!site.out().join("search/index.html").exists());
    assert!(!site.page("index.html").contains("search/"));
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn every_language_has_meta_shards_chunks_and_facets() {
    let site = searchable();
    site.build().unwrap();
    let out = site.out();
    let all = files(&out);
    for (lang, labels) in [
        ("nl", ["Jaar", "Zittingsperiode", "Status", "Lid"]),
        ("fr", ["Année", "Législature", "Statut", "Membre"]),
    ] {
        let meta = json(&out, &format!("{lang}/meta.json"));
        assert_eq!(meta["version"], 1);
        assert_eq!(meta["lang"], lang);
        assert_eq!(meta["docs"], 5, "{meta}");
        assert_eq!(meta["shards"][0], "");
        let facets: Vec<(&str, &str)> = meta["facets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["key"].as_str().unwrap(), f["label"].as_str().unwrap()))
            .collect();
        let keys: Vec<&str> = facets.iter().map(|f| f.0).collect();
        assert_eq!(
            keys,
            [
                "year",
                "legislature",
                "status",
                "member",
                "party",
                "ministry",
                "language",
                "keyword"
            ]
        );
        let shown: Vec<&str> = facets.iter().take(4).map(|f| f.1).collect();
        assert_eq!(shown, labels);
        for f in keys {
            assert!(all.contains(&format!("search-index/{lang}/f/{f}.json")));
        }
        for n in 0..meta["shards"].as_array().unwrap().len() {
            assert!(all.contains(&format!("search-index/{lang}/t/{n}.json")));
        }
        assert!(all.contains(&format!("search-index/{lang}/d/0.json")));
    }
    assert!(site.out().join("search/index.html").exists());
    assert!(site.out().join("fr/search/index.html").exists());
}

#[test]
fn every_question_is_a_document_of_every_language_newest_first() {
    let site = with_words();
    site.build().unwrap();
    let out = site.out();
    for lang in ["nl", "fr"] {
        let recs = records(&out, lang);
        let ids: Vec<&str> = recs.iter().map(|r| r["i"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            ["7-8", "7-7", "7-6", "7-5", "7-4", "7-3", "7-2", "7-1"],
            "{lang}"
        );
        let dates: Vec<&str> = recs.iter().map(|r| r["d"].as_str().unwrap()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    }
    // The French-only question in the Dutch index, found and shown in French.
    let nl = records(&out, "nl");
    assert_eq!(nl[0]["l"], "fr");
    assert_eq!(nl[0]["u"], "fr/questions/7-8/");
    assert_eq!(nl[0]["t"], "Les assurances des hôpitaux");
    assert_eq!(nl[7]["l"], "nl");
    assert_eq!(nl[7]["u"], "questions/7-1/");
    assert_eq!(nl[7]["a"], "Anna Peeters");
    assert_eq!(nl[7]["p"], "Groen");
    assert_eq!(nl[7]["n"], 3);
    assert_eq!(nl[7]["s"], "Beantwoord");
    assert!(nl[7]["x"].as_str().unwrap().starts_with("Text of 7-1."));
    assert!(out
        .join(nl[7]["u"].as_str().unwrap())
        .join("index.html")
        .exists());
    // The Dutch-only questions in the French index, with French labels.
    let fr = records(&out, "fr");
    assert_eq!(fr[7]["l"], "fr");
    assert_eq!(fr[7]["u"], "fr/questions/7-1/");
    assert_eq!(fr[6]["l"], "nl");
    assert_eq!(fr[6]["u"], "questions/7-2/");
    assert_eq!(ids(&out, "nl", "assurance").len(), 1);
    assert_eq!(keys(&ids(&out, "fr", "zeventien")), ["7-6"]);
}

#[test]
fn a_word_of_a_body_or_a_title_is_found_folded_by_prefix_and_by_stem() {
    let site = with_words();
    site.build().unwrap();
    let out = site.out();
    // A body word, and its accented form from a query without the accent.
    assert_eq!(keys(&ids(&out, "nl", "zeventien")), ["7-6"]);
    assert_eq!(keys(&ids(&out, "nl", "Ministeriële")), ["7-6"]);
    assert_eq!(keys(&ids(&out, "nl", "ministeriele")), ["7-6"]);
    // A title word weighs 16 more.
    let found = ids(&out, "nl", "telefoons");
    assert_eq!(keys(&found), ["7-6"]);
    assert!(found["7-6"] >= 16, "{found:?}");
    assert!(ids(&out, "nl", "zeventien")["7-6"] < 16);
    // A prefix of 3 characters or more finds longer forms; a shorter one only itself.
    // (7-1 to 7-5 carry the keyword `spionage`; 7-6 has `Spionagesoftware` in its title.)
    assert_eq!(
        keys(&ids(&out, "nl", "spionage")),
        ["7-1", "7-2", "7-3", "7-4", "7-5", "7-6"]
    );
    assert_eq!(keys(&ids(&out, "nl", "zev")), ["7-6"]);
    assert!(ids(&out, "nl", "ze").is_empty());
    // Stems: the plural finds the singular and the other way round.
    assert_eq!(keys(&ids(&out, "nl", "aanvallen")), ["7-6", "7-7"]);
    assert_eq!(keys(&ids(&out, "nl", "aanval")), ["7-6", "7-7"]);
    assert_eq!(keys(&ids(&out, "fr", "assurances")), ["7-8"]);
    // Split on apostrophes and hyphens; œ spelled out.
    assert_eq!(keys(&ids(&out, "fr", "maladie")), ["7-8"]);
    assert_eq!(keys(&ids(&out, "fr", "oeuvre")), ["7-8"]);
    // Every fixture question has "Text of <id>" in its body.
    assert_eq!(ids(&out, "nl", "text").len(), 8);
    assert!(ids(&out, "nl", "nergens").is_empty());
    // Who asked, whom, and the keywords are found as typed, not only through the facets.
    assert_eq!(ids(&out, "nl", "Peeters").len(), 8);
    assert_eq!(ids(&out, "fr", "defensie").len(), 8);
    assert_eq!(keys(&ids(&out, "nl", "cyber")), ["7-6", "7-7", "7-8"]);
}

#[test]
fn facets_list_the_right_documents() {
    let site = with_words();
    site.build().unwrap();
    let out = site.out();
    assert_eq!(
        facet(&out, "nl", "year"),
        [(
            "2023".to_string(),
            set(&["7-1", "7-2", "7-3", "7-4", "7-5", "7-6", "7-7", "7-8"])
        )]
    );
    let keyword = facet(&out, "nl", "keyword");
    let names: Vec<&str> = keyword.iter().map(|k| k.0.as_str()).collect();
    // Alphabetical after folding: Israël between cyber and spionage.
    assert_eq!(names, ["cyber", "Israël", "spionage"]);
    assert_eq!(keyword[0].1, set(&["7-6", "7-7", "7-8"]));
    assert_eq!(keyword[1].1, set(&["7-1", "7-2", "7-3", "7-4", "7-5"]));
    let fr_keyword = facet(&out, "fr", "keyword");
    let espionnage = fr_keyword.iter().find(|k| k.0 == "espionnage").unwrap();
    assert_eq!(espionnage.1, set(&["7-1"]));
    let status = facet(&out, "nl", "status");
    let answered = status.iter().find(|s| s.0 == "Beantwoord").unwrap();
    assert_eq!(answered.1, set(&["7-1", "7-3", "7-5"]));
    assert!(status
        .iter()
        .all(|s| s.0 == "Beantwoord" || !s.1.contains("7-1")));
    let fr_status = facet(&out, "fr", "status");
    let fr_answered = fr_status.iter().find(|s| s.0 == "Réponse reçue").unwrap();
    assert_eq!(fr_answered.1, set(&["7-1", "7-3", "7-5"]));
    assert_eq!(
        facet(&out, "nl", "member"),
        [(
            "Anna Peeters".to_string(),
            set(&["7-1", "7-2", "7-3", "7-4", "7-5", "7-6", "7-7", "7-8"])
        )]
    );
    let legislature = facet(&out, "fr", "legislature");
    assert_eq!(legislature.len(), 1);
    assert_eq!(legislature[0].1.len(), 8);
}

/// Every file of the bundle, path → bytes.
fn bundle_of(out: &Path) -> BTreeMap<String, Vec<u8>> {
    files(out)
        .into_iter()
        .filter(|f| f.starts_with("search-index/"))
        .map(|f| {
            let bytes = std::fs::read(out.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// A site big enough for several shards, two batches and many chunks: 1,100 questions, each
/// with words of its own.
fn big() -> Site {
    let site = searchable();
    for n in 10..1110 {
        let id = format!("7-{n}");
        let date = format!("2022-{:02}-{:02}", 1 + n % 12, 1 + n % 28);
        let q = question(
            &id,
            "nl",
            &format!("Vraag {n} over woord{n}"),
            &["k"],
            &date,
            None,
        );
        let own: Vec<String> = "abcdefgh".chars().map(|c| format!("uniek{n}{c}")).collect();
        site.add(
            &id,
            "nl",
            &format!("{q}\n{} aanvallen{}\n", own.join(" "), n % 7),
        );
    }
    site
}

#[test]
fn the_bundle_is_identical_on_rebuild_and_whatever_the_thread_count() {
    let site = big();
    let bin = env!("CARGO_BIN_EXE_quaestor");
    let mut bundles = Vec::new();
    for threads in ["1", "2"] {
        let out = site.root().join(format!("out-{threads}-{}", bundles.len()));
        let status = std::process::Command::new(bin)
            .args(["build", "--no-cache", "--as-of", "2024-01-01", "--root"])
            .arg(site.root())
            .arg("--output")
            .arg(&out)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        bundles.push(bundle_of(&out));
    }
    let paths: Vec<&String> = bundles[0].keys().collect();
    assert!(paths.len() > 20, "{paths:?}");
    for b in &bundles[1..] {
        assert_eq!(b.keys().collect::<Vec<_>>(), paths);
        for (p, bytes) in b {
            assert!(bytes == &bundles[0][p], "{p} differs");
        }
    }
    // Several shards, each found by the client's range rule.
    let out = site.root().join("out-1-0");
    let meta = json(&out, "nl/meta.json");
    assert!(meta["shards"].as_array().unwrap().len() > 2, "{meta}");
    assert_eq!(meta["docs"], 1105);
    for n in [10, 700, 1109] {
        assert_eq!(
            keys(&ids(&out, "nl", &format!("uniek{n}h"))),
            [format!("7-{n}")]
        );
        let title = ids(&out, "nl", &format!("woord{n}"));
        assert!(title[&format!("7-{n}")] >= 16, "{title:?}");
    }
    assert_eq!(ids(&out, "nl", "uniek15").len(), 11, "15, 150..159");
}

#[test]
fn an_edited_question_is_found_by_its_new_words_after_an_in_place_update() {
    let site = with_words();
    let opts = |output: &str, cache: bool| quaestor::pipeline::BuildOptions {
        output: Some(site.root().join(output)),
        cache,
        ..site.opts()
    };
    quaestor::pipeline::build(&opts("output", true)).unwrap();
    assert_eq!(keys(&ids(&site.out(), "nl", "zeventien")), ["7-6"]);
    let file = site.root().join("content/questions/7/7-6.nl.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("zeventien", "achttien")).unwrap();
    let summary = quaestor::pipeline::build(&opts("output", true)).unwrap();
    assert!(summary.incremental);
    assert!(ids(&site.out(), "nl", "zeventien").is_empty());
    assert_eq!(keys(&ids(&site.out(), "nl", "achttien")), ["7-6"]);
    assert_eq!(keys(&ids(&site.out(), "fr", "achttien")), ["7-6"]);
    quaestor::pipeline::build(&opts("full", false)).unwrap();
    assert_eq!(bundle_of(&site.out()), bundle_of(&site.root().join("full")));
}
