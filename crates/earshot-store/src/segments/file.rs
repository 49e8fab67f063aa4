//! One segment file: a sorted run of interactions as Parquet, written whole and read row group by row
//! group.
//!
//! Columns (docs/segments.md lists them for readers outside earshot): `kind` (INT32, the interaction
//! kind's code), `target`, `time` (optional), `id`, `actor`, `post` (optional) as INT64, `weight` as
//! DOUBLE and `platform` as a UTF-8 string. Rows are sorted by (kind, target, time, id), undated first, so
//! a target's reactions of one kind are contiguous and equal ids from different files meet when segments
//! are merged. Sorted columns are delta-encoded; `kind` and `platform` repeat and are dictionary-encoded.

use super::LogRow;
use parquet::basic::{
    Compression, ConvertedType, Encoding, LogicalType, Repetition, Type as Physical,
};
use parquet::column::reader::ColumnReader;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnPath, Type as SchemaType};
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::Arc;

/// Rows per row group: a reader holds one decoded row group per segment it merges (~60 bytes a row).
pub(crate) const ROW_GROUP_ROWS: usize = 1 << 19;

/// The columns in file order, with whether each may be null.
const COLUMNS: [(&str, Physical, bool); 8] = [
    ("kind", Physical::INT32, false),
    ("target", Physical::INT64, false),
    ("time", Physical::INT64, true),
    ("id", Physical::INT64, false),
    ("actor", Physical::INT64, false),
    ("post", Physical::INT64, true),
    ("weight", Physical::DOUBLE, false),
    ("platform", Physical::BYTE_ARRAY, false),
];

fn schema() -> parquet::errors::Result<SchemaType> {
    schema_of("interactions", &COLUMNS)
}

/// A Parquet schema of `columns` (name, type, optional), strings marked UTF-8.
pub(super) fn schema_of(
    name: &str,
    columns: &[(&str, Physical, bool)],
) -> parquet::errors::Result<SchemaType> {
    let fields = columns
        .iter()
        .map(|&(name, physical, optional)| {
            let mut b =
                SchemaType::primitive_type_builder(name, physical).with_repetition(if optional {
                    Repetition::OPTIONAL
                } else {
                    Repetition::REQUIRED
                });
            if physical == Physical::BYTE_ARRAY {
                b = b
                    .with_logical_type(Some(LogicalType::String))
                    .with_converted_type(ConvertedType::UTF8);
            }
            b.build().map(Arc::new)
        })
        .collect::<parquet::errors::Result<Vec<_>>>()?;
    SchemaType::group_type_builder(name)
        .with_fields(fields)
        .build()
}

fn properties() -> WriterProperties {
    let mut b = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("earshot {}", env!("CARGO_PKG_VERSION")))
        .set_max_row_group_size(ROW_GROUP_ROWS)
        .set_dictionary_enabled(false);
    for name in ["kind", "platform"] {
        b = b.set_column_dictionary_enabled(ColumnPath::from(name), true);
    }
    for name in ["target", "time"] {
        b = b.set_column_encoding(ColumnPath::from(name), Encoding::DELTA_BINARY_PACKED);
    }
    b.build()
}

/// A segment being written, row group by row group: rows must arrive in key order. Platforms are
/// numbered by the writer ([`SegmentWriter::platform`]).
pub(crate) struct SegmentWriter {
    writer: SerializedFileWriter<BufWriter<File>>,
    platforms: Vec<ByteArray>,
    held: Vec<LogRow>,
}

impl SegmentWriter {
    pub fn create(path: &Path) -> parquet::errors::Result<Self> {
        let file = File::create(path)?;
        Ok(SegmentWriter {
            writer: SerializedFileWriter::new(
                BufWriter::with_capacity(1 << 20, file),
                Arc::new(schema()?),
                Arc::new(properties()),
            )?,
            platforms: Vec::new(),
            held: Vec::with_capacity(ROW_GROUP_ROWS),
        })
    }

    /// The writer's number for platform `name`.
    pub fn platform(&mut self, name: &[u8]) -> u16 {
        match self.platforms.iter().position(|p| p.data() == name) {
            Some(i) => i as u16,
            None => {
                self.platforms.push(ByteArray::from(name.to_vec()));
                (self.platforms.len() - 1) as u16
            }
        }
    }

    /// Add a row whose `platform` is this writer's number.
    pub fn push(&mut self, row: LogRow) -> parquet::errors::Result<()> {
        self.held.push(row);
        if self.held.len() >= ROW_GROUP_ROWS {
            self.flush_group()?;
        }
        Ok(())
    }

