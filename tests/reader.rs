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
