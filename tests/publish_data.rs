//! Open data: every file parses with a real parser and matches its documented schema.

mod common;

use common::*;
use serde_json::Value;
use sha2::Digest;
use std::io::Read;

/// A small JSON Schema validator for the keywords our schema uses (type, enum, required,
/// properties, additionalProperties, items, $ref, anyOf, minProperties, minimum, format: date).
fn validate(schema: &Value, root: &Value, v: &Value, at: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local ref");
        errs.extend(validate(&root["$defs"][name], root, v, at));
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        if !any.iter().any(|s| validate(s, root, v, at).is_empty()) {
            errs.push(format!("{at}: matches none of anyOf"));
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "object" => v.is_object(),
            "array" => v.is_array(),
            "null" => v.is_null(),
            _ => false,
        });
        if !ok {
            errs.push(format!("{at}: {v} is not {types:?}"));
            return errs;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errs.push(format!("{at}: {v} not in enum"));
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("date") {
        if let Some(s) = v.as_str() {
            if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() {
                errs.push(format!("{at}: {s} is not a date"));
            }
        }
    }
    if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_i64), v.as_i64()) {
        if n < min {
            errs.push(format!("{at}: {n} < {min}"));
        }
    }
    if let Some(obj) = v.as_object() {
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !obj.contains_key(req.as_str().unwrap()) {
                errs.push(format!("{at}: missing {req}"));
            }
        }
        if let Some(n) = schema.get("minProperties").and_then(Value::as_u64) {
            if (obj.len() as u64) < n {
                errs.push(format!("{at}: fewer than {n} properties"));
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => errs.extend(validate(s, root, val, &format!("{at}.{k}"))),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push(format!("{at}: unexpected {k}")),
                    Some(s @ Value::Object(_)) => {
                        errs.extend(validate(s, root, val, &format!("{at}.{k}")))
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            errs.extend(validate(items, root, x, &format!("{at}[{i}]")));
        }
    }
    errs
}

/// A bulk file decompressed as a user would: every gzip member in turn.
fn gunzip(site: &Site, rel: &str) -> String {
    let bytes = std::fs::read(site.out().join(rel)).unwrap();
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    text
}

