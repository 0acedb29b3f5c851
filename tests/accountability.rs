//! Accountability views on fixture sites whose numbers were worked out by hand: open and overdue
//! lists, statistics, archives, compare and bilingual pages, reintroduction chains.

mod common;

use common::*;

/// A question with full control over dates, addressee, links and language.
struct Q<'a> {
    id: &'a str,
    lang: &'a str,
    addressee: &'a str,
    sent: &'a str,
    deadline: Option<&'a str>,
    answered: Option<&'a str>,
    links: &'a [(&'a str, &'a str)],
}

impl Q<'_> {
    fn text(&self) -> String {
        let (leg, num) = self.id.split_once('-').unwrap();
        let mut s = format!(
            "---\nid: \"{}\"\nassembly: be-senate\nlegislature: {leg}\nnumber: {num}\nlang: {}\noriginal_lang: nl\ntitle: \"Titel {}\"\nauthor: \"Anna Peeters\"\nparty: \"Groen\"\naddressee: \"{}\"\naddressee_kind: minister\nkeywords: []\ndate: {}\n",
            self.id, self.lang, self.id, self.addressee, self.sent
        );
        if let Some(d) = self.deadline {
            s.push_str(&format!("deadline: {d}\n"));
        }
        match self.answered {
            Some(a) => s.push_str(&format!("answered: {a}\nstatus: answered\nevents:\n  - {{date: {}, type: sent}}\n  - {{date: {a}, type: answer}}\n", self.sent)),
            None => s.push_str(&format!("status: open\nevents:\n  - {{date: {}, type: sent}}\n", self.sent)),
        }
        if !self.links.is_empty() {
            s.push_str("links:\n");
            for (kind, id) in self.links {
                s.push_str(&format!("  - {{type: {kind}, id: \"{id}\"}}\n"));
            }
        }
        let (qh, ah) = if self.lang == "fr" {
            ("Question", "Réponse")
        } else {
            ("Vraag", "Antwoord")
        };
        s.push_str(&format!(
            "source: \"https://example.org/{}\"\n---\n## {qh}\n\nTekst {} {}.\n",
            self.id, self.id, self.lang
        ));
        if self.answered.is_some() {
            s.push_str(&format!(
                "\n## {ah}\n\nAntwoord van {} aan {}.\n",
                self.addressee, self.id
            ));
        }
        s
    }
}

fn q<'a>(
    id: &'a str,
    sent: &'a str,
    deadline: Option<&'a str>,
    answered: Option<&'a str>,
) -> Q<'a> {
    Q {
        id,
        lang: "nl",
        addressee: "minister van Defensie",
        sent,
        deadline,
        answered,
        links: &[],
    }
}

/// Defence: answers after 10, 20, 30, 40 and 100 days (deadline 35 days after sending), one open
/// question past its deadline and one not yet due on as_of 2024-01-01.
fn defence_site() -> Site {
    let site = Site::new();
    site.write(
        "quaestor.toml",
        &CONFIG.replace("paginate_by = 2", "paginate_by = 0"),
    );
    let answered = [
        ("7-1", "2023-01-01", "2023-02-05", "2023-01-11"), // 10 days, on time
        ("7-2", "2023-01-01", "2023-02-05", "2023-01-21"), // 20 days, on time
        ("7-3", "2023-01-01", "2023-02-05", "2023-01-31"), // 30 days, on time
        ("7-4", "2023-01-01", "2023-02-05", "2023-02-10"), // 40 days, 5 days late
        ("7-5", "2023-03-01", "2023-04-05", "2023-06-09"), // 100 days, 65 days late
    ];
    for (id, sent, deadline, ans) in answered {
        site.add(id, "nl", &q(id, sent, Some(deadline), Some(ans)).text());
    }
    site.add(
        "7-6",
        "nl",
        &q("7-6", "2023-10-01", Some("2023-11-05"), None).text(),
    ); // overdue by 57 days
    site.add(
        "7-7",
        "nl",
        &q("7-7", "2023-12-20", Some("2024-01-24"), None).text(),
    ); // 23 days left
    site.add("7-8", "nl", &q("7-8", "2023-06-01", None, None).text()); // open, no deadline printed
    site
}

