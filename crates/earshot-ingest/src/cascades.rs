//! Diffusion cascades, the diffusion-prediction benchmarks' `cascades.txt` (Twitter, Douban, Android,
//! Christianity, Memetracker): one cascade a line, `user ts,user ts,...` in adoption order, a trailing comma
//! allowed. Lines whose first comma-separated item has three tokens start with a cascade or topic id
//! (`158 244 48358445,2287 53292083,...` in the Android and Christianity files); the id is read past.
//!
//! # Events
//! Each cascade is a [`Post`] by its first adopter (the root) at the root's time, ext_id `source:line`. Every
//! later adoption `k` (counted from the root, 0, over the line's non-empty items) is an interaction of kind
//! `reshare`: actor the adopter, target the root, post the cascade's post, at the adoption's time, keyed
//! `source:line#k`. Account ids are numeric, as in the files.
//!
//! # Times
//! Times are unix seconds unless [`Options::time_unit`] says otherwise (`--time-unit`), and must lie within
//! 1970..=2099 once converted. Twitter and Douban hold unix seconds; Android and Christianity relative
//! times, stored as if they were seconds (1970s dates: only their differences mean anything; their unit is
//! not published). Memetracker's 12-digit times are millionths of an hour since 1970
//! ([`TimeUnit::Microhours`], 3.6 ms): every one of its 184,180 12-digit times × 0.0036 is within 2 ms of a
//! whole second, as a number computed as `seconds / 3600 × 10⁶` and rounded would be, and they then run
//! from 2008-07-31 16:00:57 to 2009-01-31 15:53:32 UTC: six months of the Memetracker crawl (August 2008
//! to April 2009), starting at midnight in UTC+8 (so the source's naive times were probably read in that
//! zone: the instants may be 8 hours early; differences are exact). Read as seconds (by default) they are
//! after 2099: each is rejected, and the rejection and a note at the end of the file say to pass
//! `--time-unit microhours`. As milliseconds they would be 1980, as microseconds 1970.
//!
//! Adoptions are listed in time order, so a time more than [`ORDER_TOLERANCE`] before an earlier accepted
//! adoption of its line is damaged: the public Twitter file has 13,548 times cut to 9 digits or fewer
//! (`128545242` after `1285452422`), and Memetracker 23,005 cut to 7 to 10 digits of its 12 (which in
//! microhours are 1970 dates, so they are found the same way). Such an adoption is rejected (field `time`: out of adoption order,
//! "likely truncated" when it has fewer digits) and the rest of the line goes on. Order cannot expose a
//! damaged *root*, as every later time is larger anyway; so when a line's times are unix seconds of this
//! century (a later one, in seconds, is at least [`PLAUSIBLE_UNIX`]) and the root's is below a tenth of
//! the line's latest, the root's time is taken as truncated. A cascade whose root is unreadable, or whose root
//! time is bad or truncated, has no post to hang its reshares on: the whole line is one rejection (field
//! `user` or `time`; the reason says the line was skipped). Other bad items (a missing or bad user or time)
//! are rejected one by one. A line whose times were all cut alike (8 short Twitter cascades) cannot be told
//! from a dataset of small relative times, and is kept as it is.
//!
//! A repeated adopter in one cascade (the root adopting again, or anyone twice) is skipped: not an error,
//! but counted, and reported as one [`crate::Warning`] at the end of the file.
//!
//! # Platform
//! [`Options::platform`], else the source name's stem (as for Higgs and SNAP: the ids are local to the
//! dataset); the benchmark files are all called `cascades.txt`, so a source named `cascades.txt` takes the
//! name of the file's directory instead (`data/twitter/cascades.txt` → `twitter`).

use crate::fields::numeric_id;
use crate::reader::{platform_named_for_dir, quote, ByteSource, LineReader};
use crate::time::TimeUnit;
use crate::{line_key, Ctx, Options, Record, Rejection};
use earshot_model::{AccountRef, Event, Interaction, InteractionKind, Post, Timestamp};
use std::collections::{HashSet, VecDeque};

/// How far (in seconds, once converted from [`Options::time_unit`]) an adoption may go back before an
/// earlier adoption of its cascade and still be taken as in order.
pub const ORDER_TOLERANCE: Timestamp = 60;

