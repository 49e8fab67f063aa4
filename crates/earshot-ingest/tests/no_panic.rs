//! Library code never panics on user data: arbitrary bytes through every format end in records and
//! rejections, never a crash, and every rejection names a line that exists.

use earshot_ingest::{open, Encoding, Format, Options};
use proptest::prelude::*;

fn lines_of(bytes: &[u8]) -> u64 {
    bytes.split(|&b| b == b'\n').count() as u64
}

/// Bytes that look a little like our inputs, so parsers get past their first checks.
fn input() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"1 2 1341100000 RT\n".to_vec()),
        Just(b"12\t34\t0.5\r\n".to_vec()),
        Just(b"# comment\n".to_vec()),
        Just(b"\"a,\"\"b\",c\n".to_vec()),
        Just(b"{\"type\":\"interaction\",\"platform\":\"t\"}\n".to_vec()),
        Just(b"[{\"userFollowerCount\": 3}]".to_vec()),
        Just(b"158 244 48358445,2287 53292083,2417 6175983,\r\n".to_vec()),
        Just(b"674,48\n".to_vec()),
        Just(b"['ROOT', 'ROOT', '0.0']->['972651', '80080680482123777', '0.0']\n".to_vec()),
        Just(
            b"['972651', '80080680482123777', '0.0']->['189397006', '80080680482123777', '1.33']\n"
                .to_vec()
        ),
        Just(b"name,text,time\n".to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn arbitrary_bytes_never_panic(bytes in input(), gz in any::<bool>(), latin1 in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if gz { "in.txt.gz" } else { "in.txt" });
        let data = if gz {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&bytes).unwrap();
            let mut z = e.finish().unwrap();
            z.truncate(z.len().saturating_sub(bytes.len() % 7)); // sometimes cut short
            z
        } else {
            bytes.clone()
        };
        std::fs::write(&path, &data).unwrap();
        let opts = Options {
            encoding: if latin1 { Encoding::Latin1 } else { Encoding::Utf8 },
            map: vec![("author".into(), "name".into()), ("text".into(), "text".into()), ("time".into(), "time".into())],
            ..Options::default()
        };
        for format in Format::ALL {
            let opts = if format == Format::Profiles { Options { map: vec![], ..opts.clone() } } else { opts.clone() };
            // Opening may fail cleanly (a CSV without the mapped header); reading must not panic.
            if let Ok((reader, _progress)) = open(&path, format, &opts) {
                for item in reader.take(10_000) {
                    if let Err(r) = item {
                        prop_assert!(gz || r.line <= lines_of(&bytes) + 1, "{r} beyond the input");
                        prop_assert!(!r.field.is_empty() && !r.reason.is_empty(), "{r:?}");
                    }
                }
            }
        }
    }
}