#[test]
fn statistics_match_hand_computed_numbers() {
    let site = defence_site();
    site.build().unwrap();
    let page = site.page("ministries/defensie/index.html");
    // Every rate carries its n.
    // 8 asked, 5 answered (63 %), median 30, p90 nearest rank ceil(4.5) = 5th = 100,
    // late 2 of 5 answered with a deadline (40 %), 3 open, 1 overdue.
    for figure in [
        "<dt>Gesteld</dt><dd>8</dd>",
        "<dt>Aandeel beantwoord</dt><dd>63 % (5/8)</dd>",
        "<dt>Mediaan dagen tot antwoord</dt><dd>30</dd>",
        "<dt>90e percentiel dagen</dt><dd>100</dd>",
        "<dt>Aandeel te laat beantwoord</dt><dd>40 % (2/5)</dd>",
        r#"<dt>Open</dt><dd><a href="/ministries/defensie/open/">3</a></dd>"#,
        r#"<dt>Over de termijn</dt><dd><a href="/ministries/defensie/overdue/">1</a></dd>"#,
    ] {
        assert!(
            page.contains(figure),
            "ministry stats lack {figure:?} in {}",
            &page[page.find("<dl class=\"figures\">").unwrap_or(0)..][..1500]
        );
    }
    // By year: 2023 holds every question.
    assert!(page.contains("<th scope=\"row\">2023</th><td>8</td><td>63 % (5/8)</td><td>30</td><td>100</td><td>40 % (2/5)</td><td>3</td><td>1</td>"));
    let stats = site.page("stats/index.html");
    assert!(stats.contains("<dt>Mediaan dagen tot antwoord</dt><dd>30</dd>"));
    // The days-to-answer distribution: 0–15: 1, 16–30: 2, 31–45: 1, 91–180: 1.
    assert!(stats.contains("<th scope=\"row\">0–15</th><td>1</td>"));
    assert!(stats.contains("<th scope=\"row\">16–30</th><td>2</td>"));
    assert!(stats.contains("<th scope=\"row\">91–180</th><td>1</td>"));
    assert!(stats.contains("role=\"img\"") && stats.contains("<title id=\"chart-days-t\">"));
    assert!(!stats.contains("<script"), "charts need no JavaScript");
}

