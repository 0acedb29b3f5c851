//! The files of one language's bundle, encoded as the format note says: shards of forms with
//! their stems' postings, chunks of document records, one file per facet, and `meta.json`.

use rustc_hash::FxHashMap;

use super::index::Index;

/// A shard is cut once its JSON would pass this size; a form is never split.
const SHARD_BYTES: usize = 48 * 1024;

/// Appends `n` in decimal: postings are mostly one- and two-digit numbers (deltas and weights),
/// tens of millions of them at 50,000 questions, so those skip the general formatter.
fn push_number(out: &mut String, n: u32, digits: &mut itoa::Buffer) {
    if n < 10 {
        out.push((b'0' + n as u8) as char);
    } else if n < 100 {
        out.push((b'0' + (n / 10) as u8) as char);
        out.push((b'0' + (n % 10) as u8) as char);
    } else {
        out.push_str(digits.format(n));
    }
}

/// `[a, b - a, c - b, ...]` of ascending numbers.
fn push_deltas(out: &mut String, numbers: &[u32]) {
    let mut digits = itoa::Buffer::new();
    out.reserve(numbers.len() * 3 + 2);
    out.push('[');
    let mut last = 0;
    for (k, &n) in numbers.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        push_number(out, n - last, &mut digits);
        last = n;
    }
    out.push(']');
}

fn push_list<T: itoa::Integer + Copy + TryInto<u32>>(out: &mut String, items: &[T]) {
    let mut digits = itoa::Buffer::new();
    out.reserve(items.len() * 3 + 2);
    out.push('[');
    for (k, &x) in items.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        match x.try_into() {
            Ok(n) => push_number(out, n, &mut digits),
            Err(_) => out.push_str(digits.format(x)),
        }
    }
    out.push(']');
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// One shard being filled.
#[derive(Default)]
struct Shard {
    forms: Vec<String>,
    stem: Vec<usize>,
    /// Stem number → its position in this shard's postings.
    local: FxHashMap<u32, usize>,
    postings: Vec<String>,
    weights: Vec<String>,
    bytes: usize,
}

impl Shard {
    fn encode(self) -> Vec<u8> {
        let mut out = String::with_capacity(self.bytes + 64);
        out.push_str("{\"forms\":[");
        out.push_str(&self.forms.join(","));
        out.push_str("],\"stem\":");
        push_list(&mut out, &self.stem);
        out.push_str(",\"postings\":[");
        out.push_str(&self.postings.join(","));
        out.push_str("],\"weights\":[");
        out.push_str(&self.weights.join(","));
        out.push_str("]}");
        out.into_bytes()
    }
}

/// The shards of `forms` (every form of `index` with its stem, in the client's order): the
/// first form of each (the first is always "") and their files.
pub fn shards(index: &Index, forms: &[(std::sync::Arc<str>, u32)]) -> (Vec<String>, Vec<Vec<u8>>) {
    let mut firsts = vec![String::new()];
    let mut files = Vec::new();
    let mut shard = Shard::default();
    for (form, s) in forms {
        let (form, s) = (&**form, *s);
        let quoted = json_string(form);
        let encoded = if shard.local.contains_key(&s) {
            None
        } else {
            let p = &index.postings[s as usize];
            let mut postings = String::new();
            push_deltas(&mut postings, &p.docs);
            let mut weights = String::new();
            push_list(&mut weights, &p.weights);
            Some((postings, weights))
        };
        let cost = quoted.len() + 8 + encoded.as_ref().map_or(0, |(p, w)| p.len() + w.len() + 2);
        if !shard.forms.is_empty() && shard.bytes + cost > SHARD_BYTES {
            files.push(std::mem::take(&mut shard).encode());
            firsts.push(form.to_string());
        }
        add_form(index, s, &mut shard, quoted, encoded);
    }
    files.push(shard.encode());
    (firsts, files)
}

/// Adds a form to `shard`, with its stem's postings unless the shard has them already.
fn add_form(
    index: &Index,
    s: u32,
    shard: &mut Shard,
    quoted: String,
    encoded: Option<(String, String)>,
) {
    let local = match shard.local.get(&s) {
        Some(&k) => k,
        None => {
            let (postings, weights) = encoded.unwrap_or_else(|| {
                let p = &index.postings[s as usize];
                let mut postings = String::new();
                push_deltas(&mut postings, &p.docs);
                let mut weights = String::new();
                push_list(&mut weights, &p.weights);
                (postings, weights)
            });
            shard.bytes += postings.len() + weights.len() + 2;
            shard.postings.push(postings);
            shard.weights.push(weights);
            let k = shard.local.len();
            shard.local.insert(s, k);
            k
        }
    };
    shard.bytes += quoted.len() + 8;
    shard.forms.push(quoted);
    shard.stem.push(local);
}

/// `d/<k>.json` files: arrays of `chunk` records each.
pub fn chunks<R: AsRef<[u8]>>(records: &[R], chunk: usize) -> Vec<Vec<u8>> {
    records
        .chunks(chunk)
        .map(|part| {
            let mut out =
                Vec::with_capacity(part.iter().map(|r| r.as_ref().len() + 1).sum::<usize>() + 2);
            out.push(b'[');
            for (k, r) in part.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(r.as_ref());
            }
            out.push(b']');
            out
        })
        .collect()
}

/// `f/<key>.json`: values in order, each with its documents ascending.
pub fn facet(values: &[(String, Vec<u32>)]) -> Vec<u8> {
    let mut out = String::from("{\"values\":[");
    let names: Vec<String> = values.iter().map(|(v, _)| json_string(v)).collect();
    out.push_str(&names.join(","));
    out.push_str("],\"docs\":[");
    for (k, (_, docs)) in values.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        push_deltas(&mut out, docs);
    }
    out.push_str("]}");
    out.into_bytes()
}

/// `meta.json`.
pub fn meta(
    lang: &str,
    docs: usize,
    chunk: usize,
    shards: &[String],
    facets: &[(&str, &str)],
) -> Vec<u8> {
    let facets: Vec<serde_json::Value> = facets
        .iter()
        .map(|(key, label)| serde_json::json!({"key": key, "label": label}))
        .collect();
    let meta = serde_json::json!({
        "version": 1,
        "lang": lang,
        "docs": docs,
        "chunk": chunk,
        "shards": shards,
        "facets": facets,
    });
    // serde_json's map keeps keys sorted unless `preserve_order` is on: either way, the same bytes
    // every run.
    serde_json::to_vec(&meta).expect("meta serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_start_absolute() {
        let mut s = String::new();
        push_deltas(&mut s, &[3, 4, 11, 111, 1111, 4_000_000_000]);
        assert_eq!(s, "[3,1,7,100,1000,3999998889]");
        let mut s = String::new();
        push_list(&mut s, &[0u8, 9, 10, 99, 100, 255]);
        assert_eq!(s, "[0,9,10,99,100,255]");
    }
}
