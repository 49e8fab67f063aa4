//! The targets. An importer target writes the bytes to a scratch file and reads it to the end with
//! `earshot_ingest::open` as `earshot import --format F` does (errors and rejections are fine; a panic
//! or a hang is the bug). The formats that read a folder (`mastodon-archive`, `x-archive`) write one:
//! the first byte of the input picks one of its files (modulo their number), which holds the rest of
//! the bytes, and the others hold fixed valid contents ([`seeds::MASTODON_ARCHIVE`],
//! [`seeds::X_ARCHIVE`]); the folder is made anew for each input. `api-events` is what
//! `POST /v1/events` decodes: the JSON-lines reader, also behind gzip; `api-requests` sends requests
//! to the server's whole router in process ([`crate::api`]).

use crate::seeds;
use earshot_ingest::{Format, Options};
use std::path::{Path, PathBuf};

/// Where a target puts the bytes it reads as a file, and the API harness, made on first use.
pub struct Scratch {
    dir: PathBuf,
    file: PathBuf,
    folder: PathBuf,
    api: Option<crate::api::Harness>,
}

impl Scratch {
    pub fn new(dir: &Path) -> Scratch {
        Scratch {
            dir: dir.to_path_buf(),
            file: dir.join("input"),
            folder: dir.join("folder"),
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
    read_all(&scratch.file, format, opts);
}

/// Write `folder` anew with `files` (paths relative to it, and their contents), the one the first
/// byte of `bytes` picks (modulo their number) holding the rest of `bytes` instead. Nothing is
/// written for empty `bytes`.
pub fn write_folder(folder: &Path, files: &[(&str, &[u8])], bytes: &[u8]) -> std::io::Result<()> {
    let Some((&choice, rest)) = bytes.split_first() else {
        return Ok(());
    };
    match std::fs::remove_dir_all(folder) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let pick = usize::from(choice) % files.len().max(1);
    for (i, (name, contents)) in files.iter().enumerate() {
        let path = folder.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, if i == pick { rest } else { contents })?;
    }
    Ok(())
}

/// Read `bytes` as a folder of `format` made by [`write_folder`] to its end.
fn import_folder(
    scratch: &mut Scratch,
    bytes: &[u8],
    files: &[(&str, &[u8])],
    format: Format,
    opts: &Options,
) {
    if bytes.is_empty() || write_folder(&scratch.folder, files, bytes).is_err() {
        return;
    }
    read_all(&scratch.folder, format, opts);
}

/// Read `path` as `format` to its end, touching what a writer would.
fn read_all(path: &Path, format: Format, opts: &Options) {
    if let Ok((reader, progress)) = earshot_ingest::open(path, format, opts) {
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
const BLUESKY_TOKENS: &[&str] = &[
    "app.bsky.feed.post",
    "app.bsky.feed.like",
    "app.bsky.feed.repost",
    "app.bsky.graph.follow",
    "$type",
    "createdAt",
    "subject",
    "did:plc:",
    "at://did:plc:",
    "\0",
];
const MASTODON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "\r\n",
    "\"type\":\"Create\"",
    "\"type\":\"Announce\"",
    "\"reblog\":",
    "\"mentions\":",
    "\"in_reply_to_account_id\":",
    "\"acct\":\"",
    "https://s.example/users/a/statuses/",
    "https://s.example/@",
    "@o.example",
    "<a href=\\\"",
    "&amp;",
    "\\ud800",
    "-1",
];
const X_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "window.YTD.tweets.part0 = [",
    "\"tweet\":",
    "\"id_str\":\"",
    "\"referenced_tweets\":",
    "\"type\":\"retweeted\"",
    "\"includes\":",
    "\"author_id\":\"",
    "RT @",
    "Wed Oct 10 20:19:24 +0000 2018",
    "2023-01-01T00:00:00.000Z",
    "-1",
    "\\ud800",
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
        name: "bluesky-car",
        seeds: seeds::bluesky_car,
        dictionary: BLUESKY_TOKENS,
        run: |s, b| import(s, b, Format::BlueskyCar, &Options::default()),
    },
    Target {
        name: "mastodon-archive",
        seeds: seeds::mastodon_archive,
        dictionary: MASTODON_TOKENS,
        run: |s, b| {
            let files = seeds::MASTODON_ARCHIVE;
            import_folder(s, b, files, Format::MastodonArchive, &Options::default())
        },
    },
    Target {
        name: "mastodon-api",
        seeds: seeds::mastodon_api,
        dictionary: MASTODON_TOKENS,
        run: |s, b| import(s, b, Format::MastodonApi, &Options::default()),
    },
    Target {
        name: "x-archive",
        seeds: seeds::x_archive,
        dictionary: X_TOKENS,
        run: |s, b| {
            import_folder(
                s,
                b,
                seeds::X_ARCHIVE,
                Format::XArchive,
                &Options::default(),
            )
        },
    },
    Target {
        name: "x-api",
        seeds: seeds::x_api,
        dictionary: X_TOKENS,
        run: |s, b| import(s, b, Format::XApi, &Options::default()),
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