/// 2001-09-09: a line with a later time from here on holds unix seconds of this century, so its root's
/// time below a tenth of it has lost digits. Relative-time files (Android, Christianity) stay below it.
pub const PLAUSIBLE_UNIX: Timestamp = 1_000_000_000;

pub(crate) struct CascadeReader {
    lines: LineReader,
    cascades: Cascades,
    /// Items of the current line not yet handed out: its record, then its rejections.
    pending: VecDeque<Result<Record, Rejection>>,
    finished: bool,
}

/// Everything but the line reader, so that a borrowed line can be parsed without copying it.
struct Cascades {
    ctx: Ctx,
    platform: String,
    repeats: u64,
    first_repeat_line: u64,
    out_of_order: u64,
    truncated_roots: u64,
    unit: TimeUnit,
    /// Times out of range in seconds that would be in range in another unit, and the first line of one.
    beyond_seconds: u64,
    first_beyond_line: u64,
}

impl CascadeReader {
    pub fn new(src: ByteSource, ctx: Ctx, opts: &Options) -> Self {
        let platform = opts
            .platform
            .clone()
            .unwrap_or_else(|| platform_named_for_dir(&ctx.path, &ctx.source, "cascades"));
        let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
        CascadeReader {
            lines,
            cascades: Cascades {
                ctx,
                platform,
                repeats: 0,
                first_repeat_line: 0,
                out_of_order: 0,
                truncated_roots: 0,
                unit: opts.time_unit,
                beyond_seconds: 0,
                first_beyond_line: 0,
            },
            pending: VecDeque::new(),
            finished: false,
        }
    }
}

/// One later adoption as read: its position `k`, the item's text, and its user and time or what is wrong.
struct Item<'a> {
    k: usize,
    text: &'a str,
    parsed: Result<(&'a str, Timestamp), (&'static str, String)>,
}

impl Item<'_> {
    /// The item's time in seconds, even one out of range (Memetracker's 12 digits read as seconds), for
    /// the root's check.
    fn seconds(&self, unit: TimeUnit) -> Option<i64> {
        match &self.parsed {
            Ok((_, t)) => Some(*t),
            Err(_) => {
                Some(unit.to_seconds(TimeUnit::count(self.text.split_ascii_whitespace().nth(1)?)?))
            }
        }
    }
}

/// Decimal digits of a non-negative time.
fn digits(t: Timestamp) -> u32 {
    t.checked_ilog10().map_or(1, |d| d + 1)
}

/// What `--time-unit` to pass, for a time out of range as unix seconds.
const TIME_UNIT_HINT: &str =
    "if the file's times are not unix seconds, pass --time-unit (microhours for \
                              Memetracker's 12-digit times; milliseconds; microseconds)";

fn parse_item(text: &str, unit: TimeUnit) -> Result<(&str, Timestamp), (&'static str, String)> {
    let mut it = text.split_ascii_whitespace();
    let (Some(user), time, None) = (it.next(), it.next(), it.next()) else {
        let n = text.split_ascii_whitespace().count();
        return Err((
            "<adoption>",
            format!("expected `user ts`, found {n} fields"),
        ));
    };
    let user = numeric_id(user).map_err(|e| ("user", e))?;
    let Some(time) = time else {
        return Err(("time", "missing (expected `user ts`)".into()));
    };
    let time = unit.parse(time).map_err(|e| ("time", e.0))?;
    Ok((user, time))
}

/// Whether a time that did not parse would have been a time in a larger unit: a number beyond 2099 as
/// unix seconds (the files' own unit unless the user said otherwise).
fn beyond_seconds(text: &str, unit: TimeUnit) -> bool {
    unit == TimeUnit::Seconds
        && TimeUnit::count(text).is_some_and(|n| n > crate::time::MAX_UNIX as u128)
}

