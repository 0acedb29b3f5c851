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
    hardened(&wf);
    let steps = wf["jobs"]["build"]["steps"].as_sequence().unwrap();
    let build = steps
        .iter()
        .find(|s| s["name"].as_str() == Some("Build the site"))
        .unwrap();
    let run = build["run"].as_str().unwrap();
    assert!(run.contains("cargo run --release -- build --base-url"));
    // The Pages address, else the project-site address.
    assert!(run.contains("gh api \"repos/$GITHUB_REPOSITORY/pages\""));
    assert!(run.contains("https://$GITHUB_REPOSITORY_OWNER.github.io/${GITHUB_REPOSITORY#*/}/"));
    let pack = steps
        .iter()
        .find(|s| s["name"].as_str() == Some("Pack the site"))
        .unwrap();
    assert!(pack["run"].as_str().unwrap().contains("-C output ."));
    let deploy = wf["jobs"]["deploy"]["steps"][0]["uses"].as_str().unwrap();
    assert!(deploy.starts_with("actions/deploy-pages@"));
}

/// What zizmor asks of a Pages workflow: nothing granted workflow-wide, Pages and OIDC writes in
/// the deploy job alone, every action pinned to a commit, no credentials left by checkout, and
/// no `${{ }}` expanded inside a shell script.
fn hardened(wf: &serde_yaml::Value) {
    assert_eq!(
        wf["permissions"].as_mapping().map(|m| m.len()),
        Some(0),
        "workflow-wide permissions"
    );
    let jobs = wf["jobs"].as_mapping().unwrap();
    for (name, job) in jobs {
        let may_write = name.as_str() == Some("deploy");
        for grant in ["pages", "id-token"] {
            let write = job["permissions"][grant].as_str() == Some("write");
            assert_eq!(write, may_write, "job {name:?}: {grant}");
        }
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(uses) = step["uses"].as_str() {
                let sha = uses.split('@').nth(1).unwrap_or("");
                assert!(
                    sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                    "{uses} is not pinned to a commit"
                );
                if uses.starts_with("actions/checkout@") {
                    assert_eq!(step["with"]["persist-credentials"].as_bool(), Some(false));
                }
            }
            if let Some(run) = step["run"].as_str() {
                assert!(!run.contains("${{"), "an expression inside a script: {run}");
            }
        }
    }
    assert!(jobs.contains_key("deploy"));
}

#[test]
fn the_workflow_init_writes_is_hardened_too() {
    let dir = tempfile::tempdir().unwrap();
    quaestor::init::init(dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join(".github/workflows/pages.yml")).unwrap();
    hardened(&serde_yaml::from_str(&text).unwrap());
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
