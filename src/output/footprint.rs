//! What a built site asks of its host: its bytes and its files, against the limits of the hosts
//! the README's "Publish" section covers, so a site outgrows them with a warning and not with a
//! failed deploy.

/// GitHub Pages: a published site may be no larger than 1 GB (GitLab Pages' default is the same).
pub const PAGES_BYTES: u64 = 1_000_000_000;
/// GitLab Pages: at most 200,000 files in a deployment.
pub const GITLAB_FILES: usize = 200_000;

/// One line for the build summary: "Output: 294 MB in 22,755 files".
pub fn describe(bytes: u64, files: usize) -> String {
    format!(
        "Output: {} in {} files",
        size(bytes),
        thousands(files as u64)
    )
}

/// A warning for each host limit the output passes, naming the limit and what to do.
pub fn warnings(bytes: u64, files: usize) -> Vec<String> {
    let mut out = Vec::new();
    if bytes > PAGES_BYTES {
        out.push(format!(
            "the output is {}: GitHub Pages (and GitLab Pages by default) publish sites of at most \
             1 GB; see \"Publish\" in the README for what a site of this size needs",
            size(bytes)
        ));
    }
    if files > GITLAB_FILES {
        out.push(format!(
            "the output has {} files: GitLab Pages accepts at most {} files in a site; see \
             \"Publish\" in the README",
            thousands(files as u64),
            thousands(GITLAB_FILES as u64)
        ));
    }
    out
}

/// Bytes in decimal units, as hosts state their limits.
fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.0} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.0} kB", b / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_in_the_units_hosts_use() {
        assert_eq!(
            describe(293_979_561, 22_755),
            "Output: 294 MB in 22,755 files"
        );
        assert_eq!(
            describe(1_400_000_000, 103_621),
            "Output: 1.40 GB in 103,621 files"
        );
        assert_eq!(describe(512, 3), "Output: 512 bytes in 3 files");
    }

    #[test]
    fn warns_only_past_a_limit_and_names_it() {
        assert!(warnings(PAGES_BYTES, GITLAB_FILES).is_empty());
        let w = warnings(PAGES_BYTES + 1, GITLAB_FILES + 1);
        assert_eq!(w.len(), 2);
        assert!(
            w[0].contains("GitHub Pages") && w[0].contains("1 GB"),
            "{}",
            w[0]
        );
        assert!(
            w[1].contains("GitLab Pages") && w[1].contains("200,000"),
            "{}",
            w[1]
        );
    }
}
