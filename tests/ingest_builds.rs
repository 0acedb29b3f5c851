//! What ingest accepts, `quaestor build` accepts: the fixtures, the format note's variants and
//! generated chronologies go through the real ingest into a site, and the real build of that
//! site must succeed. Ingest and build read the status from one rule; these tests hold them to it.

mod common;

use common::{diagnostics, Site};
use quaestor::ingest::{run, IngestArgs, IngestReport};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/senate")
}

fn ingest(site: &Site, sources: Vec<String>) -> IngestReport {
    let args = IngestArgs {
        content: site.root().join("content"),
        sources,
        ..Default::default()
    };
    run(&args).unwrap()
}

/// Builds the site; on failure, every diagnostic in the panic message.
fn assert_builds(site: &Site) -> quaestor::pipeline::BuildSummary {
    match site.build() {
        Ok(summary) => summary,
        Err(e) => {
            let all: Vec<String> = diagnostics(e).iter().map(|d| d.to_string()).collect();
            panic!("the build refused ingested files:\n{}", all.join("\n"));
        }
    }
}

#[test]
fn requalified_then_end_of_legislature_is_requalified_and_builds() {
    // As a user would: the real binary ingests the page, then builds the site.
    let site = Site::new();
    let bin = env!("CARGO_BIN_EXE_quaestor");
    let ingested = Command::new(bin)
        .arg("ingest")
        .arg("--content")
        .arg(site.root().join("content"))
        .arg(fixtures().join("variants/7-2050.nl.txt"))
        .arg(fixtures().join("variants/7-2050.fr.html"))
        .output()
        .unwrap();
    assert!(
        ingested.status.success(),
        "{}",
        String::from_utf8_lossy(&ingested.stderr)
    );
    for lang in ["nl", "fr"] {
        let file = site
            .root()
            .join(format!("content/questions/7/7-2050.{lang}.md"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("\nstatus: requalified\n"), "{text}");
        assert!(text
            .contains("type: requalification}\n  - {date: 2024-05-27, type: end-of-legislature}"));
    }
    let built = Command::new(bin)
        .args(["build", "--as-of", "2026-12-01", "--no-cache", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let page = site.page("questions/7-2050/index.html");
    assert!(page.contains("status-requalified"), "{page}");
}

#[test]
fn every_fixture_page_builds() {
    let site = Site::new();
    let sources = ["bundled", "variants"]
        .map(|f| fixtures().join(f).display().to_string())
        .to_vec();
    let report = ingest(&site, sources);
    assert!(!report.has_failures(), "{report}");
    assert_eq!(report.created.len(), 20);
    assert_builds(&site);
}

#[test]
fn a_page_the_build_would_refuse_is_rejected_with_nothing_written() {
    let page = std::fs::read_to_string(fixtures().join("variants/7-2050.nl.txt")).unwrap();
    let sent = "15/1/2024 Verzending vraag (Einde van de antwoordtermijn: 19/2/2024)\n";
    assert!(page.contains(sent));
    // The sending listed after the requalification: no real page does that.
    let page = page.replace(sent, "").replace(
        "4/3/2024 Herkwalificatie\n",
        &format!("4/3/2024 Herkwalificatie\n{sent}"),
    );
    let from = tempfile::tempdir().unwrap();
    std::fs::write(from.path().join("7-2050.nl.txt"), page).unwrap();
    let site = Site::new();
    let report = ingest(&site, vec![from.path().display().to_string()]);
    assert_eq!(report.rejected.len(), 1, "{report}");
    let reason = &report.rejected[0].reason;
    assert!(reason.contains("would not build"), "{reason}");
    assert!(
        reason.contains("`events`: the chronology must start with the `sent` event"),
        "{reason}"
    );
    assert!(report.created.is_empty());
    assert!(!site
        .root()
        .join("content/questions/7/7-2050.nl.md")
        .exists());
}

/// Seeded xorshift: the same pages on every run, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

type Date = chrono::NaiveDate;

fn short(d: Date) -> String {
    d.format("%-d/%-m/%Y").to_string()
}

fn long(d: Date, nl: bool) -> String {
    use chrono::Datelike;
    let months = if nl { MONTHS_NL } else { MONTHS_FR };
    format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
}

/// Event kinds after the sending, with their (nl, fr) labels.
const LATER: [(&str, &str, &str); 5] = [
    ("reminder", "Rappel", "Rappel"),
    ("answer", "Antwoord", "Réponse"),
    ("file-closed", "Dossier gesloten", "Dossier clôturé"),
    (
        "end-of-legislature",
        "Einde zittingsperiode",
        "Fin de la législature",
    ),
    ("requalification", "Herkwalificatie", "Requalification"),
];
const SENT: (&str, &str, &str) = ("sent", "Verzending vraag", "Envoi question");
const LINKS: [(&str, &str); 5] = [
    ("Ook gesteld aan", "Aussi posée à"),
    ("Herindiening van", "Réintroduction de"),
    ("Heringediend als", "Réintroduite comme"),
    ("Herkwalificatie van", "Requalification de"),
    ("Geherkwalificeerd als", "Requalifiée comme"),
];
/// (nl article + office, fr article + office): one per kind of office.
const OFFICES: [(&str, &str); 4] = [
    ("aan de minister van Justitie", "au ministre de la Justice"),
    (
        "aan de vice-eersteminister en minister van Financiën",
        "au vice-premier ministre et ministre des Finances",
    ),
    ("aan de eerste minister", "au premier ministre"),
    (
        "aan de staatssecretaris voor Asiel en Migratie",
        "à la secrétaire d'État à l'Asile et la Migration",
    ),
];

/// One generated page: its text, and whether its chronology is well formed (sent first, oldest
/// first), which every real page is and which ingest must then accept.
struct Generated {
    name: String,
    text: String,
    well_formed: bool,
    kinds: Vec<&'static str>,
}

fn generate(rng: &mut Rng, number: u64) -> Generated {
    let nl = rng.one_in(2);
    let leg = 1 + rng.below(8);
    let id = format!("{leg}-{number}");
    let sent = Date::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(rng.below(23 * 365));
    let deadline = (!rng.one_in(3)).then(|| sent + chrono::Days::new(28 + rng.below(9)));

    // A random subset and order of the later kinds, on dates oldest first.
    let mut events = vec![(sent, SENT)];
    let mut day = sent;
    for _ in 0..rng.below(6) {
        day = day + chrono::Days::new(rng.below(60));
        events.push((day, rng.pick(&LATER)));
    }
    // Now and then a chronology no real page has: ingest may refuse it, the build must not.
    let well_formed = !rng.one_in(8);
    if !well_formed && events.len() > 1 {
        let (a, b) = (
            rng.below(events.len() as u64) as usize,
            rng.below(events.len() as u64) as usize,
        );
        events.swap(a, b);
        if a == b {
            events[0].1 = rng.pick(&LATER);
        }
    }
    let answered = events
        .iter()
        .find(|(_, k)| k.0 == "answer")
        .map(|(d, _)| *d);

    let sep = rng.pick(&["", " ", " | "]);
    let mut o = Vec::new();
    let (office_nl, office_fr) = rng.pick(&OFFICES);
    let party = rng.pick(&[Some("Groen"), Some("N-VA"), Some("cdH"), None]);
    let party = party.map(|p| format!(" ({p})")).unwrap_or_default();
    let original = rng.pick(&[("Nederlands", "néerlandais"), ("Frans", "français")]);
    if nl {
        o.push("Tweetalige printerversie Eentalige printerversie".to_string());
        o.push(format!("Schriftelijke vraag nr. {id}"));
        o.push(format!(
            "van Anke Van dermeersch{party} d.d. {}",
            long(sent, true)
        ));
        o.push(office_nl.to_string());
        o.push("Gevangenissen - Overbevolking - Cijfers".to_string());
    } else {
        o.push("Version à imprimer bilingue Version à imprimer unilingue".to_string());
        o.push(format!("Question écrite n° {id}"));
        o.push(format!(
            "de Anke Van dermeersch{party} du {}",
            long(sent, false)
        ));
        o.push(office_fr.to_string());
        o.push("Prisons - Surpopulation - Chiffres".to_string());
    }
    for _ in 0..rng.below(4) {
        o.push(
            rng.pick(&["gevangenis", "prison", "justice", "Israël"])
                .to_string(),
        );
    }
    o.push("Chronologie".to_string());
    for (date, (kind, label_nl, label_fr)) in &events {
        let label = if nl { label_nl } else { label_fr };
        let dl = match deadline.filter(|_| *kind == "sent") {
            Some(d) if nl => format!(" (Einde van de antwoordtermijn: {})", short(d)),
            Some(d) => format!(" (Fin du délai de réponse: {} )", short(d)),
            None => String::new(),
        };
        let end = if sep == " | " { " |" } else { "" };
        o.push(format!("{}{sep}{label}{dl}{end}", short(*date)));
    }
    for i in 0..rng.below(3) {
        let (label_nl, label_fr) = rng.pick(&LINKS);
        let rfe = rng.one_in(3);
        let kind = match (nl, rfe) {
            (true, false) => "schriftelijke vraag",
            (true, true) => "vraag om uitleg",
            (false, false) => "question écrite",
            (false, true) => "demande d'explications",
        };
        let label = if nl { label_nl } else { label_fr };
        o.push(format!("{label} : {kind} {leg}-{}", number + 1 + i));
    }
    if nl {
        o.push(format!(
            "Vraag nr. {id} d.d. {} : (Vraag gesteld in het {})",
            long(sent, true),
            original.0
        ));
        o.push("De overbevolking blijft stijgen.".to_string());
        o.push("1) Hoeveel gedetineerden waren er in 2022?".to_string());
    } else {
        o.push(format!(
            "Question n° {id} du {} : (Question posée en {})",
            long(sent, false),
            original.1
        ));
        o.push("La surpopulation continue d’augmenter.".to_string());
        o.push("1) Combien de détenus y avait-il en 2022 ?".to_string());
    }
    if let Some(a) = answered {
        o.push(if nl {
            format!("Antwoord ontvangen op {} :", long(a, true))
        } else {
            format!("Réponse reçue le {} :", long(a, false))
        });
        o.push(if nl { "Het antwoord." } else { "La réponse." }.to_string());
    }
    let mut text = o.join("\n\n") + "\n";
    if rng.one_in(5) {
        text = text.replace('\n', "\r\n");
    }
    let lang = if nl { "nl" } else { "fr" };
    Generated {
        name: format!("{id}.{lang}.txt"),
        text,
        well_formed,
        kinds: events.iter().map(|(_, k)| k.0).collect(),
    }
}

#[test]
fn generated_chronologies_that_ingest_accepts_build() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let pages: Vec<Generated> = (0..400)
        .map(|i| generate(&mut rng, 1000 + 10 * i))
        .collect();
    let from = tempfile::tempdir().unwrap();
    for p in &pages {
        std::fs::write(from.path().join(&p.name), &p.text).unwrap();
    }
    let site = Site::new();
    // Long listing pages: the build is about reading every file, not about pagination.
    site.write(
        "quaestor.toml",
        &common::CONFIG.replace("paginate_by = 2", "paginate_by = 500"),
    );
    let report = ingest(&site, vec![from.path().display().to_string()]);

    // Every well-formed page is accepted; a refused page is one no real page looks like.
    for r in &report.rejected {
        let name = Path::new(&r.source).file_name().unwrap().to_str().unwrap();
        let page = pages.iter().find(|p| p.name == name).unwrap();
        assert!(
            !page.well_formed,
            "ingest refused a well-formed page: {r}\n{}",
            page.text
        );
    }
    let well_formed = pages.iter().filter(|p| p.well_formed).count();
    assert!(well_formed > 300);
    assert_eq!(
        report.created.len() + report.rejected.len(),
        pages.len(),
        "{report}"
    );
    // The requalified ones that then reached the end of the legislature are among them.
    let requalified_then_ended = pages.iter().filter(|p| {
        let at = |kind| p.kinds.iter().position(|k| *k == kind);
        let ended_after = matches!(
            (at("requalification"), at("end-of-legislature")),
            (Some(r), Some(e)) if r < e
        );
        p.well_formed && at("answer").is_none() && ended_after
    });
    assert!(requalified_then_ended.count() > 5);

    eprintln!(
        "{} pages, {} well formed, {} refused by ingest",
        pages.len(),
        well_formed,
        report.rejected.len()
    );
    let summary = assert_builds(&site);
    assert_eq!(summary.questions, report.created.len());
}
