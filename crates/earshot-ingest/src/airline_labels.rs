//! The labelled tweets of the Twitter US Airline Sentiment dataset (Crowdflower, 2015): each tweet's
//! text, its labelled sentiment and, for negative ones, the labelled reason. `advocates eval-reasons`
//! measures a reason taxonomy against them.

use std::path::{Path, PathBuf};

/// One labelled tweet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledTweet {
    /// The author's handle (`name`), when the file has the column and the row a value.
    pub author: Option<String>,
    /// The airline the tweet is about (`airline`; empty without the column).
    pub airline: String,
    pub text: String,
    /// `airline_sentiment`, lower-case: negative, neutral or positive.
    pub sentiment: String,
    /// `negativereason`, trimmed; empty when the row has none (or the file has no such column).
    pub reason: String,
    /// The record's line in the file, for messages.
    pub line: u64,
}

/// Why the file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LabelsError {
    #[error("{}: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{}: record {record}: {source}", path.display())]
    Record {
        path: PathBuf,
        record: usize,
        source: csv::Error,
    },
    #[error("{}: no column {column:?} (have: {have})", path.display())]
    Column {
        path: PathBuf,
        column: &'static str,
        have: String,
    },
}

/// Every row of the CSV at `path`, columns found by header name: `text` and `airline_sentiment` are
/// required, and `negativereason` too when `need_reasons`; `name` and `airline` are optional. A bad
/// record stops the read, naming it.
pub fn read_labelled_tweets(
    path: &Path,
    need_reasons: bool,
) -> Result<Vec<LabelledTweet>, LabelsError> {
    let csv_error = |source| LabelsError::Csv {
        path: path.to_owned(),
        source,
    };
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(csv_error)?;
    let headers = r.headers().map_err(csv_error)?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let need = |column: &'static str| {
        col(column).ok_or_else(|| LabelsError::Column {
            path: path.to_owned(),
            column,
            have: headers.iter().collect::<Vec<_>>().join(", "),
        })
    };
    let (text, sentiment) = (need("text")?, need("airline_sentiment")?);
    let reason = if need_reasons {
        Some(need("negativereason")?)
    } else {
        col("negativereason")
    };
    let (author, airline) = (col("name"), col("airline"));
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|source| LabelsError::Record {
            path: path.to_owned(),
            record: i + 1,
            source,
        })?;
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_owned();
        out.push(LabelledTweet {
            author: author.map(get).filter(|a| !a.is_empty()),
            airline: airline.map(get).unwrap_or_default(),
            text: get(text),
            sentiment: get(sentiment).to_lowercase(),
            reason: reason.map(get).unwrap_or_default(),
            line: rec.position().map_or(i as u64 + 2, |p| p.line()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_found_by_name_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("ok.csv");
        std::fs::write(
            &ok,
            "airline_sentiment,negativereason,airline,name,text\n\
             NEGATIVE, Late Flight ,United,alice,\"late again, 3h\"\n\
             positive,,Delta,,thanks!\n",
        )
        .unwrap();
        let rows = read_labelled_tweets(&ok, true).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].sentiment, "negative");
        assert_eq!(rows[0].reason, "Late Flight");
        assert_eq!(rows[0].author.as_deref(), Some("alice"));
        assert_eq!(rows[0].text, "late again, 3h");
        assert_eq!(rows[1].author, None);
        assert_eq!(rows[1].reason, "");
        assert_eq!((rows[0].line, rows[1].line), (2, 3));
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "airline_sentiment,text\nnegative,x\n").unwrap();
        let e = read_labelled_tweets(&bad, true).unwrap_err().to_string();
        assert!(e.contains("negativereason") && e.contains("bad.csv"), "{e}");
        assert_eq!(read_labelled_tweets(&bad, false).unwrap()[0].reason, "");
    }
}