impl Cascades {
    /// The line's post and reshares, and the rejections of single adoptions; or the line's rejection.
    fn parse(&mut self, line: u64, text: &str, out: &mut VecDeque<Result<Record, Rejection>>) {
        let mut items = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate();
        let Some((_, first)) = items.next() else {
            return; // only commas and blanks
        };
        // The root, after the cascade id that some files put first.
        let tokens: Vec<&str> = first.split_ascii_whitespace().collect();
        let root_text = match tokens.as_slice() {
            [_id, user, time] => (*user, *time),
            [user, time] => (*user, *time),
            _ => {
                let reason = format!(
                    "the first item {} is not `user ts` (or `id user ts`); the cascade has no root, line skipped",
                    quote(first)
                );
                out.push_back(Err(self.ctx.reject(line, "<line>", reason)));
                return;
            }
        };
        let skipped = |why: String| format!("{why}; the cascade has no root, line skipped");
        let root = match numeric_id(root_text.0) {
            Ok(u) => u,
            Err(e) => {
                let reason = skipped(format!("root (first adopter): {e}"));
                out.push_back(Err(self.ctx.reject(line, "user", reason)));
                return;
            }
        };
        let root_time = match self.unit.parse(root_text.1) {
            Ok(t) => t,
            Err(e) => {
                let hint = self.hint(line, root_text.1);
                let reason = skipped(format!("root (user {root}): {}{hint}", e.0));
                out.push_back(Err(self.ctx.reject(line, "time", reason)));
                return;
            }
        };
        let later: Vec<Item> = items
            .map(|(k, text)| Item {
                k,
                text,
                parsed: parse_item(text, self.unit),
            })
            .collect();
        let latest = later
            .iter()
            .filter_map(|i| i.seconds(self.unit).map(|t| (i.k, t)))
            .max_by_key(|&(_, t)| t);
        if let Some((k, t)) = latest {
            if t >= PLAUSIBLE_UNIX && root_time.saturating_mul(10) <= t {
                self.truncated_roots += 1;
                let reason = format!(
                    "root (user {root}) has time {root_time}, below a tenth of adoption #{k}'s {t}: likely truncated \
                     (digits lost); without the root's time the cascade has no post time, line skipped ({} adoptions)",
                    later.len() + 1
                );
                out.push_back(Err(self.ctx.reject(line, "time", reason)));
                return;
            }
        }

        let post = line_key(&self.ctx.source, line);
        let mut events = Vec::with_capacity(later.len() + 1);
        events.push(Event::Post(Post {
            platform: self.platform.clone(),
            ext_id: post.clone(),
            author: AccountRef::by_id(root),
            time: root_time,
            text: None,
            reply_to: None,
            quote_of: None,
            reshare_of: None,
        }));
        let mut rejections = Vec::new();
        let mut seen: HashSet<&str> = HashSet::with_capacity(later.len() + 1);
        seen.insert(root);
        let mut latest_so_far = root_time;
        for item in &later {
            let (user, time) = match &item.parsed {
                Ok(x) => *x,
                Err((field, why)) => {
                    let time = item.text.split_ascii_whitespace().nth(1).unwrap_or("");
                    let hint = if *field == "time" {
                        self.hint(line, time)
                    } else {
                        String::new()
                    };
                    let reason = format!("adoption #{} {}: {why}{hint}", item.k, quote(item.text));
                    rejections.push(self.ctx.reject(line, field, reason));
                    continue;
                }
            };
            if time < latest_so_far.saturating_sub(ORDER_TOLERANCE) {
                self.out_of_order += 1;
                let likely = if digits(time) < digits(latest_so_far) {
                    ", likely truncated (digits lost)"
                } else {
                    ""
                };
                let reason = format!(
                    "adoption #{} (user {user}) has time {time}, before the cascade's earlier adoption at \
                     {latest_so_far}: out of adoption order{likely}; adoption skipped",
                    item.k
                );
                rejections.push(self.ctx.reject(line, "time", reason));
                continue;
            }
            if !seen.insert(user) {
                if self.repeats == 0 {
                    self.first_repeat_line = line;
                }
                self.repeats += 1;
                continue;
            }
            latest_so_far = latest_so_far.max(time);
            let mut key = String::with_capacity(post.len() + 6);
            key.push_str(&post);
            key.push('#');
            key.push_str(&item.k.to_string());
            events.push(Event::Interaction(Interaction {
                platform: self.platform.clone(),
                key,
                kind: InteractionKind::Reshare,
                actor: AccountRef::by_id(user),
                target: AccountRef::by_id(root),
                post: Some(post.clone()),
                time: Some(time),
                weight: 1.0,
            }));
        }
        out.push_back(Ok(Record { line, events }));
        out.extend(rejections.into_iter().map(Err));
    }

