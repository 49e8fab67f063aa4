use super::*;
use earshot_model::InteractionKind;
use std::collections::{HashMap, HashSet};

fn all() -> PersonsConfig {
    PersonsConfig::new(1000, 1, &Network::ALL)
}

/// The stream's events and its output, for `cfg`.
fn run(cfg: &PersonsConfig) -> (Vec<u8>, Vec<Event>, PersonsOutput) {
    let mut bytes = Vec::new();
    let out = generate_persons(cfg, &mut bytes).unwrap();
    let events = std::str::from_utf8(&bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Event>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (bytes, events, out)
}

fn accounts(events: &[Event]) -> Vec<&Account> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Account(a) => Some(a),
            _ => None,
        })
        .collect()
}

/// The URLs that name an account, as [`profile_urls`] gives them, from the account event alone.
fn urls_of(a: &Account) -> Vec<String> {
    let handle = a.handle.as_deref().unwrap();
    let net = Network::parse(&a.platform).unwrap();
    let (name, inst) = match handle.split_once('@') {
        Some((n, i)) if net == Network::Mastodon => (n, Some(i)),
        _ => (handle, None),
    };
    profile_urls(&net, handle, inst, name)
        .into_iter()
        .map(|u| u.to_ascii_lowercase())
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_truth() {
    let cfg = PersonsConfig::new(200, 7, &Network::ALL);
    let (a, _, ta) = run(&cfg);
    let (b, _, tb) = run(&cfg);
    assert_eq!(a, b);
    assert_eq!(ta.truth, tb.truth);
    assert_eq!(ta.summary, tb.summary);
    let (c, _, _) = run(&PersonsConfig::new(200, 8, &Network::ALL));
    assert_ne!(a, c, "another seed, another stream");
}

#[test]
fn every_truth_row_is_an_account_in_the_stream_and_back() {
    let (bytes, events, out) = run(&all());
    let s = &out.summary;
    let in_stream: HashSet<(&str, &str)> = accounts(&events)
        .iter()
        .map(|a| (a.platform.as_str(), a.ext_id.as_str()))
        .collect();
    let in_truth: HashSet<(&str, &str)> = out
        .truth
        .iter()
        .map(|r| (r.platform, r.ext_id.as_str()))
        .collect();
    assert_eq!(in_truth.len(), out.truth.len(), "an account in two rows");
    assert_eq!(in_stream, in_truth);
    assert_eq!(s.total_accounts(), in_truth.len() as u64);
    assert_eq!(s.events(), events.len() as u64);
    assert_eq!(s.bytes, bytes.len() as u64);
    assert!(s.events() < 100_000, "the default must stay compact: {s:?}");
    // Every post and interaction names accounts of its own platform (the networks are separate).
    let mut times = Vec::new();
    for e in &events {
        match e {
            Event::Post(p) => {
                assert!(in_truth.contains(&(p.platform.as_str(), p.author.ext_id.as_str())));
                assert!(p.ext_id.starts_with("s1:p"));
                times.push(p.time);
            }
            Event::Interaction(i) => {
                for r in [&i.actor, &i.target] {
                    assert!(
                        in_truth.contains(&(i.platform.as_str(), r.ext_id.as_str())),
                        "{i:?}"
                    );
                }
                assert_ne!(i.actor, i.target);
                times.push(i.time.unwrap());
            }
            Event::Account(_) => assert!(times.is_empty(), "accounts come first"),
        }
    }
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
    let cfg = all();
    assert!(times.iter().all(|&t| t >= cfg.start && t < cfg.end()));
}

#[test]
fn links_only_point_at_the_same_persons_accounts() {
    let (_, events, out) = run(&all());
    let person: HashMap<(&str, &str), &str> = out
        .truth
        .iter()
        .map(|r| ((r.platform, r.ext_id.as_str()), r.person.as_str()))
        .collect();
    let mut owner_of_url: HashMap<String, &str> = HashMap::new();
    for a in accounts(&events) {
        for u in urls_of(a) {
            let prev =
                owner_of_url.insert(u.clone(), person[&(a.platform.as_str(), a.ext_id.as_str())]);
            assert!(prev.is_none(), "{u} names two accounts");
        }
    }
    let (mut evidence, mut blogs) = (HashSet::new(), 0);
    for a in accounts(&events) {
        let me = person[&(a.platform.as_str(), a.ext_id.as_str())];
        let links = a
            .profile
            .links
            .iter()
            .flatten()
            .chain(a.profile.url.as_ref());
        for l in links {
            let key = l.trim_end_matches('/').to_ascii_lowercase();
            match owner_of_url.get(&key) {
                Some(&owner) => {
                    assert_eq!(owner, me, "{} links {l}, which is {owner}'s", a.ext_id);
                    assert!(!owner.starts_with('d'), "decoys claim nothing");
                    evidence.insert(me);
                }
                None => blogs += 1,
            }
        }
    }
    assert_eq!(evidence.len() as u64, out.summary.persons_with_links);
    let share = evidence.len() as f64 / out.summary.persons as f64;
    assert!(
        (0.2..0.4).contains(&share),
        "{share} of persons carry evidence"
    );
    assert!(
        blogs > 50,
        "some links are blogs, nobody's account: {blogs}"
    );
}

#[test]
fn decoys_look_like_true_persons() {
    let (_, events, out) = run(&all());
    let s = &out.summary;
    assert_eq!(s.persons, 1000);
    assert_eq!(s.decoys, 350);
    let mut rows_per_person: HashMap<&str, Vec<&TruthRow>> = HashMap::new();
    for r in &out.truth {
        rows_per_person.entry(&r.person).or_default().push(r);
    }
    let decoys: Vec<&str> = rows_per_person
        .keys()
        .copied()
        .filter(|p| p.starts_with('d'))
        .collect();
    assert_eq!(decoys.len(), 350);
    assert!(decoys.iter().all(|d| rows_per_person[d].len() == 1));
    assert_eq!(rows_per_person.len(), 1350);
    assert!(rows_per_person.iter().all(|(p, rows)| p.len() == 7
        && rows
            .iter()
            .map(|r| r.platform)
            .collect::<HashSet<_>>()
            .len()
            == rows.len()));

    // Handle stems: a decoy's handle stem is a true person's stem on another platform.
    let handle: HashMap<&str, &str> = accounts(&events)
        .iter()
        .map(|a| (a.ext_id.as_str(), a.handle.as_deref().unwrap()))
        .collect();
    let stem = |h: &str| -> String {
        let local = h.split(['@', '.']).next().unwrap();
        stem_key(local)
    };
    let mut true_stems: HashMap<String, HashSet<&str>> = HashMap::new();
    for r in out.truth.iter().filter(|r| r.person.starts_with('p')) {
        true_stems
            .entry(stem(handle[r.ext_id.as_str()]))
            .or_default()
            .insert(r.platform);
    }
    let cross_platform_clashes = decoys
        .iter()
        .map(|d| rows_per_person[d][0])
        .filter(|r| {
            true_stems
                .get(&stem(handle[r.ext_id.as_str()]))
                .is_some_and(|ps| ps.iter().any(|p| *p != r.platform))
        })
        .count();
    assert!(
        cross_platform_clashes >= 100,
        "decoys sharing a stem with a true person elsewhere: {cross_platform_clashes}"
    );
    assert!(s.handle_clashes >= 100, "{s:?}");
    assert!(
        s.name_collisions >= 50,
        "true persons sharing full names: {s:?}"
    );
}

#[test]
fn ids_and_handles_look_like_the_networks() {
    let (_, events, out) = run(&all());
    let s = &out.summary;
    assert!(s.accounts.iter().all(|&n| n > 500), "{s:?}");
    let mut custom_domains = 0;
    for a in accounts(&events) {
        let h = a.handle.as_deref().unwrap();
        match a.platform.as_str() {
            "mastodon" => {
                let (name, inst) = h.split_once('@').unwrap();
                assert_eq!(a.ext_id, format!("https://{inst}/users/{name}"));
                assert!(MASTODON_INSTANCES.contains(&inst));
                assert!(
                    name.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "{h}"
                );
            }
            "bluesky" => {
                let did = a.ext_id.strip_prefix("did:plc:").unwrap();
                assert_eq!(did.len(), 24);
                assert!(did
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)));
                assert!(
                    h.contains('.') && !h.contains('_') && h == h.to_ascii_lowercase(),
                    "{h}"
                );
                custom_domains += usize::from(!h.ends_with(".bsky.social"));
            }
            "twitter" => {
                assert!(a.ext_id.bytes().all(|b| b.is_ascii_digit()), "{}", a.ext_id);
                assert!(
                    h.len() <= 15 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                    "{h}"
                );
            }
            other => panic!("platform {other}"),
        }
    }
    assert!(
        custom_domains > 50,
        "{custom_domains} custom Bluesky domains"
    );
}