    fn flush_group(&mut self) -> parquet::errors::Result<()> {
        if self.held.is_empty() {
            return Ok(());
        }
        let group = &self.held;
        let mut ints = Vec::with_capacity(group.len());
        let mut levels: Vec<i16> = Vec::with_capacity(group.len());
        let mut rg = self.writer.next_row_group()?;
        let mut column = 0;
        while let Some(mut w) = rg.next_column()? {
            ints.clear();
            levels.clear();
            match COLUMNS[column].0 {
                "kind" => {
                    let kinds: Vec<i32> = group.iter().map(|r| i32::from(r.kind)).collect();
                    w.typed::<Int32Type>().write_batch(&kinds, None, None)?;
                }
                "weight" => {
                    let weights: Vec<f64> = group.iter().map(|r| r.weight).collect();
                    w.typed::<DoubleType>().write_batch(&weights, None, None)?;
                }
                "platform" => {
                    let values: Vec<ByteArray> = group
                        .iter()
                        .map(|r| self.platforms[usize::from(r.platform)].clone())
                        .collect();
                    w.typed::<ByteArrayType>()
                        .write_batch(&values, None, None)?;
                }
                name => {
                    let optional = COLUMNS[column].2;
                    for r in group {
                        let v = match name {
                            "target" => Some(r.target),
                            "time" => r.time,
                            "id" => Some(r.id),
                            "actor" => Some(r.actor),
                            _ => r.post,
                        };
                        levels.push(i16::from(v.is_some()));
                        if let Some(v) = v {
                            ints.push(v);
                        }
                    }
                    let levels = optional.then_some(&levels[..]);
                    w.typed::<Int64Type>().write_batch(&ints, levels, None)?;
                }
            }
            w.close()?;
            column += 1;
        }
        rg.close()?;
        self.held.clear();
        Ok(())
    }

    /// Write the last row group and the footer, and sync the file; its size in bytes.
    pub fn finish(mut self) -> parquet::errors::Result<u64> {
        self.flush_group()?;
        let inner = self.writer.into_inner()?;
        sync_written(inner)
    }
}

/// Flush a finished file's buffer and sync the file to disk; its size in bytes.
pub(super) fn sync_written(inner: BufWriter<File>) -> parquet::errors::Result<u64> {
    let file = inner
        .into_inner()
        .map_err(|e| parquet::errors::ParquetError::External(Box::new(e.into_error())))?;
    file.sync_all()?;
    Ok(file.metadata()?.len())
}

/// Write `rows` (sorted, duplicates removed; `platform` indexes `platforms`) to `path` as one segment,
/// synced to disk before it returns; its size in bytes.
pub(crate) fn write(
    path: &Path,
    rows: &[LogRow],
    platforms: &[String],
) -> parquet::errors::Result<u64> {
    let mut w = SegmentWriter::create(path)?;
    let numbers: Vec<u16> = platforms.iter().map(|p| w.platform(p.as_bytes())).collect();
    for r in rows {
        w.push(LogRow {
            platform: numbers[usize::from(r.platform)],
            ..*r
        })?;
    }
    w.finish()
}

/// A segment being read: its row groups decoded one at a time, in file order.
pub(crate) struct SegmentFile {
    reader: SerializedFileReader<File>,
    next_group: usize,
    /// Decode the platform column (only a platform filter needs it).
    with_platform: bool,
}

/// One decoded row group. `platform` is empty unless it was asked for.
#[derive(Default)]
pub(crate) struct Group {
    pub rows: Vec<LogRow>,
    pub platform_names: Vec<Vec<u8>>,
}

impl SegmentFile {
    pub fn open(path: &Path, with_platform: bool) -> parquet::errors::Result<Self> {
        let reader = SerializedFileReader::new(File::open(path)?)?;
        check_columns(&reader, &COLUMNS, "event segment")?;
        Ok(SegmentFile {
            reader,
            next_group: 0,
            with_platform,
        })
    }

