//! Customer messages from a CSV (`earshot triage ingest`): the rows of a posts CSV read exactly as
//! [`Format::Csv`] reads them (same mapping, dates, encodings, derived ids and rejections naming file,
//! line and field), each good row as the one message a triage decision needs: who wrote what, when.
//! Reading the file through the posts reader keeps the two commands from drifting apart: a CSV that
//! `earshot import` accepts gives triage the same rows, and rejects the same lines.

use crate::{open, EventReader, Format, OpenError, Options, Progress, Rejection};
use earshot_model::Event;
use std::path::Path;

/// One customer message: a good row of the CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerMessage {
    /// The row's first line in the file.
    pub line: u64,
    /// The row's id, or `source:line` when it has no usable one (as for imported posts).
    pub ext_id: String,
    pub platform: String,
    /// The author's handle, or platform id when the row has no handle.
    pub author: String,
    /// Empty when the row has no text.
    pub text: String,
    /// Unix seconds.
    pub received_at: i64,
}

/// Good rows as messages, bad ones as [`Rejection`]s, one item a record.
pub struct MessageReader(EventReader);

impl Iterator for MessageReader {
    type Item = Result<CustomerMessage, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = match self.0.next()? {
                Ok(record) => record,
                Err(r) => return Some(Err(r)),
            };
            // Every good CSV row gives exactly one post (beside its author and mentions).
            let post = record.events.into_iter().find_map(|e| match e {
                Event::Post(p) => Some(p),
                _ => None,
            });
            if let Some(p) = post {
                return Some(Ok(CustomerMessage {
                    line: record.line,
                    ext_id: p.ext_id,
                    platform: p.platform,
                    author: p.author.handle.unwrap_or(p.author.ext_id),
                    text: p.text.unwrap_or_default(),
                    received_at: p.time,
                }));
            }
        }
    }
}

/// Open `path` as a CSV of customer messages. Fails as [`open`] does for [`Format::Csv`]: when the file
/// cannot be read, the options are invalid or the header lacks a mapped column.
pub fn open_messages(path: &Path, opts: &Options) -> Result<(MessageReader, Progress), OpenError> {
    let (records, progress) = open(path, Format::Csv, opts)?;
    Ok((MessageReader(records), progress))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::write_file;

    #[test]
    fn rows_become_messages_and_bad_rows_rejections() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(
            dir.path(),
            "m.csv",
            b"id,name,text,created\n7,Ann,\"where is my bag @united\",2015-02-24 11:35:00\n,Bob,hi,2015-02-24 11:36:00\n8,Cy,late,not a date\n",
        );
        let opts = Options {
            map: vec![
                ("author".into(), "name".into()),
                ("time".into(), "created".into()),
            ],
            ..Options::default()
        };
        let (it, _) = open_messages(&p, &opts).unwrap();
        let items: Vec<_> = it.collect();
        assert_eq!(items.len(), 3);
        let m = items[0].as_ref().unwrap();
        assert_eq!(
            (
                m.line,
                m.ext_id.as_str(),
                m.author.as_str(),
                m.platform.as_str()
            ),
            (2, "7", "Ann", "twitter")
        );
        assert_eq!(m.text, "where is my bag @united");
        assert_eq!(m.received_at, 1_424_777_700);
        let m = items[1].as_ref().unwrap();
        assert_eq!((m.ext_id.as_str(), m.text.as_str()), ("m.csv:3", "hi"));
        let r = items[2].as_ref().unwrap_err();
        assert_eq!((r.line, r.field.as_str()), (4, "created"));
    }
}