#[test]
fn accounts_are_active_and_most_receive_reactions() {
    let (_, events, _) = run(&all());
    let mut received: HashSet<(&str, &str)> = HashSet::new();
    let mut kinds = HashSet::new();
    for e in &events {
        if let Event::Interaction(i) = e {
            kinds.insert(i.kind);
            if i.kind != InteractionKind::Follow {
                received.insert((i.platform.as_str(), i.target.ext_id.as_str()));
            }
        }
    }
    let n = accounts(&events).len();
    assert_eq!(received.len(), n, "every account gets a reaction");
    assert_eq!(kinds.len(), 6, "{kinds:?}");
}

#[test]
fn networks_parse_and_configs_are_checked() {
    assert_eq!(Network::parse("x"), Ok(Network::X));
    assert_eq!(Network::parse("Twitter"), Ok(Network::X));
    assert_eq!(Network::X.label(), "twitter");
    assert!(Network::parse("myspace").is_err());
    let cfg = PersonsConfig::new(10, 1, &[Network::X, Network::Mastodon, Network::X]);
    assert_eq!(cfg.networks, [Network::Mastodon, Network::X]);
    assert!(matches!(
        PersonsConfig::new(0, 1, &Network::ALL).validate(),
        Err(SynthError::Persons(0))
    ));
    assert!(matches!(
        PersonsConfig::new(5, 1, &[]).validate(),
        Err(SynthError::NoNetworks)
    ));
    // Two platforms only: nothing lands on the third; a single person still works.
    let (_, events, out) = run(&PersonsConfig::new(50, 3, &[Network::Mastodon, Network::X]));
    assert!(accounts(&events).iter().all(|a| a.platform != "bluesky"));
    assert_eq!(out.summary.accounts[Network::Bluesky as usize], 0);
    let (_, _, one) = run(&PersonsConfig::new(1, 3, &[Network::Bluesky]));
    assert_eq!((one.summary.persons, one.summary.decoys), (1, 1));
}

#[test]
fn truth_csv_has_its_header_and_a_row_per_account() {
    let (_, _, out) = run(&PersonsConfig::new(20, 1, &Network::ALL));
    let mut csv = Vec::new();
    write_truth_csv(&out.truth, &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("person,platform,ext_id"));
    assert_eq!(lines.count(), out.truth.len());
    assert!(text.lines().skip(1).all(|l| l.split(',').count() == 3));
}
