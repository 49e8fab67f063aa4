//! A short run of every target: no input of a few hundred mutants each may panic an importer. (The
//! bounded CI run and the recorded long runs are `earshot-fuzz`'s; see BENCHMARKS.md.)

#[test]
fn every_target_survives_a_short_run() {
    let crashes = tempfile::tempdir().unwrap();
    for t in earshot_fuzz::TARGETS {
        let r = earshot_fuzz::run(t, 300, 7, None, crashes.path()).unwrap();
        assert_eq!(r.executions, 300);
        assert!(r.crashes.is_empty(), "{}: {:?}", t.name, r.crashes);
    }
}

#[test]
fn a_mutant_differs_from_its_seed_and_stays_bounded() {
    use rand_xoshiro::rand_core::SeedableRng;
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
    let seed = b"223789 213163 1341100972 MT\n".to_vec();
    let mut changed = 0;
    for _ in 0..200 {
        let m = earshot_fuzz::mutate::mutate(&seed, &seed, &["RT"], &mut rng);
        assert!(m.len() <= 1 << 16);
        changed += usize::from(m != seed);
    }
    assert!(changed > 180, "{changed} of 200 mutants differ");
}

#[test]
fn a_panicking_target_is_caught_and_its_input_kept() {
    let crashes = tempfile::tempdir().unwrap();
    let fragile = earshot_fuzz::Target {
        name: "fragile",
        seeds: || vec![b"abc".to_vec()],
        dictionary: &["!"],
        run: |_, bytes| assert!(!bytes.contains(&b'!'), "bang"),
    };
    let r = earshot_fuzz::run(&fragile, 500, 1, None, crashes.path()).unwrap();
    assert!(!r.crashes.is_empty());
    for c in &r.crashes {
        let kept = std::fs::read(c).unwrap();
        let plain = kept.contains(&b'!');
        // A gzipped mutant keeps its `!` inside the compressed stream; it still panicked as kept.
        assert!(plain || kept.starts_with(&[0x1f, 0x8b]), "{c:?}");
    }
}

#[test]
fn the_api_seeds_reach_their_handlers() {
    let dir = tempfile::tempdir().unwrap();
    let h = earshot_fuzz::api::Harness::new(dir.path()).unwrap();
    for seed in earshot_fuzz::api::seeds() {
        let (status, what) = h.status(&seed).expect("a request");
        // Authenticated and routed: the handler answered (200, 202, or its own 404/422), never the
        // router's 401, 405 or a 5xx.
        assert!(
            ![401, 403, 405, 415].contains(&status.as_u16()) && !status.is_server_error(),
            "{what}: {status}"
        );
    }
}

#[test]
fn the_platform_seeds_read_without_rejections() {
    use earshot_fuzz::{seeds, targets::write_folder};
    use earshot_ingest::{Format, Options};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("input");
    let folder = dir.path().join("folder");
    type Case = (
        fn() -> Vec<Vec<u8>>,
        Format,
        Option<&'static [(&'static str, &'static [u8])]>,
    );
    let cases: [Case; 6] = [
        (seeds::mastodon_outbox, Format::MastodonOutbox, None),
        (seeds::bluesky_car, Format::BlueskyCar, None),
        (seeds::mastodon_api, Format::MastodonApi, None),
        (seeds::x_api, Format::XApi, None),
        (
            seeds::mastodon_archive,
            Format::MastodonArchive,
            Some(seeds::MASTODON_ARCHIVE),
        ),
        (seeds::x_archive, Format::XArchive, Some(seeds::X_ARCHIVE)),
    ];
    for (seeds, format, files) in cases {
        for (n, seed) in seeds().iter().enumerate() {
            let path = match files {
                Some(files) => {
                    write_folder(&folder, files, seed).unwrap();
                    &folder
                }
                None => {
                    std::fs::write(&file, seed).unwrap();
                    &file
                }
            };
            let (reader, _) = earshot_ingest::open(path, format, &Options::default()).unwrap();
            let (mut records, mut rejections) = (0, Vec::new());
            for item in reader {
                match item {
                    Ok(_) => records += 1,
                    Err(r) => rejections.push(r.to_string()),
                }
            }
            assert!(rejections.is_empty(), "{format:?} seed {n}: {rejections:?}");
            assert!(records > 0, "{format:?} seed {n}: no record");
        }
    }
}
