//! One post segment: a run of posts sorted by id as Parquet, written whole and read row group by row
//! group.
//!
//! Columns (docs/segments.md lists them for readers outside earshot): `id`, `author`, `time` and the
//! optional `reply_to`, `quote_of`, `reshare_of` as INT64 (post and account ids, as in SQLite's `posts`),
//! then `platform`, `ext_id` and the optional `text` as UTF-8 strings. Rows are sorted by id, so equal
//! ids from different files meet when segments are merged and a post is found by its id from the row
//! groups' statistics. Strings of a run or a decoded row group live in one byte buffer ([`Span`]s into
//! it): a post costs no allocation of its own on the way in or out.

use super::file::{check_columns, read_all, schema_of, sync_written};
use bytes::Bytes;
use parquet::basic::{Compression, Encoding, Type as Physical};
use parquet::column::reader::ColumnReader;
use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::statistics::Statistics;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::Arc;

/// Rows per row group: posts carry text, so groups are smaller than the interaction log's.
pub(crate) const POST_GROUP_ROWS: usize = 1 << 17;

/// The columns in file order, with whether each may be null.
const COLUMNS: [(&str, Physical, bool); 9] = [
    ("id", Physical::INT64, false),
    ("author", Physical::INT64, false),
    ("time", Physical::INT64, false),
    ("reply_to", Physical::INT64, true),
    ("quote_of", Physical::INT64, true),
    ("reshare_of", Physical::INT64, true),
    ("platform", Physical::BYTE_ARRAY, false),
    ("ext_id", Physical::BYTE_ARRAY, false),
    ("text", Physical::BYTE_ARRAY, true),
];

/// Where a string lies in a run's or a row group's byte buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub len: usize,
}

impl Span {
    /// Append `s` to `bytes` and name where it went.
    pub fn push(bytes: &mut Vec<u8>, s: &[u8]) -> Span {
        let start = bytes.len();
        bytes.extend_from_slice(s);
        Span {
            start,
            len: s.len(),
        }
    }

    pub fn of<'b>(&self, bytes: &'b [u8]) -> &'b [u8] {
        bytes.get(self.start..self.start + self.len).unwrap_or(&[])
    }

    /// The string as UTF-8 (every string earshot writes is; a damaged one reads as replaced characters).
    pub fn str_of<'b>(&self, bytes: &'b [u8]) -> std::borrow::Cow<'b, str> {
        String::from_utf8_lossy(self.of(bytes))
    }
}

/// One post as the log holds it. `platform` numbers the run's (or row group's) platform names; `ext_id`
/// and `text` lie in its byte buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PostLogRow {
    pub id: i64,
    pub platform: u16,
    pub author: i64,
    pub time: i64,
    pub reply_to: Option<i64>,
    pub quote_of: Option<i64>,
    pub reshare_of: Option<i64>,
    pub ext_id: Span,
    pub text: Option<Span>,
}

fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("earshot {}", env!("CARGO_PKG_VERSION")))
        .set_max_row_group_size(POST_GROUP_ROWS)
        .set_dictionary_enabled(false)
        .set_column_dictionary_enabled(ColumnPath::from("platform"), true)
        .set_column_encoding(ColumnPath::from("id"), Encoding::DELTA_BINARY_PACKED)
        // Row-group statistics on `id` find a post without decoding the groups that cannot hold it;
        // the text's would only take room.
        .set_column_statistics_enabled(ColumnPath::from("text"), EnabledStatistics::None)
        .set_column_statistics_enabled(ColumnPath::from("ext_id"), EnabledStatistics::None)
        .build()
}

/// Write `rows` (sorted by id, each id once; strings in `bytes`, `platform` numbering `platforms`) to
/// `path` as one post segment, synced to disk before it returns; its size in bytes.
pub(crate) fn write(
    path: &Path,
    rows: &[PostLogRow],
    bytes: Bytes,
    platforms: &[String],
) -> parquet::errors::Result<u64> {
    let mut w = PostWriter::create(path)?;
    for group in rows.chunks(POST_GROUP_ROWS) {
        w.write_group(group, &bytes, |n| {
            platforms
                .get(usize::from(n))
                .map_or(&[][..], |p| p.as_bytes())
        })?;
    }
    w.finish()
}

/// A post segment being written, row group by row group: rows must arrive in id order.
pub(crate) struct PostWriter {
    writer: SerializedFileWriter<BufWriter<File>>,
    /// A row group being gathered by [`PostWriter::push`].
    held: PostGroup,
}