#[test]
fn open_and_overdue_lists_sorted_by_waiting_time() {
    let site = defence_site();
    site.build().unwrap();
    let open = site.page("open/index.html");
    let pos = |html: &str, id: &str| {
        html.find(&format!("Titel {id}<"))
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    // Longest waiting first: 7-8 (June), 7-6 (October), 7-7 (December).
    assert!(pos(&open, "7-8") < pos(&open, "7-6") && pos(&open, "7-6") < pos(&open, "7-7"));
    assert!(!open.contains("Titel 7-1<"));
    assert!(open.contains("57 dagen over de termijn"));
    assert!(open.contains("nog 23 dagen"));
    assert!(open.contains("geen termijn vermeld"));
    let overdue = site.page("overdue/index.html");
    assert!(
        overdue.contains("Titel 7-6<")
            && !overdue.contains("Titel 7-7<")
            && !overdue.contains("Titel 7-8<")
    );
    assert!(site
        .out()
        .join("ministries/defensie/overdue/index.html")
        .is_file());
    assert!(site
        .out()
        .join("members/anna-peeters/open/index.html")
        .is_file());
    assert!(site
        .out()
        .join("parties/groen/overdue/index.html")
        .is_file());
    // The ministries index table counts questions, open and overdue.
    let index = site.page("ministries/index.html");
    assert!(
        index.contains("Defensie</a></th><td>8</td><td>3</td><td>1</td>"),
        "{index}"
    );
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn archives_by_year_and_month() {
    let site = defence_site();
    site.build().unwrap();
    let year = site.page("archive/2023/index.html");
    assert!(year.contains("Titel 7-1<") && year.contains("Titel 7-7<"));
    let january = site.page("archive/2023/01/index.html");
    assert!(january.contains("januari 2023"));
    assert!(january.contains("Titel 7-4<") && !january.contains("Titel 7-5<"));
    let index = site.page("archive/index.html");
    assert!(index.contains(r#"href="/archive/2023/03/">maart</a>"#));
}

#[test]
fn compare_page_shows_each_ministers_answer() {
    let site = Site::new();
    let links_1 = [("also-asked-to", "7-11"), ("also-asked-to", "7-12")];
    let links_2 = [("also-asked-to", "7-10"), ("also-asked-to", "7-12")];
    let links_3 = [("also-asked-to", "7-10"), ("also-asked-to", "7-11")];
    for (id, addressee, answered, links) in [
        (
            "7-10",
            "minister van Defensie",
            Some("2023-02-01"),
            &links_1[..],
        ),
        (
            "7-11",
            "minister van Justitie",
            Some("2023-02-20"),
            &links_2[..],
        ),
        (
            "7-12",
            "minister van Binnenlandse Zaken",
            None,
            &links_3[..],
        ),
    ] {
        let mut question = q(id, "2023-01-10", Some("2023-02-14"), answered);
        question.addressee = addressee;
        question.links = links;
        site.add(id, "nl", &question.text());
    }
    site.build().unwrap();
    let page = site.page("questions/7-10/compare/index.html");
    for text in [
        "minister van Defensie",
        "minister van Justitie",
        "minister van Binnenlandse Zaken",
        "Antwoord van minister van Justitie aan 7-11.",
        "Nog geen antwoord gepubliceerd.",
    ] {
        assert!(page.contains(text), "compare page lacks {text:?}");
    }
    assert!(site
        .page("questions/7-10/index.html")
        .contains(r#"href="/questions/7-10/compare/""#));
    assert!(site
        .out()
        .join("questions/7-12/compare/index.html")
        .is_file());
    assert_eq!(
        broken_links(&site.out(), "/"),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn each_version_offers_both_languages_side_by_side() {
    let site = Site::new();
    site.add(
        "7-20",
        "nl",
        &q("7-20", "2023-01-10", Some("2023-02-14"), Some("2023-02-01")).text(),
    );
    let mut fr = q("7-20", "2023-01-10", Some("2023-02-14"), Some("2023-02-01"));
    fr.lang = "fr";
    fr.addressee = "ministre de la Défense";
    site.add("7-20", "fr", &fr.text());
    site.build().unwrap();
    // The side-by-side view is made on each version's page from the other's page (the browser
    // test opens it): each page names every version, labelled in the reader's language.
    let nl = site.page("questions/7-20/index.html");
    assert!(nl.contains("js/bilingual.js"));
    assert!(nl.contains(
        "&quot;label&quot;:&quot;Nederlands (oorspronkelijke tekst)&quot;,&quot;lang&quot;:&quot;nl&quot;,&quot;url&quot;:&quot;/questions/7-20/&quot;"
    ));
    assert!(nl.contains("Français (vertaling)"));
    let fr_page = site.page("fr/questions/7-20/index.html");
    assert!(
        fr_page.contains("Nederlands (texte original)")
            && fr_page.contains("Ceci est une traduction")
    );
    // No page per version holding both: the old addresses are rules, not files.
    let files = files(&site.out());
    assert!(
        !files.iter().any(|f| f.contains("/bilingual/")),
        "{files:?}"
    );
    assert!(site
        .page("_redirects")
        .contains("/fr/questions/:id/bilingual/ /fr/questions/:id/?view=bilingual 301\n"));
    assert!(site.page("404.html").contains(
        "[&quot;/fr/questions/&quot;,&quot;/bilingual/&quot;,&quot;/fr/questions/&quot;,&quot;/?view=bilingual&quot;]"
    ));
    // A question in one language has no side-by-side view.
    let one = q("7-21", "2023-01-10", Some("2023-02-14"), None);
    site.add("7-21", "nl", &one.text());
    site.build().unwrap();
    assert!(!site.page("questions/7-21/index.html").contains("bilingual"));
}

#[test]
fn reintroduction_chain_spans_numbers() {
    let site = Site::new();
    let closed = "---\nid: \"7-30\"\nassembly: be-senate\nlegislature: 7\nnumber: 30\nlang: nl\noriginal_lang: nl\ntitle: \"Eerste poging\"\nauthor: \"Anna Peeters\"\naddressee: \"minister van Defensie\"\naddressee_kind: minister\ndate: 2019-03-01\nstatus: closed\nevents:\n  - {date: 2019-03-01, type: sent}\n  - {date: 2019-05-20, type: file-closed}\nlinks:\n  - {type: reintroduced-as, id: \"8-5\"}\nsource: \"https://example.org/7-30\"\n---\n## Vraag\n\nEerste.\n";
    site.add("7-30", "nl", closed);
    let mut again = q("8-5", "2019-07-10", Some("2019-08-14"), Some("2019-08-01"));
    again.links = &[("reintroduction-of", "7-30")];
    site.add("8-5", "nl", &again.text());
    site.build().unwrap();
    for page in ["questions/7-30/index.html", "questions/8-5/index.html"] {
        let html = site.page(page);
        let chain = &html[html.find("class=\"chain\"").expect("a chain")..];
        let (a, b) = (chain.find("7-30").unwrap(), chain.find("8-5").unwrap());
        assert!(a < b, "the chain runs oldest first on {page}");
        assert!(chain.contains("Dossier gesloten") && chain.contains("Beantwoord"));
    }
}
