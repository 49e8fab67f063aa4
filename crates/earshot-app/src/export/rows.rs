//! A table's rows as typed values, and the two files they are written to: CSV and Parquet. The tables
//! (`tables.rs`) say what their columns are and hand over one row at a time; a writer turns them into
//! its format, so each table is described once for both.

use anyhow::{Context, Result};
use parquet::basic::{Compression, ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type as SchemaType;
use std::io::Write;
use std::sync::Arc;

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Int,
    Float,
    Text,
    Bool,
}

/// One column: its name, its type, and whether it may be empty (null).
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub optional: bool,
}

pub(super) const fn col(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        optional: false,
    }
}

pub(super) const fn opt(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        optional: true,
    }
}

/// One value of a row; `Null` only where the column is optional.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value<'a> {
    Int(i64),
    Float(f64),
    Text(&'a str),
    Bool(bool),
    Null,
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Value::Null, Value::Text)
    }
}

impl From<Option<f64>> for Value<'_> {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Value::Null, Value::Float)
    }
}

impl From<Option<bool>> for Value<'_> {
    fn from(v: Option<bool>) -> Self {
        v.map_or(Value::Null, Value::Bool)
    }
}

/// Counts above i64's range cannot be stored (the store keeps i64), so this never saturates in practice.
impl From<Option<u64>> for Value<'_> {
    fn from(v: Option<u64>) -> Self {
        v.map_or(Value::Null, |n| {
            Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

impl From<Option<i64>> for Value<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::Null, Value::Int)
    }
}