impl PostWriter {
    pub fn create(path: &Path) -> parquet::errors::Result<Self> {
        let file = File::create(path)?;
        Ok(PostWriter {
            writer: SerializedFileWriter::new(
                BufWriter::with_capacity(1 << 20, file),
                Arc::new(schema_of("posts", &COLUMNS)?),
                Arc::new(properties()),
            )?,
            held: PostGroup::default(),
        })
    }

    /// Add one post (its strings its own), writing a row group whenever one is full.
    pub fn push(
        &mut self,
        row: &PostLogRow,
        platform: &[u8],
        ext_id: &[u8],
        text: Option<&[u8]>,
    ) -> parquet::errors::Result<()> {
        let g = &mut self.held;
        let number = number_of(&mut g.platform_names, platform);
        let ext_id = Span::push(&mut g.bytes, ext_id);
        let text = text.map(|t| Span::push(&mut g.bytes, t));
        g.rows.push(PostLogRow {
            platform: number,
            ext_id,
            text,
            ..*row
        });
        if g.rows.len() >= POST_GROUP_ROWS {
            self.flush_held()?;
        }
        Ok(())
    }

    fn flush_held(&mut self) -> parquet::errors::Result<()> {
        if self.held.rows.is_empty() {
            return Ok(());
        }
        let mut held = std::mem::take(&mut self.held);
        let bytes = Bytes::from(std::mem::take(&mut held.bytes));
        let written = self.write_group(&held.rows, &bytes, |n| {
            held.platform_names
                .get(usize::from(n))
                .map_or(&[][..], |p| &p[..])
        });
        held.rows.clear();
        held.platform_names.clear();
        self.held = held;
        written
    }

    /// Write `group` as one row group: strings in `bytes` (handed to parquet as slices of it, not
    /// copies), platform numbers named by `platform`.
    fn write_group<'p>(
        &mut self,
        group: &[PostLogRow],
        bytes: &Bytes,
        platform: impl Fn(u16) -> &'p [u8],
    ) -> parquet::errors::Result<()> {
        let mut ints: Vec<i64> = Vec::with_capacity(group.len());
        let mut levels: Vec<i16> = Vec::with_capacity(group.len());
        let mut strings: Vec<ByteArray> = Vec::with_capacity(group.len());
        let mut rg = self.writer.next_row_group()?;
        let mut column = 0;
        while let Some(mut w) = rg.next_column()? {
            let (name, physical, optional) = COLUMNS[column];
            ints.clear();
            levels.clear();
            strings.clear();
            if physical == Physical::INT64 {
                for r in group {
                    let v = match name {
                        "id" => Some(r.id),
                        "author" => Some(r.author),
                        "time" => Some(r.time),
                        "reply_to" => r.reply_to,
                        "quote_of" => r.quote_of,
                        _ => r.reshare_of,
                    };
                    levels.push(i16::from(v.is_some()));
                    ints.extend(v);
                }
                let levels = optional.then_some(&levels[..]);
                w.typed::<Int64Type>().write_batch(&ints, levels, None)?;
            } else {
                let slice = |s: Span| ByteArray::from(bytes.slice(s.start..s.start + s.len));
                for r in group {
                    let v = match name {
                        "platform" => Some(ByteArray::from(platform(r.platform).to_vec())),
                        "ext_id" => Some(slice(r.ext_id)),
                        _ => r.text.map(slice),
                    };
                    levels.push(i16::from(v.is_some()));
                    strings.extend(v);
                }
                let levels = optional.then_some(&levels[..]);
                w.typed::<ByteArrayType>()
                    .write_batch(&strings, levels, None)?;
            }
            w.close()?;
            column += 1;
        }
        rg.close()?;
        Ok(())
    }

    /// Write the last row group and the footer, and sync the file; its size in bytes.
    pub fn finish(mut self) -> parquet::errors::Result<u64> {
        self.flush_held()?;
        sync_written(self.writer.into_inner()?)
    }
}

/// One decoded row group of posts: strings in `bytes`, platforms numbered in `platform_names` in order
/// of first appearance.
#[derive(Default)]
pub(crate) struct PostGroup {
    pub rows: Vec<PostLogRow>,
    pub bytes: Vec<u8>,
    pub platform_names: Vec<Vec<u8>>,
}

/// One post as a reader passes it on: a row of a decoded group with its strings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PostView<'a> {
    pub id: i64,
    pub author: i64,
    pub time: i64,
    pub reply_to: Option<i64>,
    pub quote_of: Option<i64>,
    pub reshare_of: Option<i64>,
    pub platform: &'a [u8],
    pub ext_id: &'a [u8],
    /// `None` also when the read asked for no text.
    pub text: Option<&'a [u8]>,
}

