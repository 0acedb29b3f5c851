//! Deploy configuration: netlify.toml and the GitHub Pages workflow parse and say what the README
//! promises, and the built site satisfies the Content-Security-Policy it is served with.

mod common;

use common::*;

fn repo(rel: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn csp() -> String {
    let netlify: toml::Value = toml::from_str(&repo("netlify.toml")).unwrap();
    netlify["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["for"].as_str() == Some("/*"))
        .and_then(|h| h["values"]["Content-Security-Policy"].as_str())
        .unwrap()
        .to_string()
}

#[test]
fn netlify_builds_with_its_own_address_and_sends_security_headers() {
    let netlify: toml::Value = toml::from_str(&repo("netlify.toml")).unwrap();
    assert_eq!(netlify["build"]["publish"].as_str(), Some("output"));
    let command = netlify["build"]["command"].as_str().unwrap();
    assert!(command.contains("cargo run --release -- build --base-url"));
    assert!(command.contains("${URL}/"));
    assert!(netlify["context"]["deploy-preview"]["command"]
        .as_str()
        .unwrap()
        .contains("${DEPLOY_PRIME_URL}/"));
    let csp = csp();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "CSP lacks {directive}");
    }
    assert!(!csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"));
}

#[test]
fn the_pages_workflow_builds_with_the_repository_address_and_deploys() {
    let wf: serde_yaml::Value = serde_yaml::from_str(&repo(".github/workflows/pages.yml")).unwrap();
    assert_eq!(wf["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(wf["permissions"]["id-token"].as_str(), Some("write"));
    let steps = wf["jobs"]["build"]["steps"].as_sequence().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    for action in [
        "actions/checkout@",
        "dtolnay/rust-toolchain@stable",
        "actions/cache@",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
    ] {
        assert!(uses.iter().any(|u| u.starts_with(action)), "no {action}");
    }
    let build = steps
        .iter()
        .find(|s| s["name"].as_str() == Some("Build the site"))
        .unwrap();
    assert!(build["run"]
        .as_str()
        .unwrap()
        .contains("cargo run --release -- build --base-url"));
    assert!(build["env"]["FALLBACK_URL"]
        .as_str()
        .unwrap()
        .contains("${{ github.repository_owner }}.github.io/${{ github.event.repository.name }}"));
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("output"));
    let deploy = wf["jobs"]["deploy"]["steps"][0]["uses"].as_str().unwrap();
    assert!(deploy.starts_with("actions/deploy-pages@"));
}

/// What `default-src 'self'; script-src 'self'; style-src 'self'` forbids: inline scripts and
/// handlers, inline styles, and resources from other origins.
#[test]
fn the_built_site_satisfies_the_csp() {
    let site = Site::standard();
    site.build().unwrap();
    let out = site.out();
    let mut pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    pages.sort();
    assert!(pages.len() > 20);
    for page in pages {
        let html = std::fs::read_to_string(out.join(&page)).unwrap();
        let mut rest = html.as_str();
        while let Some(i) = rest.find("<script") {
            let tag_end = rest[i..].find('>').unwrap() + i;
            let tag = &rest[i..tag_end];
            assert!(
                tag.contains("src=\"/") || tag.contains("type=\"application/ld+json\""),
                "{page}: inline script {tag}"
            );
            rest = &rest[tag_end..];
        }
        assert!(
            !html.contains(" style=\"") && !html.contains("<style"),
            "{page}: inline style"
        );
        assert!(
            !html.contains(" onclick=") && !html.contains(" onload="),
            "{page}: handler"
        );
        for attr in ["src=\"http", "href=\"//", "src=\"//"] {
            assert!(!html.contains(attr), "{page}: external resource {attr}");
        }
        for line in html
            .lines()
            .filter(|l| l.contains("<link rel=\"stylesheet\""))
        {
            assert!(line.contains("href=\"/"), "{page}: external stylesheet");
        }
    }
}