    /// For a time that did not parse, the way out when it would be a time in another unit (counted for the
    /// file's note), else nothing.
    fn hint(&mut self, line: u64, time: &str) -> String {
        if !beyond_seconds(time, self.unit) {
            return String::new();
        }
        if self.beyond_seconds == 0 {
            self.first_beyond_line = line;
        }
        self.beyond_seconds += 1;
        format!(" ({TIME_UNIT_HINT})")
    }

    /// File-level notes once the file is read: repeats skipped, and a summary of the damaged times.
    fn finish(&self) {
        if self.beyond_seconds > 0 {
            self.ctx.warn(
                0,
                format!(
                    "{} times rejected as after 2099 in unix seconds (the first on line {}): {TIME_UNIT_HINT}",
                    self.beyond_seconds, self.first_beyond_line
                ),
            );
        }
        if self.repeats > 0 {
            self.ctx.warn(
                0,
                format!(
                    "{} repeated adoptions skipped (an adopter already in its cascade, the root included); the first on line {}",
                    self.repeats, self.first_repeat_line
                ),
            );
        }
        if self.out_of_order + self.truncated_roots > 0 {
            self.ctx.warn(
                0,
                format!(
                    "{} adoptions rejected for times out of adoption order and {} cascades skipped for a root time \
                     below a tenth of a later one: likely timestamps that lost digits (each is in the rejects)",
                    self.out_of_order, self.truncated_roots
                ),
            );
        }
    }
}

impl Iterator for CascadeReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            match self.lines.next_line() {
                None => {
                    if !self.finished {
                        self.finished = true;
                        self.cascades.finish();
                    }
                    return None;
                }
                Some(Err(r)) => return Some(Err(r)),
                Some(Ok((line, text))) => self.cascades.parse(line, text, &mut self.pending),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::{read_all, write_file, write_gz};
    use crate::{Format, Options, Record, TimeUnit};
    use earshot_model::{Event, InteractionKind};

    /// Posts as `ext_id by author @time`, interactions as `key actor>target post @time`.
    fn show(good: &[Record]) -> Vec<String> {
        good.iter()
            .flat_map(|r| r.events.iter())
            .map(|e| match e {
                Event::Post(p) => format!("{} by {} @{}", p.ext_id, p.author.ext_id, p.time),
                Event::Interaction(i) => {
                    assert_eq!(i.kind, InteractionKind::Reshare);
                    format!(
                        "{} {}>{} {} @{}",
                        i.key,
                        i.actor.ext_id,
                        i.target.ext_id,
                        i.post.as_deref().unwrap_or("-"),
                        i.time.unwrap()
                    )
                }
                Event::Account(_) => panic!("no accounts"),
            })
            .collect()
    }

    fn run(dir: &str, text: &str, opts: &Options) -> (Vec<String>, Vec<String>, Vec<String>) {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join(dir);
        std::fs::create_dir_all(&d).unwrap();
        let p = write_file(&d, "cascades.txt", text.as_bytes());
        let (it, progress) = crate::open(&p, Format::Cascades, opts).unwrap();
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        for r in it {
            match r {
                Ok(r) => good.push(r),
                Err(e) => bad.push(format!("{}: {}: {}", e.line, e.field, e.reason)),
            }
        }
        let platforms: Vec<String> = good
            .iter()
            .flat_map(|r| r.events.iter())
            .map(|e| e.platform().to_string())
            .collect();
        assert!(
            platforms.iter().all(|p| *p == platforms[0]),
            "{platforms:?}"
        );
        let mut notes: Vec<String> = progress
            .warnings()
            .iter()
            .map(|w| w.message.clone())
            .collect();
        notes.extend(platforms.first().map(|p| format!("platform {p}")));
        (show(&good), bad, notes)
    }