impl PostView<'_> {
    /// The post's references with the reaction each is: `reply_to` a reply, `quote_of` a quote,
    /// `reshare_of` a reshare.
    pub fn references(&self) -> impl Iterator<Item = (earshot_model::InteractionKind, i64)> {
        use earshot_model::InteractionKind::{Quote, Reply, Reshare};
        [
            (Reply, self.reply_to),
            (Quote, self.quote_of),
            (Reshare, self.reshare_of),
        ]
        .into_iter()
        .filter_map(|(k, p)| p.map(|p| (k, p)))
    }
}

impl PostGroup {
    /// Row `r` of this group, its strings and platform name resolved.
    pub fn view<'g>(&'g self, r: &PostLogRow) -> PostView<'g> {
        PostView {
            id: r.id,
            author: r.author,
            time: r.time,
            reply_to: r.reply_to,
            quote_of: r.quote_of,
            reshare_of: r.reshare_of,
            platform: self
                .platform_names
                .get(usize::from(r.platform))
                .map_or(&[][..], |p| &p[..]),
            ext_id: r.ext_id.of(&self.bytes),
            text: r.text.map(|t| t.of(&self.bytes)),
        }
    }
}

/// The number of `name` in a table of names numbered in order of first appearance, added when new.
pub(crate) fn number_of(names: &mut Vec<Vec<u8>>, name: &[u8]) -> u16 {
    let at = match names.iter().position(|n| n == name) {
        Some(at) => at,
        None => {
            names.push(name.to_vec());
            names.len() - 1
        }
    };
    u16::try_from(at).unwrap_or(u16::MAX)
}

/// What of a post a reader decodes: the text is most of a post's bytes, and most readers need none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostColumns {
    /// Everything but the text (which reads as `None`).
    WithoutText,
    All,
}

/// A post segment being read, row group by row group.
pub(crate) struct PostFile {
    reader: SerializedFileReader<File>,
    next_group: usize,
    columns: PostColumns,
}

impl PostFile {
    pub fn open(path: &Path, columns: PostColumns) -> parquet::errors::Result<Self> {
        let reader = SerializedFileReader::new(File::open(path)?)?;
        check_columns(&reader, &COLUMNS, "post segment")?;
        Ok(PostFile {
            reader,
            next_group: 0,
            columns,
        })
    }

    /// The index of the first row group whose ids may reach `id` (by the groups' statistics): where a
    /// look-up of `id` starts.
    pub fn seek(&mut self, id: i64) {
        let groups = self.reader.metadata().row_groups();
        self.next_group = groups
            .iter()
            .position(|g| match g.column(0).statistics() {
                Some(Statistics::Int64(s)) => s.max_opt().is_none_or(|&max| max >= id),
                _ => true,
            })
            .unwrap_or(groups.len());
    }

