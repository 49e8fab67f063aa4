//! The targets. An importer target writes the bytes to a scratch file and reads it to the end with
//! `earshot_ingest::open` as `earshot import --format F` does (errors and rejections are fine; a panic
//! or a hang is the bug). `api-events` is what `POST /v1/events` decodes: the JSON-lines reader, also
//! behind gzip; `api-requests` sends requests to the server's whole router in process ([`crate::api`]).

use crate::seeds;
use earshot_ingest::{Format, Options};
use std::path::{Path, PathBuf};

/// Where a target puts the bytes it reads as a file, and the API harness, made on first use.
pub struct Scratch {
    dir: PathBuf,
    file: PathBuf,
    api: Option<crate::api::Harness>,
}

impl Scratch {
    pub fn new(dir: &Path) -> Scratch {
        Scratch {
            dir: dir.to_path_buf(),
            file: dir.join("input"),
            api: None,
        }
    }

    fn api(&mut self) -> &crate::api::Harness {
        if self.api.is_none() {
            let h = crate::api::Harness::new(&self.dir).expect("the API harness starts");
            self.api = Some(h);
        }
        self.api.as_ref().expect("made above")
    }
}

/// One fuzz target: its name (as the drivers take it), its seeds, the tokens worth inserting, and the
/// function of the bytes.
pub struct Target {
    pub name: &'static str,
    pub seeds: fn() -> Vec<Vec<u8>>,
    pub dictionary: &'static [&'static str],
    pub run: fn(&mut Scratch, &[u8]),
}

/// Read `bytes` as a file of `format` to its end; every outcome but a panic is fine.
fn import(scratch: &mut Scratch, bytes: &[u8], format: Format, opts: &Options) {
    if std::fs::write(&scratch.file, bytes).is_err() {
        return;
    }
    if let Ok((reader, progress)) = earshot_ingest::open(&scratch.file, format, opts) {
        for item in reader {
            // Touch what a writer would: the events of a record, a rejection's message.
            match item {
                Ok(r) => {
                    std::hint::black_box(r.events.len());
                }
                Err(rej) => {
                    std::hint::black_box(rej.to_string());
                }
            }
        }
        std::hint::black_box(progress.warnings());
    }
}

fn options_csv() -> Options {
    Options {
        map: vec![
            ("author".into(), "name".into()),
            ("text".into(), "text".into()),
            ("time".into(), "tweet_created".into()),
            ("id".into(), "tweet_id".into()),
        ],
        ..Options::default()
    }
}

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "\"type\":\"post\"",
    "\"type\":\"interaction\"",
    "\"type\":\"account\"",
    "\"kind\":\"reshare\"",
    "\"time\":",
    "\"weight\":",
    "\"followers\":",
    "\"ext_id\":\"@",
    "\\u0000",
    "\\ud800",
    "1e999",
    "-9223372036854775809",
];
const CSV_TOKENS: &[&str] = &[
    "\"",
    "\"\"",
    ",",
    "\r\n",
    "\n",
    "@",
    "#",
    "2015-02-24 11:35:52 -0800",
    "24/02/2015",
    "5.70306E+17",
];
const SPACE_TOKENS: &[&str] = &[
    " ", "\t", "\n", "#", "-", ".", "e", "nan", "inf", "RT", "MT", "RE",
];
const CASCADE_TOKENS: &[&str] = &[",", " ", "\n", ".", "-", "1e30"];
const TREE_TOKENS: &[&str] = &[
    "->",
    "['ROOT', 'ROOT', '0.0']",
    "'",
    "[",
    "]",
    ", ",
    "-1.0",
    "1e400",
];

pub static TARGETS: &[Target] = &[
    Target {
        name: "jsonl",
        seeds: seeds::jsonl,
        dictionary: JSON_TOKENS,
        run: |s, b| import(s, b, Format::Jsonl, &Options::default()),
    },
    Target {
        name: "csv",
        seeds: seeds::csv_posts,
        dictionary: CSV_TOKENS,
        run: |s, b| import(s, b, Format::Csv, &options_csv()),
    },
    Target {
        name: "snap",
        seeds: seeds::snap,
        dictionary: SPACE_TOKENS,
        run: |s, b| import(s, b, Format::Snap, &Options::default()),
    },
    Target {
        name: "higgs",
        seeds: seeds::higgs,
        dictionary: SPACE_TOKENS,
        run: |s, b| import(s, b, Format::Higgs, &Options::default()),
    },
    Target {
        name: "profiles",
        seeds: seeds::profiles,
        dictionary: JSON_TOKENS,
        run: |s, b| import(s, b, Format::Profiles, &Options::default()),
    },
    Target {
        name: "cascades",
        seeds: seeds::cascades,
        dictionary: CASCADE_TOKENS,
        run: |s, b| import(s, b, Format::Cascades, &Options::default()),
    },
    Target {
        name: "cascade-edges",
        seeds: seeds::cascade_edges,
        dictionary: CASCADE_TOKENS,
        run: |s, b| import(s, b, Format::CascadeEdges, &Options::default()),
    },
    Target {
        name: "retweet-tree",
        seeds: seeds::retweet_tree,
        dictionary: TREE_TOKENS,
        run: |s, b| import(s, b, Format::RetweetTree, &Options::default()),
    },
    Target {
        name: "reddit",
        seeds: seeds::reddit,
        dictionary: JSON_TOKENS,
        run: |s, b| import(s, b, Format::Reddit, &Options::default()),
    },
    Target {
        name: "jetstream",
        seeds: seeds::jetstream,
        dictionary: JSON_TOKENS,
        run: |s, b| import(s, b, Format::Jetstream, &Options::default()),
    },
    Target {
        name: "mastodon-outbox",
        seeds: seeds::mastodon_outbox,
        dictionary: JSON_TOKENS,
        run: |s, b| import(s, b, Format::MastodonOutbox, &Options::default()),
    },
    Target {
        name: "api-events",
        seeds: seeds::jsonl,
        dictionary: JSON_TOKENS,
        // The server spools the (decompressed) body to a file and reads it as JSON lines.
        run: |s, b| import(s, b, Format::Jsonl, &Options::default()),
    },
    Target {
        name: "api-requests",
        seeds: crate::api::seeds,
        dictionary: JSON_TOKENS,
        run: |s, b| s.api().send(b),
    },
];

/// The target named `name`.
pub fn find(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}
