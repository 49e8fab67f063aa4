//! Checks against the published counts of the real datasets in `../shared/data` (see its MANIFEST.md).
//! Each test is skipped, with a printed reason, when the data is absent, and fails then if `CI=true`.

mod common;

use common::shared_data;
use earshot_ingest::{open, Encoding, Format, Options, Progress, Record, SnapColumn};
use earshot_model::{Event, InteractionKind};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

struct Read {
    records: Vec<Record>,
    rejections: Vec<String>,
    progress: Progress,
}

fn read(p: &Path, f: Format, opts: &Options) -> Read {
    let (it, progress) = open(p, f, opts).unwrap();
    let (mut records, mut rejections) = (Vec::new(), Vec::new());
    for r in it {
        match r {
            Ok(r) => records.push(r),
            Err(e) => rejections.push(e.to_string()),
        }
    }
    Read {
        records,
        rejections,
        progress,
    }
}

fn events(r: &Read) -> impl Iterator<Item = &Event> {
    r.records.iter().flat_map(|r| r.events.iter())
}

#[test]
fn higgs_activity() {
    let Some(p) = shared_data("higgs-twitter/higgs-activity_time.txt.gz") else {
        return;
    };
    let (it, progress) = open(&p, Format::Higgs, &Options::default()).unwrap();
    let mut kinds: HashMap<InteractionKind, u64> = HashMap::new();
    let mut users: HashSet<u64> = HashSet::new();
    let (mut n, mut min, mut max) = (0u64, i64::MAX, i64::MIN);
    let mut keys = HashSet::new();
    for r in it {
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        for e in r.events {
            let Event::Interaction(i) = e else {
                panic!("not an interaction")
            };
            n += 1;
            *kinds.entry(i.kind).or_default() += 1;
            users.insert(i.actor.ext_id.parse().unwrap());
            users.insert(i.target.ext_id.parse().unwrap());
            let t = i.time.unwrap();
            (min, max) = (min.min(t), max.max(t));
            assert_eq!(i.platform, "higgs-activity_time");
            keys.insert(i.key);
        }
    }
    assert_eq!(n, 563_069);
    assert_eq!(keys.len(), 563_069, "keys are unique");
    assert_eq!(kinds[&InteractionKind::Reshare], 354_930);
    assert_eq!(kinds[&InteractionKind::Mention], 171_237);
    assert_eq!(kinds[&InteractionKind::Reply], 36_902);
    assert_eq!(users.len(), 304_691);
    assert_eq!((min, max), (1_341_100_972, 1_341_705_593));
    assert_eq!(progress.bytes_read(), std::fs::metadata(&p).unwrap().len());
    assert!(progress.warnings().is_empty());
}