    /// Decode the next row group into `out` (cleared first); `false` at the end of the file.
    pub fn next_group(&mut self, out: &mut PostGroup) -> parquet::errors::Result<bool> {
        out.rows.clear();
        out.bytes.clear();
        out.platform_names.clear();
        if self.next_group >= self.reader.num_row_groups() {
            return Ok(false);
        }
        let rg = self.reader.get_row_group(self.next_group)?;
        self.next_group += 1;
        let n = usize::try_from(rg.metadata().num_rows()).unwrap_or(0);
        out.rows.resize(n, PostLogRow::default());
        let mut ints: Vec<i64> = Vec::with_capacity(n);
        let mut strings: Vec<ByteArray> = Vec::with_capacity(n);
        let mut levels: Vec<i16> = Vec::with_capacity(n);
        for (column, &(name, _, optional)) in COLUMNS.iter().enumerate() {
            if name == "text" && self.columns == PostColumns::WithoutText {
                continue;
            }
            levels.clear();
            let levels_out = optional.then_some(&mut levels);
            match rg.get_column_reader(column)? {
                ColumnReader::Int64ColumnReader(mut r) => {
                    ints.clear();
                    let mut levels_out = levels_out;
                    read_all(n, |k| {
                        r.read_records(k, levels_out.as_deref_mut(), None, &mut ints)
                    })?;
                    let mut values = ints.iter().copied();
                    for (i, row) in out.rows.iter_mut().enumerate() {
                        let v = if optional && levels.get(i).copied().unwrap_or(0) == 0 {
                            None
                        } else {
                            values.next()
                        };
                        match name {
                            "id" => row.id = v.unwrap_or_default(),
                            "author" => row.author = v.unwrap_or_default(),
                            "time" => row.time = v.unwrap_or_default(),
                            "reply_to" => row.reply_to = v,
                            "quote_of" => row.quote_of = v,
                            _ => row.reshare_of = v,
                        }
                    }
                }
                ColumnReader::ByteArrayColumnReader(mut r) => {
                    strings.clear();
                    let mut levels_out = levels_out;
                    read_all(n, |k| {
                        r.read_records(k, levels_out.as_deref_mut(), None, &mut strings)
                    })?;
                    let mut values = strings.iter();
                    for (i, row) in out.rows.iter_mut().enumerate() {
                        let v = if optional && levels.get(i).copied().unwrap_or(0) == 0 {
                            None
                        } else {
                            values.next()
                        };
                        match (name, v) {
                            ("platform", Some(v)) => {
                                row.platform = number_of(&mut out.platform_names, v.data());
                            }
                            ("ext_id", Some(v)) => {
                                row.ext_id = Span::push(&mut out.bytes, v.data())
                            }
                            ("text", v) => {
                                row.text = v.map(|v| Span::push(&mut out.bytes, v.data()))
                            }
                            _ => {}
                        }
                    }
                }
                _ => {
                    return Err(parquet::errors::ParquetError::General(format!(
                        "column {name} has an unexpected type"
                    )))
                }
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(bytes: &mut Vec<u8>, id: i64, text: Option<&str>, reply_to: Option<i64>) -> PostLogRow {
        PostLogRow {
            id,
            platform: (id.rem_euclid(2)) as u16,
            author: id * 7,
            time: 1_000 + id,
            reply_to,
            quote_of: None,
            reshare_of: reply_to.map(|r| r + 1),
            ext_id: Span::push(bytes, format!("p{id}").as_bytes()),
            text: text.map(|t| Span::push(bytes, t.as_bytes())),
        }
    }

    /// Every field comes back as written, across row groups, with and without the text; a look-up's
    /// seek lands on the group that holds the id.
    #[test]
    fn posts_read_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("posts.parquet");
        let mut bytes = Vec::new();
        let n = POST_GROUP_ROWS as i64 + 5;
        let rows: Vec<PostLogRow> = (0..n)
            .map(|i| {
                let text = (i % 3 != 0).then(|| format!("text é {i}"));
                let reply = (i % 4 == 1).then_some(i - 1);
                row(&mut bytes, i * 2 - 9, text.as_deref(), reply)
            })
            .collect();
        let platforms = vec!["x".to_string(), "bsky".to_string()];
        write(&path, &rows, Bytes::from(bytes.clone()), &platforms).unwrap();
        for columns in [PostColumns::All, PostColumns::WithoutText] {
            let mut f = PostFile::open(&path, columns).unwrap();
            let mut g = PostGroup::default();
            let mut at = 0usize;
            let mut groups = 0;
            while f.next_group(&mut g).unwrap() {
                groups += 1;
                for r in &g.rows {
                    let w = &rows[at];
                    assert_eq!(
                        (r.id, r.author, r.time, r.reply_to, r.quote_of, r.reshare_of),
                        (w.id, w.author, w.time, w.reply_to, w.quote_of, w.reshare_of)
                    );
                    assert_eq!(r.ext_id.of(&g.bytes), w.ext_id.of(&bytes));
                    assert_eq!(
                        &g.platform_names[usize::from(r.platform)][..],
                        platforms[usize::from(w.platform)].as_bytes()
                    );
                    let text = r.text.map(|t| t.of(&g.bytes).to_vec());
                    let expected = match columns {
                        PostColumns::All => w.text.map(|t| t.of(&bytes).to_vec()),
                        PostColumns::WithoutText => None,
                    };
                    assert_eq!(text, expected);
                    at += 1;
                }
            }
            assert_eq!((at, groups), (rows.len(), 2));
        }
        let mut f = PostFile::open(&path, PostColumns::WithoutText).unwrap();
        let last = rows.last().unwrap().id;
        f.seek(last);
        let mut g = PostGroup::default();
        assert!(f.next_group(&mut g).unwrap());
        assert_eq!(g.rows.len(), 5, "the seek skips the first group");
        f.seek(last + 1);
        assert!(
            !f.next_group(&mut g).unwrap(),
            "no group reaches past the last id"
        );
    }

    /// An interaction segment is not a post segment.
    #[test]
    fn an_interaction_segment_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.parquet");
        super::super::file::write(&path, &[super::super::LogRow::default()], &["x".into()])
            .unwrap();
        let e = PostFile::open(&path, PostColumns::All).err().unwrap();
        assert!(e.to_string().contains("not an earshot post segment"), "{e}");
    }
}