    #[test]
    fn a_cascade_is_a_post_by_its_root_and_reshares_of_it() {
        let text = "1 1285452422,2 1285452445,3 1285452466,\r\n7 1285133281,8 1285133456\r\n9 1285133281\r\n";
        let (e, bad, notes) = run("twitter", text, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(
            e,
            [
                "cascades.txt:1 by 1 @1285452422",
                "cascades.txt:1#1 2>1 cascades.txt:1 @1285452445",
                "cascades.txt:1#2 3>1 cascades.txt:1 @1285452466",
                "cascades.txt:2 by 7 @1285133281",
                "cascades.txt:2#1 8>7 cascades.txt:2 @1285133456",
                "cascades.txt:3 by 9 @1285133281",
            ]
        );
        assert_eq!(notes, ["platform twitter"]);
    }

    #[test]
    fn a_leading_cascade_id_is_read_past() {
        let text =
            "158 244 48358445,2287 53292083,2417 61759836,\n0 566 23498972,2515 120971777,\n";
        let (e, bad, notes) = run("android", text, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(
            e,
            [
                "cascades.txt:1 by 244 @48358445",
                "cascades.txt:1#1 2287>244 cascades.txt:1 @53292083",
                "cascades.txt:1#2 2417>244 cascades.txt:1 @61759836",
                "cascades.txt:2 by 566 @23498972",
                "cascades.txt:2#1 2515>566 cascades.txt:2 @120971777",
            ]
        );
        // Relative times far apart (23,498,972 then 120,971,777) are no truncation: below 2001 as unix time.
        assert_eq!(notes, ["platform android"]);
    }

    #[test]
    fn truncated_times_are_rejected_one_by_one_and_the_line_goes_on() {
        let text = "1 1285452422,2 128545242,3 1285452466,4 1285452400,5 1285452300,6 12855\n";
        let (e, bad, notes) = run("twitter", text, &Options::default());
        assert_eq!(
            e,
            [
                "cascades.txt:1 by 1 @1285452422",
                "cascades.txt:1#2 3>1 cascades.txt:1 @1285452466",
            ]
        );
        assert_eq!(
            bad,
            [
                "1: time: adoption #1 (user 2) has time 128545242, before the cascade's earlier adoption at 1285452422: \
                 out of adoption order, likely truncated (digits lost); adoption skipped",
                // 66 s back: more than the tolerance, but no lost digit.
                "1: time: adoption #3 (user 4) has time 1285452400, before the cascade's earlier adoption at 1285452466: \
                 out of adoption order; adoption skipped",
                "1: time: adoption #4 (user 5) has time 1285452300, before the cascade's earlier adoption at 1285452466: \
                 out of adoption order; adoption skipped",
                "1: time: adoption #5 (user 6) has time 12855, before the cascade's earlier adoption at 1285452466: \
                 out of adoption order, likely truncated (digits lost); adoption skipped",
            ]
        );
        assert_eq!(
            notes,
            [
                "4 adoptions rejected for times out of adoption order and 0 cascades skipped for a root time \
                 below a tenth of a later one: likely timestamps that lost digits (each is in the rejects)",
                "platform twitter",
            ]
        );
    }

    #[test]
    fn a_step_back_within_the_tolerance_is_kept() {
        let (e, bad, _) = run("t", "1 1000,2 1100,3 1040,4 1039\n", &Options::default());
        assert_eq!(
            e,
            [
                "cascades.txt:1 by 1 @1000",
                "cascades.txt:1#1 2>1 cascades.txt:1 @1100",
                "cascades.txt:1#2 3>1 cascades.txt:1 @1040",
            ]
        );
        assert_eq!(bad.len(), 1);
        assert!(
            bad[0].starts_with("1: time: adoption #3 (user 4) has time 1039,"),
            "{bad:?}"
        );
    }

    #[test]
    fn a_bad_or_truncated_root_skips_the_line() {
        let text = "1 128545242,2 1285452445,3 1285452466\n\
                    x 1285452422,2 1285452445\n\
                    1 -5,2 1285452445\n\
                    1 2 3 4,2 1285452445\n\
                    ,,\n\
                    \n\
                    5 1285452422,6 1285452423\n";
        let (e, bad, notes) = run("twitter", text, &Options::default());
        assert_eq!(
            e,
            [
                "cascades.txt:7 by 5 @1285452422",
                "cascades.txt:7#1 6>5 cascades.txt:7 @1285452423",
            ]
        );
        assert_eq!(
            bad,
            [
                "1: time: root (user 1) has time 128545242, below a tenth of adoption #2's 1285452466: likely \
                 truncated (digits lost); without the root's time the cascade has no post time, line skipped (3 adoptions)",
                "2: user: root (first adopter): not a numeric id: \"x\"; the cascade has no root, line skipped",
                "3: time: root (user 1): \"-5\": negative unix time; the cascade has no root, line skipped",
                "4: <line>: the first item \"1 2 3 4\" is not `user ts` (or `id user ts`); the cascade has no root, line skipped",
            ]
        );
        assert!(notes[0].contains("and 1 cascades skipped"), "{notes:?}");
    }

    #[test]
    fn a_root_cut_short_beside_times_out_of_range_is_still_found() {
        // Memetracker: 12-digit times are after 2099 as unix seconds, and some lost two digits.
        let (e, bad, _) = run(
            "memetracker",
            "1 3383039575,2 338303278333
",
            &Options::default(),
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            bad,
            ["1: time: root (user 1) has time 3383039575, below a tenth of adoption #1's 338303278333: likely \
              truncated (digits lost); without the root's time the cascade has no post time, line skipped (2 adoptions)"]
        );
    }

    #[test]
    fn memetracker_times_in_microhours_and_the_hint_without_them() {
        // Memetracker's first line, shortened: #4's and #6's times lost digits.
        let text =
            "180 338299765278,311 338302609444,569 338302865556,90 338303278333,199 3383039575,\
                    321 338304029167,1795 33831202\n";
        let (e, bad, notes) = run("memetracker", text, &Options::default());
        assert!(e.is_empty(), "{e:?}");
        let hint = "if the file's times are not unix seconds, pass --time-unit (microhours for \
                    Memetracker's 12-digit times; milliseconds; microseconds)";
        assert_eq!(
            bad,
            [format!(
                "1: time: root (user 180): \"338299765278\": unix time after 2099 ({hint}); the cascade has \
                 no root, line skipped"
            )]
        );
        assert_eq!(
            notes,
            [
                // (No platform: no events.)
                format!(
                    "1 times rejected as after 2099 in unix seconds (the first on line 1): {hint}"
                ),
            ]
        );

        let opts = Options {
            time_unit: TimeUnit::Microhours,
            ..Options::default()
        };
        let (e, bad, notes) = run("memetracker", text, &opts);
        // 338299765278 µh = 1,217,879,154.9999 s; each time is rounded to the nearest second.
        assert_eq!(
            e,
            [
                "cascades.txt:1 by 180 @1217879155",
                "cascades.txt:1#1 311>180 cascades.txt:1 @1217889394",
                "cascades.txt:1#2 569>180 cascades.txt:1 @1217890316",
                "cascades.txt:1#3 90>180 cascades.txt:1 @1217891802",
                "cascades.txt:1#5 321>180 cascades.txt:1 @1217894505",
            ]
        );
        assert_eq!(
            bad,
            [
                "1: time: adoption #4 (user 199) has time 12178942, before the cascade's earlier adoption at \
                 1217891802: out of adoption order, likely truncated (digits lost); adoption skipped",
                "1: time: adoption #6 (user 1795) has time 121792, before the cascade's earlier adoption at \
                 1217894505: out of adoption order, likely truncated (digits lost); adoption skipped",
            ]
        );
        assert!(notes[0].starts_with("2 adoptions rejected"), "{notes:?}");

        // Out of range in the unit given: no hint (the unit was chosen), nothing counted.
        let (_, bad, notes) = run("m", "1 1139568000000,2 1139568000001\n", &opts);
        assert_eq!(
            bad,
            ["1: time: root (user 1): \"1139568000000\": after 2099 as unix microhours; the cascade has no \
              root, line skipped"]
        );
        assert_eq!(notes, Vec::<String>::new());
        // In seconds, an adoption's time too big is rejected with the hint, the rest of its line kept.
        // (Not ten times the root's, or the root would be taken as cut short.)
        let (e, bad, notes) = run(
            "m",
            "1 1285452422,2 5000000000,3 1285452466\n",
            &Options::default(),
        );
        assert_eq!(e.len(), 2);
        assert_eq!(
            bad,
            [format!(
                "1: time: adoption #1 \"2 5000000000\": \"5000000000\": unix time after 2099 ({hint})"
            )]
        );
        assert!(
            notes[0].starts_with("1 times rejected as after 2099"),
            "{notes:?}"
        );
    }

    #[test]
    fn bad_items_are_rejected_and_repeats_skipped_and_counted() {
        // The root again (#1), a missing time (#2, as at the end of the public douban file), a bad user (#3),
        // an extra field (#4), user 2 twice (#6).
        let text = "1 100,1 101,22914,y 102,3 103 9,2 104,2 105,4 106,\n7 200,7 201\n";
        let (e, bad, notes) = run("douban", text, &Options::default());
        assert_eq!(
            e,
            [
                "cascades.txt:1 by 1 @100",
                "cascades.txt:1#5 2>1 cascades.txt:1 @104",
                "cascades.txt:1#7 4>1 cascades.txt:1 @106",
                "cascades.txt:2 by 7 @200",
            ]
        );
        assert_eq!(
            bad,
            [
                "1: time: adoption #2 \"22914\": missing (expected `user ts`)",
                "1: user: adoption #3 \"y 102\": not a numeric id: \"y\"",
                "1: <adoption>: adoption #4 \"3 103 9\": expected `user ts`, found 3 fields",
            ]
        );
        assert_eq!(
            notes,
            [
                "3 repeated adoptions skipped (an adopter already in its cascade, the root included); the first on line 1",
                "platform douban",
            ]
        );
    }

    #[test]
    fn platform_and_source_defaults_and_overrides() {
        let tmp = tempfile::tempdir().unwrap();
        let p = write_gz(tmp.path(), "Twitter-Cascades.txt.gz", b"1 5,2 6\n");
        let (good, _) = read_all(&p, Format::Cascades, &Options::default());
        assert_eq!(good[0].events[0].platform(), "twitter-cascades");
        let Event::Post(post) = &good[0].events[0] else {
            panic!()
        };
        assert_eq!(post.ext_id, "Twitter-Cascades.txt:1");
        let d = tmp.path().join("Douban");
        std::fs::create_dir(&d).unwrap();
        let p = write_gz(&d, "cascades.txt.gz", b"1 5,2 6\n");
        let (good, _) = read_all(&p, Format::Cascades, &Options::default());
        assert_eq!(good[0].events[0].platform(), "douban");
        let opts = Options {
            platform: Some("db".into()),
            source: Some("douban-2012".into()),
            ..Options::default()
        };
        let (good, _) = read_all(&p, Format::Cascades, &opts);
        let Event::Interaction(i) = &good[0].events[1] else {
            panic!()
        };
        assert_eq!(
            (i.platform.as_str(), i.key.as_str()),
            ("db", "douban-2012:1#1")
        );
        assert_eq!(i.post.as_deref(), Some("douban-2012:1"));
        // No directory to name it after (a bare name that is not in the working directory).
        let bare = std::path::Path::new("cascades.txt");
        assert_eq!(
            crate::reader::platform_named_for_dir(bare, "cascades.txt", "cascades"),
            "cascades"
        );
    }

    #[test]
    fn long_lines_are_capped() {
        let mut text = String::from("1 100");
        for u in 2..200 {
            text.push_str(&format!(",{u} {}", 100 + u));
        }
        text.push_str("\n3 7,4 8\n");
        let opts = Options {
            max_line_bytes: 512,
            ..Options::default()
        };
        let (e, bad, _) = run("t", &text, &opts);
        assert_eq!(e.len(), 2);
        assert_eq!(bad.len(), 1);
        assert!(bad[0].starts_with("1: <line>: line of "), "{bad:?}");
    }
}