/// File, published edges, distinct nodes in the edges, header `n m` if any.
type Graph = (&'static str, u64, usize, Option<(u64, u64)>);

const GRAPHS: [Graph; 7] = [
    // NetHEPT: all 15,233 ids of the header occur in edges.
    (
        "im-graphs/nethept_chen.txt",
        58_891,
        15_233,
        Some((15_233, 58_891)),
    ),
    // NetPHY: header says 37,154 nodes and 231,584 edges; the file has 231,507 edge lines over 37,149 ids.
    (
        "im-graphs/netphy_chen.txt",
        231_507,
        37_149,
        Some((37_154, 231_584)),
    ),
    (
        "im-graphs/nethept_wc_weighted.txt",
        32_235,
        15_233,
        Some((15_233, 32_235)),
    ),
    ("im-graphs/soc-Slashdot0902.txt.gz", 948_464, 82_168, None),
    ("im-graphs/wiki-Vote.txt.gz", 103_689, 7_115, None),
    ("im-graphs/email-Eu-core.txt.gz", 25_571, 1_005, None),
    ("im-graphs/facebook_combined.txt.gz", 88_234, 4_039, None),
];

#[test]
fn snap_graphs() {
    for (rel, edges, nodes, header) in GRAPHS {
        let Some(p) = shared_data(rel) else { continue };
        let r = read(&p, Format::Snap, &Options::default());
        assert!(
            r.rejections.is_empty(),
            "{rel}: {:?}",
            &r.rejections[..r.rejections.len().min(5)]
        );
        let mut ids = HashSet::new();
        let mut count = 0u64;
        for e in events(&r) {
            let Event::Interaction(i) = e else { panic!() };
            count += 1;
            ids.insert(i.actor.ext_id.clone());
            ids.insert(i.target.ext_id.clone());
            assert!(
                i.weight > 0.0 && i.weight <= 1.0,
                "{rel}: weight {}",
                i.weight
            );
        }
        assert_eq!(count, edges, "{rel}: edges");
        assert_eq!(ids.len(), nodes, "{rel}: distinct nodes");
        let h = r.progress.edge_list_header().map(|h| (h.nodes, h.edges));
        assert_eq!(h, header, "{rel}: header");
        let warnings = r.progress.warnings();
        if rel.contains("netphy") {
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert!(
                warnings[0]
                    .message
                    .contains("declares 231584 edges but the file has 231507"),
                "{warnings:?}"
            );
        } else {
            assert!(warnings.is_empty(), "{rel}: {warnings:?}");
        }
    }
}

#[test]
fn nethept_undirected_doubles_all_but_self_loops() {
    let Some(p) = shared_data("im-graphs/nethept_chen.txt") else {
        return;
    };
    let r = read(
        &p,
        Format::Snap,
        &Options {
            undirected: true,
            ..Options::default()
        },
    );
    assert!(r.rejections.is_empty());
    // 58,891 lines, of which the self-loops (one event each) are not doubled.
    let loops = events(&r)
        .filter(|e| matches!(e, Event::Interaction(i) if i.actor == i.target))
        .count() as u64;
    assert_eq!(events(&r).count() as u64, 2 * 58_891 - loops);
}

#[test]
fn temporal_interactions() {
    let cases: [(&str, &str, u64, usize); 3] = [
        (
            "temporal-interactions/CollegeMsg.txt",
            "src,dst,time",
            59_835,
            1_899,
        ),
        (
            "temporal-interactions/soc-sign-bitcoinotc.csv",
            "src,dst,ignore,time",
            35_592,
            5_881,
        ),
        (
            "temporal-interactions/soc-sign-bitcoinalpha_with_header.csv",
            "src,dst,ignore,time",
            24_186,
            3_783,
        ),
    ];
    for (rel, cols, rows, nodes) in cases {
        let Some(p) = shared_data(rel) else { continue };
        let opts = Options {
            snap_columns: Some(SnapColumn::parse_list(cols).unwrap()),
            kind: Some(InteractionKind::Mention),
            ..Options::default()
        };
        let r = read(&p, Format::Snap, &opts);
        assert!(
            r.rejections.is_empty(),
            "{rel}: {:?}",
            &r.rejections[..r.rejections.len().min(5)]
        );
        let mut ids = HashSet::new();
        for e in events(&r) {
            let Event::Interaction(i) = e else { panic!() };
            assert!(i.time.is_some_and(|t| t > 1_000_000_000));
            ids.insert(i.actor.ext_id.clone());
            ids.insert(i.target.ext_id.clone());
        }
        assert_eq!(events(&r).count() as u64, rows, "{rel}");
        assert_eq!(ids.len(), nodes, "{rel}");
        let column_names = r.progress.warnings().len();
        assert_eq!(
            column_names,
            usize::from(rel.contains("with_header")),
            "{rel}"
        );
    }
}

fn map(pairs: &str) -> Vec<(String, String)> {
    pairs
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

#[test]
fn airline_tweets_15_columns_mangled_ids() {
    let Some(p) = shared_data("tweet-text/airline_sentiment_tweets_15col_excel_mangled_ids.csv")
    else {
        return;
    };
    let opts = Options {
        map: map("author=name,text=text,time=tweet_created,id=tweet_id"),
        ..Options::default()
    };
    let r = read(&p, Format::Csv, &opts);
    assert!(
        r.rejections.is_empty(),
        "{:?}",
        &r.rejections[..r.rejections.len().min(5)]
    );
    let posts: Vec<_> = events(&r)
        .filter_map(|e| {
            if let Event::Post(p) = e {
                Some(p)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(posts.len(), 14_640);
    // Every id is Excel-mangled, so every post is keyed by its first line; those are distinct.
    assert_eq!(
        posts
            .iter()
            .map(|p| &p.ext_id)
            .collect::<HashSet<_>>()
            .len(),
        14_640
    );
    assert!(posts[0].ext_id.ends_with(".csv:2"));
    let multiline = posts
        .iter()
        .filter(|p| p.text.as_deref().is_some_and(|t| t.contains('\n')))
        .count();
    assert_eq!(multiline, 138);
    let authors: HashSet<_> = posts.iter().map(|p| p.author.ext_id.clone()).collect();
    assert_eq!(authors.len(), 7_701);
    let t = posts.iter().map(|p| p.time);
    let (min, max) = (t.clone().min().unwrap(), t.max().unwrap());
    assert_eq!(earshot_model::format_utc(min), "2015-02-16 23:36:00");
    assert_eq!(earshot_model::format_utc(max), "2015-02-24 11:53:00");
    let mentions = events(&r)
        .filter(|e| matches!(e, Event::Interaction(_)))
        .count();
    assert_eq!(mentions, 16_242);
    let w = r.progress.warnings();
    assert_eq!(w.len(), 1);
    assert!(
        w[0].message
            .starts_with("14640 values of column \"tweet_id\" are Excel-mangled"),
        "{w:?}"
    );
}

#[test]
fn airline_tweets_6_columns_clean_ids() {
    let Some(p) = shared_data("tweet-text/airline_sentiment_tweets_6col.csv") else {
        return;
    };
    // This export has no author column: `author=-` gives each post its own anonymous author.
    let opts = Options {
        map: map("author=-,text=text,time=tweet_created,id=tweet_id"),
        ..Options::default()
    };
    let r = read(&p, Format::Csv, &opts);
    assert!(
        r.rejections.is_empty(),
        "{:?}",
        &r.rejections[..r.rejections.len().min(5)]
    );
    let posts: Vec<_> = events(&r)
        .filter_map(|e| {
            if let Event::Post(p) = e {
                Some(p)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(posts.len(), 14_640);
    assert_eq!(posts[0].ext_id, "570306133677760513");
    assert_eq!(
        earshot_model::format_utc(posts[0].time),
        "2015-02-24 11:35:00"
    );
    // The original dataset repeats 155 tweets (same id): the store merges them.
    assert_eq!(
        posts
            .iter()
            .map(|p| &p.ext_id)
            .collect::<HashSet<_>>()
            .len(),
        14_485
    );
    assert_eq!(
        events(&r)
            .filter(|e| matches!(e, Event::Interaction(_)))
            .count(),
        16_396
    );
    assert!(r.progress.warnings().is_empty());
}

fn distinct_accounts(r: &Read) -> (usize, usize) {
    let mut ids = HashSet::new();
    let mut by_handle = 0;
    for e in events(r) {
        let Event::Account(a) = e else { panic!() };
        by_handle += usize::from(a.ext_id.starts_with('@'));
        ids.insert(a.ext_id.clone());
    }
    (ids.len(), by_handle)
}

#[test]
fn kaggle_bot_profiles() {
    let cases = [
        ("bots-kaggle-2017/bots_data.csv", 1_056, 1_056, 313, "bot"),
        (
            "bots-kaggle-2017/nonbots_data.csv",
            1_176,
            1_175,
            80,
            "human",
        ),
    ];
    for (rel, rows, distinct, handles, label) in cases {
        let Some(p) = shared_data(rel) else { continue };
        let r = read(
            &p,
            Format::Profiles,
            &Options {
                encoding: Encoding::Latin1,
                ..Options::default()
            },
        );
        assert!(
            r.rejections.is_empty(),
            "{rel}: {:?}",
            &r.rejections[..r.rejections.len().min(5)]
        );
        assert_eq!(r.records.len(), rows, "{rel}");
        assert_eq!(distinct_accounts(&r), (distinct, handles), "{rel}");
        for e in events(&r) {
            let Event::Account(a) = e else { panic!() };
            assert_eq!(a.profile.label.as_deref(), Some(label));
            assert!(
                a.profile.followers.is_some()
                    && a.profile.created_at.is_some()
                    && a.profile.likes_given.is_some()
                    && a.profile.listed.is_some(),
                "{a:?}"
            );
            let h = a.handle.as_deref().unwrap();
            assert!(!h.contains('"'), "{h}");
        }
    }
}

#[test]
fn instafake_profiles() {
    let cases = [
        ("bots-instafake/fakeAccountData.json", 200, "fake"),
        ("bots-instafake/realAccountData.json", 994, "real"),
    ];
    for (rel, rows, label) in cases {
        let Some(p) = shared_data(rel) else { continue };
        let r = read(
            &p,
            Format::Profiles,
            &Options {
                platform: Some("instagram".into()),
                ..Options::default()
            },
        );
        assert!(
            r.rejections.is_empty(),
            "{rel}: {:?}",
            &r.rejections[..r.rejections.len().min(5)]
        );
        assert_eq!(distinct_accounts(&r), (rows, 0), "{rel}");
        for e in events(&r) {
            let Event::Account(a) = e else { panic!() };
            assert_eq!(a.profile.label.as_deref(), Some(label));
            assert!(
                a.profile.followers.is_some()
                    && a.profile.default_avatar.is_some()
                    && a.profile.private.is_some()
                    && a.profile.bio_length.is_some()
                    && a.profile.username_length.is_some()
                    && a.profile.username_digits.is_some()
            );
            // The file gives lengths and digit counts, never the texts themselves.
            assert!(a.profile.bio.is_none() && a.handle.is_none());
        }
        let Event::Account(first) = events(&r).next().unwrap() else {
            panic!()
        };
        assert!(
            first.ext_id.ends_with("AccountData.json:1"),
            "{}",
            first.ext_id
        );
    }
}

/// The diffusion-cascade datasets that ship a social graph, unpacked from the archive into `dir`:
/// `(name, cascades.txt, edges.txt)`.
fn cascade_datasets(dir: &Path) -> Option<Vec<(&'static str, PathBuf, PathBuf)>> {
    let archive = shared_data(
        "diffusion-cascades/cascades_twitter_douban_android_christianity_memetracker.tar.gz",
    )?;
    let names = ["android", "christianity", "memetracker"];
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(archive).unwrap(),
    ));
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().into_owned();
        if names.iter().any(|n| path.starts_with(n)) {
            let out = dir.join(&path);
            std::fs::create_dir_all(out.parent().unwrap()).unwrap();
            entry.unpack(&out).unwrap();
        }
    }
    Some(
        names
            .iter()
            .map(|n| {
                (
                    *n,
                    dir.join(n).join("cascades.txt"),
                    dir.join(n).join("edges.txt"),
                )
            })
            .collect(),
    )
}

/// The direction `cascade_edges.rs` documents, recounted through the readers: for consecutive adopters
/// `u` then `v` of each imported cascade, is there a follow of `u` by `v` only (the edge line `u,v`: the
/// earlier adopter first), of `v` by `u` only, both, or neither? The expected counts were made from the
/// files by a separate script (adoption order, the importer's rules); a reader that turned the edges
/// around, or read Memetracker's times in another unit, would not give them.
#[test]
fn cascade_edges_point_from_earlier_to_later_adopters() {
    let dir = tempfile::tempdir().unwrap();
    let Some(datasets) = cascade_datasets(dir.path()) else {
        return;
    };
    // (consecutive pairs, earlier first only, later first only, both)
    let published = [
        (27_664, 530, 486, 465),
        (14_149, 1_176, 1_182, 2_337),
        (155_208, 72_131, 3_741, 48_607),
    ];
    for ((name, cascades, edges), want) in datasets.into_iter().zip(published) {
        let unit = if name == "memetracker" {
            earshot_ingest::TimeUnit::Microhours
        } else {
            earshot_ingest::TimeUnit::Seconds
        };
        let opts = Options {
            time_unit: unit,
            ..Options::default()
        };
        let graph = read(&edges, Format::CascadeEdges, &opts);
        assert!(
            graph.rejections.is_empty(),
            "{name}: {:?}",
            graph.rejections
        );
        let mut follows: HashSet<(String, String)> = HashSet::new();
        for e in events(&graph) {
            let Event::Interaction(i) = e else { panic!() };
            assert_eq!(
                (i.kind, i.time, i.platform.as_str()),
                (InteractionKind::Follow, None, name)
            );
            follows.insert((i.actor.ext_id.clone(), i.target.ext_id.clone()));
        }
        let r = read(&cascades, Format::Cascades, &opts);
        let (mut pairs, mut earlier_first, mut later_first, mut both) = (0, 0, 0, 0);
        for rec in &r.records {
            let adopters: Vec<&str> = rec
                .events
                .iter()
                .map(|e| match e {
                    Event::Post(p) => p.author.ext_id.as_str(),
                    Event::Interaction(i) => i.actor.ext_id.as_str(),
                    Event::Account(_) => panic!("no accounts"),
                })
                .collect();
            for w in adopters.windows(2) {
                let (u, v) = (w[0].to_string(), w[1].to_string());
                pairs += 1;
                // A line `u,v` is stored as v following u.
                match (
                    follows.contains(&(v.clone(), u.clone())),
                    follows.contains(&(u, v)),
                ) {
                    (true, true) => both += 1,
                    (true, false) => earlier_first += 1,
                    (false, true) => later_first += 1,
                    (false, false) => {}
                }
            }
        }
        println!(
            "{name}: {pairs} consecutive pairs, {earlier_first} earlier first, {later_first} later first, \
             {both} both ways ({} follows)",
            follows.len()
        );
        assert_eq!((pairs, earlier_first, later_first, both), want, "{name}");
    }
}