/// Where rows go.
pub(super) trait RowSink {
    fn row(&mut self, values: &[Value<'_>]) -> Result<()>;
    fn finish(self: Box<Self>) -> Result<()>;
}

/// CSV (RFC 4180) with a header row; an empty field for null. Floats in Rust's shortest round-trip
/// form, so a reader gets the stored value back exactly.
pub(super) struct CsvSink<W: Write> {
    out: csv::Writer<W>,
    fields: Vec<String>,
}

impl<W: Write> CsvSink<W> {
    pub fn new(w: W, columns: &[Column]) -> Result<Self> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(columns.iter().map(|c| c.name))
            .context("writing CSV")?;
        Ok(CsvSink {
            out,
            fields: Vec::with_capacity(columns.len()),
        })
    }
}

impl<W: Write> RowSink for CsvSink<W> {
    fn row(&mut self, values: &[Value<'_>]) -> Result<()> {
        self.fields.clear();
        for v in values {
            self.fields.push(match v {
                Value::Int(n) => n.to_string(),
                Value::Float(x) => x.to_string(),
                Value::Text(s) => (*s).to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => String::new(),
            });
        }
        self.out.write_record(&self.fields).context("writing CSV")
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().context("writing CSV")
    }
}

/// Rows per Parquet row group: large enough for good compression and fast scans, small enough that
/// the columns held before a flush stay in tens of MiB.
const ROW_GROUP_ROWS: usize = 1 << 20;

/// One column's values held until the row group is written, and its definition levels (1 present,
/// 0 null; Parquet's way of writing nulls for a flat optional column).
enum Held {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Text(Vec<ByteArray>),
    Bool(Vec<bool>),
}

/// Parquet with Snappy compression, one flat column per field (UTF-8 strings, INT64, DOUBLE, BOOLEAN;
/// optional where the field may be empty), written a row group at a time.
pub(super) struct ParquetSink<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: Vec<Column>,
    held: Vec<Held>,
    levels: Vec<Vec<i16>>,
    rows: usize,
}

impl<W: Write + Send> ParquetSink<W> {
    pub fn new(w: W, table: &str, columns: &[Column]) -> Result<Self> {
        let fields = columns
            .iter()
            .map(|c| {
                let (physical, logical) = match c.kind {
                    Kind::Int => (Physical::INT64, None),
                    Kind::Float => (Physical::DOUBLE, None),
                    Kind::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
                    Kind::Bool => (Physical::BOOLEAN, None),
                };
                let mut b = SchemaType::primitive_type_builder(c.name, physical)
                    .with_repetition(if c.optional {
                        Repetition::OPTIONAL
                    } else {
                        Repetition::REQUIRED
                    })
                    .with_logical_type(logical.clone());
                if logical.is_some() {
                    b = b.with_converted_type(ConvertedType::UTF8);
                }
                b.build().map(Arc::new)
            })
            .collect::<parquet::errors::Result<Vec<_>>>()
            .context("building the Parquet schema")?;
        let schema = SchemaType::group_type_builder(table)
            .with_fields(fields)
            .build()
            .context("building the Parquet schema")?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("earshot {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = SerializedFileWriter::new(w, Arc::new(schema), Arc::new(props))
            .context("starting the Parquet file")?;
        let held = columns
            .iter()
            .map(|c| match c.kind {
                Kind::Int => Held::Int(Vec::new()),
                Kind::Float => Held::Float(Vec::new()),
                Kind::Text => Held::Text(Vec::new()),
                Kind::Bool => Held::Bool(Vec::new()),
            })
            .collect();
        Ok(ParquetSink {
            writer,
            columns: columns.to_vec(),
            held,
            levels: vec![Vec::new(); columns.len()],
            rows: 0,
        })
    }

    fn flush_group(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let e = |e| anyhow::Error::new(e).context("writing Parquet");
        let mut group = self.writer.next_row_group().map_err(e)?;
        let mut i = 0;
        while let Some(mut w) = group.next_column().map_err(e)? {
            let levels = self.columns[i].optional.then_some(&self.levels[i][..]);
            match &mut self.held[i] {
                Held::Int(v) => {
                    w.typed::<Int64Type>()
                        .write_batch(v, levels, None)
                        .map_err(e)?;
                    v.clear();
                }
                Held::Float(v) => {
                    w.typed::<DoubleType>()
                        .write_batch(v, levels, None)
                        .map_err(e)?;
                    v.clear();
                }
                Held::Text(v) => {
                    w.typed::<ByteArrayType>()
                        .write_batch(v, levels, None)
                        .map_err(e)?;
                    v.clear();
                }
                Held::Bool(v) => {
                    w.typed::<BoolType>()
                        .write_batch(v, levels, None)
                        .map_err(e)?;
                    v.clear();
                }
            }
            w.close().map_err(e)?;
            self.levels[i].clear();
            i += 1;
        }
        group.close().map_err(e)?;
        self.rows = 0;
        Ok(())
    }
}

impl<W: Write + Send> RowSink for ParquetSink<W> {
    fn row(&mut self, values: &[Value<'_>]) -> Result<()> {
        anyhow::ensure!(
            values.len() == self.columns.len(),
            "internal: a row of {} values for {} columns",
            values.len(),
            self.columns.len()
        );
        for (i, v) in values.iter().enumerate() {
            let c = &self.columns[i];
            let present = !matches!(v, Value::Null);
            match (&mut self.held[i], v) {
                (_, Value::Null) if c.optional => {}
                (Held::Int(h), Value::Int(n)) => h.push(*n),
                (Held::Float(h), Value::Float(x)) => h.push(*x),
                (Held::Text(h), Value::Text(s)) => h.push(ByteArray::from(*s)),
                (Held::Bool(h), Value::Bool(b)) => h.push(*b),
                (_, v) => anyhow::bail!(
                    "internal: column {} ({:?}{}) given {v:?}",
                    c.name,
                    c.kind,
                    if c.optional { ", optional" } else { "" }
                ),
            }
            if c.optional {
                self.levels[i].push(i16::from(present));
            }
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP_ROWS {
            self.flush_group()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.flush_group()?;
        self.writer.close().context("finishing the Parquet file")?;
        Ok(())
    }
}
