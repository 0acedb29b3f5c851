//! Output: the files published beside the pages, writing the site atomically and checking that
//! every internal link resolves.

mod bulk;
pub mod calendar;
pub mod data;
pub mod escape;
pub mod feeds;
pub mod folder;
pub mod footprint;
pub mod links;
pub mod publish;
pub mod redirects;
pub mod search;
pub mod sitemap;
pub mod writer;

pub use bulk::Splice;
pub use writer::{InPlace, Staging};

/// One file a build writes: an entry of the one list the pipeline plans (see
/// `pipeline::outputs`), which the full build, the in-place update and `check` all walk.
/// Generic over the page job so that output needs no part of render: the pipeline fills in
/// `render::Job`; producers here declare their files for any `Page`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output<Page> {
    /// Site-relative, with `/`.
    pub path: String,
    /// The digest of the file's inputs, which the build cache compares with the previous
    /// build's; `None` when the cache compares the file's bytes instead (or is off).
    pub digest: Option<u64>,
    pub make: Make<Page>,
}

/// How an output file's bytes are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Make<Page> {
    /// Rendered by the render loop.
    Page(Page),
    /// Made already, while planning.
    Bytes(Vec<u8>),
    /// The previous build's file stands: the build cache vouched for its digest.
    Kept,
    /// The open-data record of question group `n`, made by the writer when it writes the file
    /// (see [`data::record_file`]): a large site's records together come to hundreds of
    /// megabytes.
    Record(usize),
    /// The theme's or site's static file of this path.
    Static,
    /// A bulk open-data file after an edit: the previous file's unchanged members, copied as it
    /// is written, around the few made anew (see [`bulk`]).
    Splice(Splice),
    /// The search index under [`search::BUNDLE_DIR`]: its files come from [`search::bundle`],
    /// made from the library once the pages are rendered.
    SearchBundle,
}

impl<Page> Output<Page> {
    /// A file whose bytes the cache compares.
    pub fn made(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self::tracked(path, None, bytes)
    }

    /// A file made now, with the digest of its inputs when the cache tracks them.
    pub fn tracked(path: impl Into<String>, digest: Option<u64>, bytes: Vec<u8>) -> Self {
        Output {
            path: path.into(),
            digest,
            make: Make::Bytes(bytes),
        }
    }

    /// The previous build's file, whose inputs still hash to `digest`.
    pub fn kept(path: impl Into<String>, digest: u64) -> Self {
        Output {
            path: path.into(),
            digest: Some(digest),
            make: Make::Kept,
        }
    }

    /// The bytes, for a file made while planning.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.make {
            Make::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

/// Files a producer declares.
pub type Files<Page> = Vec<Output<Page>>;