fn json(site: &Site, rel: &str) -> Value {
    serde_json::from_str(&site.page(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn question_records_match_the_published_schema() {
    let site = Site::standard();
    site.build().unwrap();
    let schema = json(&site, "api/question.schema.json");
    for id in ["7-1", "7-2", "7-3", "7-4", "7-5"] {
        let rec = json(&site, &format!("api/questions/{id}.json"));
        assert_eq!(validate(&schema, &schema, &rec, id), Vec::<String>::new());
    }
    let rec = json(&site, "api/questions/7-1.json");
    assert_eq!(rec["id"], "7-1");
    assert_eq!(rec["url"], "https://example.org/questions/7-1/");
    let nl = &rec["versions"]["nl"];
    assert_eq!(nl["title"], "Vraag nummer 1");
    assert_eq!(nl["keywords"], serde_json::json!(["spionage", "Israël"]));
    assert_eq!(nl["ministries"], serde_json::json!(["Defensie"]));
    assert_eq!(nl["answered"], "2023-03-08");
    assert_eq!(
        nl["events"][1],
        serde_json::json!({"date": "2023-03-08", "type": "answer"})
    );
    assert!(nl["question"].as_str().unwrap().contains("Text of 7-1."));
    assert_eq!(nl["answer"], "Answer to 7-1.");
    let fr = &rec["versions"]["fr"];
    assert_eq!(fr["title"], "Question numéro 1");
    assert_eq!(fr["url"], "https://example.org/fr/questions/7-1/");
    let open = json(&site, "api/questions/7-2.json");
    assert_eq!(open["versions"]["nl"]["answer"], Value::Null);
    assert_eq!(open["versions"].as_object().unwrap().len(), 1);
}

#[test]
fn bulk_jsonl_has_one_valid_record_a_line() {
    let site = Site::standard();
    site.build().unwrap();
    let schema = json(&site, "api/question.schema.json");
    let text = gunzip(&site, "questions.jsonl.gz");
    let ids: Vec<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            assert_eq!(validate(&schema, &schema, &v, "line"), Vec::<String>::new());
            // The question's own file is its line, compact.
            let file = site.page(&format!("api/questions/{}.json", v["id"].as_str().unwrap()));
            assert_eq!(file, format!("{l}\n"));
            v["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids, ["7-1", "7-2", "7-3", "7-4", "7-5"]);
}

#[test]
fn csv_parses_and_defuses_formulas() {
    let site = Site::standard();
    site.add(
        "7-9",
        "nl",
        &question(
            "7-9",
            "nl",
            "=HYPERLINK(\"http://x\",\"y\"), with \"quotes\"\nand a line",
            &["@evil", "-1"],
            "2023-02-01",
            None,
        ),
    );
    site.build().unwrap();
    let text = gunzip(&site, "questions.csv.gz");
    assert!(text.contains("\r\n"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, quaestor::output::data::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7, "one row per question and language");
    assert!(rows.iter().all(|r| r.len() == headers.len()));
    let evil = rows.iter().find(|r| &r[0] == "7-9").unwrap();
    assert_eq!(
        &evil[6],
        "'=HYPERLINK(\"http://x\",\"y\"), with \"quotes\"\nand a line"
    );
    assert_eq!(&evil[12], "'@evil; -1");
    assert_eq!(&evil[13], "2023-02-01");
    let fr = rows
        .iter()
        .find(|r| &r[0] == "7-1" && &r[1] == "fr")
        .unwrap();
    assert_eq!(&fr[17], "https://example.org/fr/questions/7-1/");
}

#[test]
fn indexes_list_terms_with_their_questions() {
    let site = Site::standard();
    site.build().unwrap();
    let members = json(&site, "api/members.json");
    let anna = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["lang"] == "nl" && m["name"] == "Anna Peeters")
        .unwrap();
    assert_eq!(anna["slug"], "anna-peeters");
    assert_eq!(anna["url"], "https://example.org/members/anna-peeters/");
    assert_eq!(anna["count"], 5);
    assert_eq!(anna["open"], 2);
    assert_eq!(anna["parties"], serde_json::json!(["Groen"]));
    assert_eq!(anna["questions"][0], "7-5");
    let ministries = json(&site, "api/ministries.json");
    assert!(ministries
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["slug"] == "defensie"
            && m["addressees"] == serde_json::json!(["minister van Defensie"])));
    let keywords = json(&site, "api/keywords.json");
    assert!(keywords
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["lang"] == "fr" && k["name"] == "espionnage"));
}

#[test]
fn checksums_match_the_bulk_files() {
    let site = Site::standard();
    site.build().unwrap();
    let sums = site.page("SHA256SUMS");
    let mut names = Vec::new();
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").unwrap();
        let bytes = std::fs::read(site.out().join(name)).unwrap();
        assert_eq!(
            hash,
            format!("{:x}", sha2::Sha256::digest(&bytes)),
            "{name}"
        );
        names.push(name.to_string());
    }
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted");
    for f in [
        "questions.jsonl.gz",
        "questions.csv.gz",
        "api/members.json",
        "api/ministries.json",
        "api/keywords.json",
    ] {
        assert!(names.iter().any(|n| n == f), "{f} not in SHA256SUMS");
    }
}

#[test]
fn data_page_documents_files_schema_and_licence() {
    let site = Site::standard();
    site.build().unwrap();
    let html = site.page("data/index.html");
    assert!(html.contains("<strong>CC0-1.0</strong>"));
    for f in [
        "/questions.jsonl.gz",
        "/questions.csv.gz",
        "/api/members.json",
        "/SHA256SUMS",
        "/api/questions/7-1.json",
        "/api/question.schema.json",
    ] {
        assert!(
            html.contains(&format!("href=\"{f}\"")),
            "data page lacks {f}"
        );
    }
    assert!(site.page("fr/data/index.html").contains("Données ouvertes"));
    assert!(site.page("index.html").contains(r#"href="/data/""#));
    assert!(site
        .page("sitemap.xml")
        .contains("<loc>https://example.org/data/</loc>"));
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
    site.write(
        "quaestor.toml",
        &format!("{CONFIG}data_licence = \"CC-BY-4.0\"\n"),
    );
    site.build().unwrap();
    assert!(site
        .page("data/index.html")
        .contains("<strong>CC-BY-4.0</strong>"));
}

/// The gzip members of a file, each decompressed on its own.
fn members(bytes: &[u8]) -> Vec<String> {
    let mut rest = bytes;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let mut member = flate2::bufread::GzDecoder::new(rest);
        let mut text = String::new();
        member.read_to_string(&mut text).unwrap();
        rest = member.into_inner();
        out.push(text);
    }
    out
}

#[test]
fn bulk_files_are_gzip_in_blocks_that_any_gzip_reader_takes_whole() {
    let site = Site::new();
    site.write("quaestor.toml", &format!("{CONFIG}search = false\n"));
    for n in 1..=300 {
        let id = format!("7-{n}");
        let title = format!("Vraag {n}");
        site.add(
            &id,
            "nl",
            &question(&id, "nl", &title, &["spionage"], "2023-01-10", None),
        );
    }
    site.build().unwrap();
    let jsonl = std::fs::read(site.out().join("questions.jsonl.gz")).unwrap();
    let csv = std::fs::read(site.out().join("questions.csv.gz")).unwrap();
    // Several members, compressed apart; together one file of every record and row.
    let blocks = members(&jsonl);
    assert!(blocks.len() >= 3, "{} members", blocks.len());
    assert!(blocks.iter().all(|b| !b.is_empty() && b.ends_with('\n')));
    let text = gunzip(&site, "questions.jsonl.gz");
    assert_eq!(text, blocks.concat());
    assert_eq!(text.lines().count(), 300);
    let rows = gunzip(&site, "questions.csv.gz");
    assert_eq!(
        members(&csv).len(),
        blocks.len() + 1,
        "the header, then a block each"
    );
    assert_eq!(
        csv::Reader::from_reader(rows.as_bytes()).records().count(),
        300
    );
    // No time and no name in any header: the same site gives the same bytes.
    for (i, m) in [&jsonl, &csv].into_iter().enumerate() {
        assert_eq!(
            &m[..4],
            &[0x1f, 0x8b, 8, 4],
            "file {i}: deflate, extra field only"
        );
        assert_eq!(&m[4..8], &[0, 0, 0, 0], "file {i}: no modification time");
    }
    // The system's gzip reads the whole file too.
    let out = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(site.out().join("questions.jsonl.gz"))
        .output()
        .expect("gzip runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
}

#[test]
fn check_passes_on_a_site_with_the_bulk_files() {
    let site = Site::standard();
    site.build().unwrap();
    let summary = quaestor::pipeline::check(&site.opts()).unwrap();
    assert_eq!(summary.questions, 6);
    // The data page's links to the bulk files resolve in the build's own list.
    assert!(site
        .page("data/index.html")
        .contains("href=\"/questions.jsonl.gz\""));
}
