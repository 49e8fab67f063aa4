//! The reader every one-object-a-line platform format shares (Reddit's Pushshift dumps, Bluesky's
//! Jetstream): capped lines, blank lines skipped, each line parsed by the format's own function into
//! events, a line that yields none (a deletion, an event kind earshot keeps nothing of) skipped
//! without a rejection, and a failure rejected with the field the format names.

use crate::reader::{ByteSource, LineReader};
use crate::{Ctx, Options, Record, Rejection};
use earshot_model::Event;

/// A format's parse of one line on `platform`: its events, or the field at fault and why.
pub(crate) type ParseLine = fn(&str, &str) -> Result<Vec<Event>, (&'static str, String)>;

pub(crate) struct JsonLines {
    lines: LineReader,
    ctx: Ctx,
    platform: String,
    parse: ParseLine,
}

impl JsonLines {
    /// Read `src` with `parse`; events are on `--platform`, else on `default_platform`.
    pub fn new(
        src: ByteSource,
        ctx: Ctx,
        opts: &Options,
        default_platform: &str,
        parse: ParseLine,
    ) -> Self {
        let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
        JsonLines {
            lines,
            ctx,
            platform: opts
                .platform
                .clone()
                .unwrap_or_else(|| default_platform.into()),
            parse,
        }
    }
}

impl Iterator for JsonLines {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        let (ctx, platform, parse) = (&self.ctx, self.platform.as_str(), self.parse);
        self.lines.next_item(|line, text| {
            if text.trim().is_empty() {
                return None;
            }
            match parse(text, platform) {
                Ok(events) if events.is_empty() => None,
                Ok(events) => Some(Ok(Record { line, events })),
                Err((field, reason)) => Some(Err(ctx.reject(line, field, reason))),
            }
        })
    }
}
