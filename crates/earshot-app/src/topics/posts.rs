//! The texts topic discovery and benchmarks read (files of one post a line, a TweetEval task, or the
//! stored posts), and the taxonomy files matching reads.

use anyhow::{Context, Result};
use earshot_store::{Store, TimeWindow};
use earshot_topics::{Matcher, Taxonomy};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where posts come from: text files, a TweetEval task, or (when neither is given) the database.
#[derive(Debug, Clone, PartialEq)]
pub struct PostSource {
    /// Files of one post a line (`.gz` is decompressed); blank lines are skipped.
    pub lines: Vec<PathBuf>,
    /// `tweeteval_datasets.tar.gz` or its extracted folder.
    pub tweeteval: Option<PathBuf>,
    /// The TweetEval task (emoji, emotion, hate, …).
    pub task: String,
    /// The TweetEval splits (train, val, test), read in this order.
    pub split: Vec<String>,
}

/// Texts read from a [`PostSource`], and where they came from, in words.
pub struct Posts {
    pub texts: Vec<String>,
    pub from: String,
}

/// Reads the posts of `source`. The database is opened (by `open_store`, which also names it) only
/// when the source names neither files nor TweetEval, so those need no database.
pub fn read_posts(
    source: &PostSource,
    open_store: impl FnOnce() -> Result<(Store, String)>,
) -> Result<Posts> {
    let mut texts = Vec::new();
    let mut from = Vec::new();
    for path in &source.lines {
        texts.extend(read_lines(path)?);
        from.push(path.display().to_string());
    }
    if let Some(path) = &source.tweeteval {
        let names: Vec<String> = source
            .split
            .iter()
            .map(|s| format!("{s}_text.txt"))
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        for text in earshot_ingest::tweeteval::read_members(path, &source.task, &refs)? {
            texts.extend(text.lines().map(str::to_owned));
        }
        from.push(format!("TweetEval {}/{}", source.task, names.join("+")));
    }
    if from.is_empty() {
        let (store, name) = open_store()?;
        store.scan_posts(TimeWindow::all(), None, |p| {
            if let Some(t) = p.text.filter(|t| !t.trim().is_empty()) {
                texts.push(t);
            }
        })?;
        from.push(format!("posts in {name}"));
    }
    Ok(Posts {
        texts,
        from: from.join(", "),
    })
}

/// The non-blank lines of a text file, gzip-compressed when its name ends in `.gz`; bytes that are
/// not UTF-8 are replaced rather than refused, as posts often carry them.
fn read_lines(path: &Path) -> Result<Vec<String>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect())
}

/// Reads a taxonomy file and compiles it for matching; errors name the file.
pub fn load_taxonomy(path: &Path) -> Result<Matcher> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading taxonomy {name}"))?;
    Ok(Taxonomy::from_toml(&text, &name)?.compile(&name)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn files_plain_and_gzip_skip_blank_lines_and_need_no_database() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("a.txt");
        std::fs::write(&plain, "one\n\n  \ntwo\n").unwrap();
        let gz = dir.path().join("b.txt.gz");
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).unwrap(),
            flate2::Compression::fast(),
        );
        enc.write_all(b"three\n").unwrap();
        enc.finish().unwrap();
        let source = PostSource {
            lines: vec![plain.clone(), gz.clone()],
            tweeteval: None,
            task: "emoji".into(),
            split: vec!["train".into()],
        };
        let posts = read_posts(&source, || panic!("no database for files")).unwrap();
        assert_eq!(posts.texts, ["one", "two", "three"]);
        assert_eq!(posts.from, format!("{}, {}", plain.display(), gz.display()));
    }
}
