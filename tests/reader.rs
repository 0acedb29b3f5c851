//! What a reader sees on the default theme's pages: follow links beside the feeds a page offers,
//! the current section marked in the nav, the questions before the statistics, one index table,
//! an overdue badge, a translated open-data page, chart axes and search-friendly fact lists.

mod common;

use common::*;

/// The `href` of every `<link rel="alternate" type=…>` in a page's head: its feeds and calendars.
fn head_feeds(page: &str) -> Vec<String> {
    let head = &page[..page.find("</head>").unwrap()];
    head.split("<link rel=\"alternate\" type=\"")
        .skip(1)
        .map(|l| {
            let h = &l[l.find("href=\"").unwrap() + 6..];
            h[..h.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The part of a page a reader sees (its body).
fn body(page: &str) -> &str {
    &page[page.find("<body").unwrap()..]
}

#[test]
fn every_feed_in_the_head_is_a_visible_link_on_the_page() {
    let site = Site::standard();
    site.build().unwrap();
    for rel in [
        "index.html",
        "fr/index.html",
        "questions/7-2/index.html",
        "members/anna-peeters/index.html",
        "parties/groen/index.html",
        "keywords/spionage/index.html",
        "ministries/defensie/index.html",
    ] {
        let page = site.page(rel);
        let feeds = head_feeds(&page);
        assert!(!feeds.is_empty(), "{rel} offers no feed");
        let shown = &body(&page)[body(&page)
            .find("<p class=\"follow\">")
            .unwrap_or_else(|| panic!("{rel} has no follow links"))..];
        for f in feeds {
            assert!(
                shown.contains(&format!("<a href=\"{f}\"")),
                "{rel}: {f} is only in the head"
            );
        }
    }
}

#[test]
fn the_nav_marks_the_section_of_the_page() {
    let site = Site::standard();
    site.build().unwrap();
    for (rel, section) in [
        ("index.html", "home"),
        ("questions/7-2/index.html", "questions"),
        ("questions/index.html", "questions"),
        ("members/index.html", "members"),
        ("members/anna-peeters/index.html", "members"),
        ("ministries/defensie/index.html", "ministries"),
        ("keywords/index.html", "keywords"),
        ("fr/keywords/index.html", "keywords"),
        ("stats/index.html", "stats"),
        ("overdue/index.html", "overdue"),
    ] {
        let page = site.page(rel);
        let header = &page[page.find("<header").unwrap()..page.find("</header>").unwrap()];
        assert_eq!(
            header.matches("aria-current=\"page\"").count(),
            1,
            "{rel}: one nav entry is current"
        );
        assert!(
            header.contains(&format!("data-nav=\"{section}\" aria-current=\"page\"")),
            "{rel}: {section} is not marked current in {header}"
        );
    }
}

#[test]
fn member_ministry_and_party_pages_list_the_questions_before_the_statistics() {
    let site = Site::standard();
    site.build().unwrap();
    for rel in [
        "members/anna-peeters/index.html",
        "ministries/defensie/index.html",
        "parties/groen/index.html",
    ] {
        let page = site.page(rel);
        let items = page
            .find("<ol class=\"items\">")
            .expect("a list of questions");
        let stats = page.find("<section class=\"stats\"").expect("statistics");
        assert!(items < stats, "{rel}: the statistics come first");
    }
}

#[test]
fn an_index_is_one_table_with_its_letter_anchors_inside() {
    let site = Site::standard();
    site.write(
        "content/questions/7/7-6.nl.md",
        &question("7-6", "nl", "Zes", &["Zeevaart"], "2023-01-20", None),
    );
    site.build().unwrap();
    for rel in ["keywords/index.html", "members/index.html"] {
        let page = site.page(rel);
        assert_eq!(page.matches("<table").count(), 1, "{rel}: one table");
    }
    let page = site.page("keywords/index.html");
    let table = &page[page.find("<table").unwrap()..page.find("</table>").unwrap()];
    for letter in ["i", "s", "z"] {
        assert!(
            table.contains(&format!("id=\"letter-{letter}\"")),
            "the anchor of {letter} is not in the table"
        );
        assert!(page.contains(&format!("href=\"#letter-{letter}\"")));
    }
}

#[test]
fn an_overdue_question_is_not_badged_open() {
    let site = Site::standard();
    site.build().unwrap();
    // 7-2 is open with its deadline (2023-03-02) long past on 2024-01-01.
    let question = site.page("questions/7-2/index.html");
    assert!(question.contains("<span class=\"badge status-overdue\""));
    assert!(question.contains(">Over de termijn</span>"));
    assert!(!question.contains(">Open</span>"));
    let listing = site.page("overdue/index.html");
    let item = &listing[listing.find("/questions/7-2/").unwrap()..];
    let item = &item[..item.find("</li>").unwrap()];
    assert!(
        item.contains("<span class=\"badge status-overdue\">Over de termijn</span>"),
        "{item}"
    );
}

#[test]
fn the_open_data_page_speaks_the_page_language() {
    let site = Site::standard();
    site.build().unwrap();
    let nl = site.page("data/index.html");
    let fr = site.page("fr/data/index.html");
    assert!(!nl.contains("lang=\"en\"") && !fr.contains("lang=\"en\""));
    for (page, words) in [
        (&nl, ["Licentie", "Bestanden", "Het vraagrecord"]),
        (
            &fr,
            ["Licence", "Fichiers", "enregistrement d&#39;une question"],
        ),
    ] {
        for w in words {
            assert!(page.contains(w), "{w:?} missing");
        }
        for english in [">Files<", "Question record", "is published under"] {
            assert!(!page.contains(english), "{english:?} left in English");
        }
        // The schema scrolls inside its own box rather than widening the page.
        assert!(page.contains("<pre class=\"code\">"));
    }
    let css = std::fs::read_to_string(site.out().join("css/style.css")).unwrap();
    assert!(css.contains("pre.code { overflow-x: auto;"));
}

#[test]
fn search_reads_a_fact_label_apart_from_its_value_and_says_zittingsperiode() {
    let site = Site::standard();
    site.build().unwrap();
    let page = site.page("questions/7-2/index.html");
    assert!(!page.contains("</dt><dd"), "a label runs into its value");
    assert!(page.contains("Zittingsperiode 7"));
    assert!(!page.contains("Legislatuur"));
}

#[test]
fn charts_have_a_counted_axis_and_every_rate_its_n() {
    let site = Site::standard();
    site.build().unwrap();
    let stats = site.page("stats/index.html");
    let days = &stats[stats
        .find("<svg class=\"chart\" id=\"chart-days\"")
        .unwrap()..];
    let days = &days[..days.find("</svg>").unwrap()];
    // Three answers, all 52 to 56 days after sending, in one bar of 3: an axis 0, 1, 2, 3.
    for tick in ["0", "1", "2", "3"] {
        assert!(
            days.contains(&format!("text-anchor=\"end\">{tick}</text>")),
            "no {tick} on the axis"
        );
    }
    // 3 of 5 answered: the rate says so.
    assert!(
        stats.contains("60 % (3/5)"),
        "no n beside the answered share"
    );
}

/// A site whose three questions are in both languages, in Dutch only and in French only.
fn partly_translated() -> Site {
    let site = Site::new();
    site.write(
        "quaestor.toml",
        &CONFIG.replace("paginate_by = 2", "paginate_by = 10"),
    );
    site.write(
        "data/ministries.yaml",
        "- slug: defence\n  names:\n    nl: [Defensie]\n    fr: [Défense]\n",
    );
    let fr = |id: &str, title: &str| {
        question(id, "fr", title, &["espionnage"], "2023-01-12", None)
            .replace("minister van Defensie", "ministre de la Défense")
    };
    let nl = |id: &str, title: &str| question(id, "nl", title, &["spionage"], "2023-01-11", None);
    site.add("7-1", "nl", &nl("7-1", "Vraag in beide talen"));
    site.add("7-1", "fr", &fr("7-1", "Question dans les deux langues"));
    site.add("7-2", "nl", &nl("7-2", "Vraag alleen in het Nederlands"));
    site.add("7-3", "fr", &fr("7-3", "Question seulement en français"));
    site
}

#[test]
fn every_language_lists_and_counts_every_question_marking_the_ones_in_another_language() {
    let site = partly_translated();
    site.build().unwrap();
    for (rel, count, other_title, marker, other_lang) in [
        (
            "questions/index.html",
            "3 vragen",
            "Question seulement en français",
            "Alleen in het Frans",
            "fr",
        ),
        (
            "fr/questions/index.html",
            "3 questions",
            "Vraag alleen in het Nederlands",
            "Uniquement en néerlandais",
            "nl",
        ),
    ] {
        let page = site.page(rel);
        assert_eq!(page.matches("class=\"item-title\"").count(), 3, "{rel}");
        assert!(page.contains(count), "{rel}");
        let item = &page[page
            .find(other_title)
            .unwrap_or_else(|| panic!("{rel} omits it"))..];
        let item = &item[..item.find("</li>").unwrap()];
        assert!(item.contains(marker), "{rel}: {item}");
        let li = &page[..page.find(other_title).unwrap()];
        let li = &li[li.rfind("<li").unwrap()..];
        assert!(
            li.starts_with(&format!("<li lang=\"{other_lang}\">")),
            "{li}"
        );
    }
    // The ministry a French-only question is addressed to is named in Dutch on the Dutch pages,
    // and both languages list the same ministries with the same questions.
    let nl = site.page("ministries/defence/index.html");
    assert!(nl.contains("Question seulement en français"));
    assert!(nl.contains("Vraag alleen in het Nederlands"));
    let fr = site.page("fr/ministries/defence/index.html");
    assert!(fr.contains("Question seulement en français"));
    assert!(fr.contains("Vraag alleen in het Nederlands"));
    let dirs = |rel: &str| {
        let mut d: Vec<String> = std::fs::read_dir(site.out().join(rel))
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        d.sort();
        d
    };
    assert_eq!(dirs("ministries"), vec!["defence"]);
    assert_eq!(dirs("fr/ministries"), vec!["defence"]);
    // Keywords stay words of their language: the French one is not a Dutch keyword page.
    assert_eq!(dirs("keywords"), vec!["spionage"]);
    assert_eq!(dirs("fr/keywords"), vec!["espionnage"]);
    // A question's one feed sits at the address every question has, even one only in French.
    assert!(site.out().join("questions/7-3/feed.xml").exists());
    assert!(!site.out().join("fr/questions/7-3/feed.xml").exists());
    assert!(site
        .page("fr/questions/7-3/index.html")
        .contains(r#"href="/questions/7-3/feed.xml""#));
}