    /// Decode the next row group into `out` (cleared first); `false` at the end of the file. Platforms
    /// are numbered in `out.platform_names` in order of first appearance.
    pub fn next_group(&mut self, out: &mut Group) -> parquet::errors::Result<bool> {
        out.rows.clear();
        out.platform_names.clear();
        if self.next_group >= self.reader.num_row_groups() {
            return Ok(false);
        }
        let rg = self.reader.get_row_group(self.next_group)?;
        self.next_group += 1;
        let n = usize::try_from(rg.metadata().num_rows()).unwrap_or(0);
        out.rows.resize(n, LogRow::default());
        let mut ints: Vec<i64> = Vec::with_capacity(n);
        let mut levels: Vec<i16> = Vec::with_capacity(n);
        for (column, &(name, _, optional)) in COLUMNS.iter().enumerate() {
            if name == "platform" && !self.with_platform {
                continue;
            }
            let reader = rg.get_column_reader(column)?;
            match (name, reader) {
                ("kind", ColumnReader::Int32ColumnReader(mut r)) => {
                    let mut kinds: Vec<i32> = Vec::with_capacity(n);
                    read_all(n, |k| r.read_records(k, None, None, &mut kinds))?;
                    for (row, k) in out.rows.iter_mut().zip(&kinds) {
                        row.kind = u8::try_from(*k).unwrap_or(u8::MAX);
                    }
                }
                ("weight", ColumnReader::DoubleColumnReader(mut r)) => {
                    let mut w: Vec<f64> = Vec::with_capacity(n);
                    read_all(n, |k| r.read_records(k, None, None, &mut w))?;
                    for (row, w) in out.rows.iter_mut().zip(&w) {
                        row.weight = *w;
                    }
                }
                ("platform", ColumnReader::ByteArrayColumnReader(mut r)) => {
                    let mut v: Vec<ByteArray> = Vec::with_capacity(n);
                    read_all(n, |k| r.read_records(k, None, None, &mut v))?;
                    for (row, name) in out.rows.iter_mut().zip(&v) {
                        let bytes = name.data();
                        let at = match out.platform_names.iter().position(|p| p == bytes) {
                            Some(at) => at,
                            None => {
                                out.platform_names.push(bytes.to_vec());
                                out.platform_names.len() - 1
                            }
                        };
                        row.platform = u16::try_from(at).unwrap_or(u16::MAX);
                    }
                }
                (name, ColumnReader::Int64ColumnReader(mut r)) => {
                    ints.clear();
                    levels.clear();
                    if optional {
                        read_all(n, |k| r.read_records(k, Some(&mut levels), None, &mut ints))?;
                    } else {
                        read_all(n, |k| r.read_records(k, None, None, &mut ints))?;
                    }
                    let mut values = ints.iter().copied();
                    let mut next = |i: usize| -> Option<i64> {
                        if optional && levels.get(i).copied().unwrap_or(0) == 0 {
                            None
                        } else {
                            values.next()
                        }
                    };
                    for (i, row) in out.rows.iter_mut().enumerate() {
                        let v = next(i);
                        match name {
                            "target" => row.target = v.unwrap_or_default(),
                            "time" => row.time = v,
                            "id" => row.id = v.unwrap_or_default(),
                            "actor" => row.actor = v.unwrap_or_default(),
                            _ => row.post = v,
                        }
                    }
                }
                (name, _) => {
                    return Err(parquet::errors::ParquetError::General(format!(
                        "column {name} has an unexpected type"
                    )))
                }
            }
        }
        Ok(true)
    }
}

/// Call `read(max)` until `n` records are read (a call may stop at a page boundary).
pub(super) fn read_all(
    n: usize,
    mut read: impl FnMut(usize) -> parquet::errors::Result<(usize, usize, usize)>,
) -> parquet::errors::Result<()> {
    let mut done = 0;
    while done < n {
        let (records, _, _) = read(n - done)?;
        if records == 0 {
            return Err(parquet::errors::ParquetError::EOF(format!(
                "a row group ended after {done} of its {n} rows"
            )));
        }
        done += records;
    }
    Ok(())
}

/// Refuse a file whose columns are not `expected` (in name, order and type): not a `what` this build
/// writes.
pub(super) fn check_columns(
    reader: &SerializedFileReader<File>,
    expected: &[(&str, Physical, bool)],
    what: &str,
) -> parquet::errors::Result<()> {
    let schema = reader.metadata().file_metadata().schema_descr();
    let found: Vec<(String, Physical)> = schema
        .columns()
        .iter()
        .map(|c| (c.name().to_string(), c.physical_type()))
        .collect();
    let expected: Vec<(String, Physical)> = expected
        .iter()
        .map(|&(n, p, _)| (n.to_string(), p))
        .collect();
    if found != expected {
        return Err(parquet::errors::ParquetError::General(format!(
            "not an earshot {what}: columns {found:?}"
        )));
    }
    Ok(())
}
