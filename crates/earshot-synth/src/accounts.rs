//! Account events: handles, bot flags and profiles whose counts follow each account's expected degree.

use crate::jsonl::{self, LineWriter};
use crate::random::{mix64, Purpose, Stream};
use crate::rmat::Rmat;
use crate::text;
use crate::{SynthConfig, SynthSummary, BOT_PER_MILLE};
use std::io::Write;

/// Width of the zero-padded account number in handles: at least 6 digits, more for big graphs.
pub(crate) fn handle_width(accounts: u64) -> usize {
    (accounts.saturating_sub(1).max(1).ilog10() as usize + 1).max(6)
}

/// `synth_000123`, or for bots `synth_000123_48213907`: bot handles carry a long random digit tail, as
/// mass-created accounts do.
pub(crate) fn write_handle(buf: &mut Vec<u8>, account: u32, width: usize, bot: bool, seed: u64) {
    buf.extend_from_slice(b"synth_");
    pad(buf, u64::from(account), width);
    if bot {
        buf.push(b'_');
        pad(
            buf,
            mix64(seed ^ (u64::from(account) << 1)) % 100_000_000,
            8,
        );
    }
}

fn pad(buf: &mut Vec<u8>, v: u64, width: usize) {
    let mut ib = itoa::Buffer::new();
    let digits = ib.format(v);
    buf.extend(std::iter::repeat_n(
        b'0',
        width.saturating_sub(digits.len()),
    ));
    buf.extend_from_slice(digits.as_bytes());
}

/// Write one account event per account, in account-number order, and return which accounts are bots.
pub(crate) fn write_accounts<W: Write>(
    cfg: &SynthConfig,
    rmat: &Rmat,
    w: &mut LineWriter<W>,
    summary: &mut SynthSummary,
) -> std::io::Result<Vec<bool>> {
    let n = cfg.accounts();
    let m = cfg.interactions() as f64;
    let width = handle_width(n);
    // Each account's raw R-MAT id, which fixes its expected degree. Four bytes per account (scale <= 31),
    // dropped before the interactions start.
    let mut raw_ids = vec![0u32; n as usize];
    for raw in 0..n {
        raw_ids[rmat.scramble(raw) as usize] = raw as u32;
    }
    let mut rng = Stream::new(cfg.seed, Purpose::Profiles);
    let mut bots = vec![false; n as usize];
    let mut handle = Vec::with_capacity(32);
    for v in 0..n {
        let account = v as u32;
        let bot = rng.per_mille(BOT_PER_MILLE);
        bots[v as usize] = bot;
        let raw = u64::from(raw_ids[v as usize]);
        let raw_ones = raw.count_ones();
        let expected_degree = m * rmat.raw_id_probability(raw);
        let h = mix64(cfg.seed ^ v.wrapping_mul(0xA24B_AED4_963E_E407));
        handle.clear();
        write_handle(&mut handle, account, width, bot, cfg.seed);

        let buf = &mut w.buf;
        jsonl::open(buf, "account", &cfg.platform);
        jsonl::key(buf, "ext_id");
        buf.push(b'"');
        buf.extend_from_slice(itoa::Buffer::new().format(account).as_bytes());
        buf.push(b'"');
        jsonl::str_field(buf, "handle", &handle);
        jsonl::key(buf, "display_name");
        buf.extend_from_slice(b"\"Synthetic ");
        text::write_display_name(buf, h);
        buf.push(b'"');
        let (followers, following, post_count, age_days) = if bot {
            (
                rng.between(0, 40),
                rng.between(1_000, 5_000),
                rng.between(0, 300),
                rng.between(1, 90),
            )
        } else {
            let reach = (0.5 * rng.gauss()).exp();
            let chatter = (0.5 * rng.gauss()).exp();
            (
                (expected_degree * 10.0 * reach) as u64 + rng.between(0, 30),
                (120.0 * (0.9 * rng.gauss()).exp()) as u64 + rng.between(0, 20),
                (expected_degree * 2.0 * chatter) as u64 + rng.between(0, 200),
                rng.between(30, 12 * 365),
            )
        };
        jsonl::u64_field(buf, "followers", followers);
        jsonl::u64_field(buf, "following", following);
        jsonl::u64_field(buf, "post_count", post_count);
        let created_at = cfg.start - age_days as i64 * 86_400 - rng.below(86_400) as i64;
        jsonl::i64_field(buf, "created_at", created_at);
        jsonl::key(buf, "bio");
        buf.extend_from_slice(b"\"[synthetic] ");
        text::write_bio(buf, bot, h);
        buf.push(b'"');
        if !bot && rng.per_mille(200) {
            jsonl::key(buf, "url");
            buf.extend_from_slice(b"\"https://example.invalid/");
            buf.extend_from_slice(&handle);
            buf.push(b'"');
        }
        // Verified: the few accounts with at most scale/8 one-bits, i.e. the biggest expected hubs.
        jsonl::bool_field(buf, "verified", !bot && raw_ones <= cfg.scale / 8);
        let default_avatar = if bot {
            rng.per_mille(800)
        } else {
            rng.per_mille(40)
        };
        jsonl::bool_field(buf, "default_avatar", default_avatar);
        jsonl::str_field(buf, "label", if bot { b"bot" } else { b"human" });
        w.end_line()?;
        summary.accounts += 1;
        summary.bots += u64::from(bot);
    }
    Ok(bots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_padded_and_bots_carry_digits() {
        let mut b = Vec::new();
        write_handle(&mut b, 123, handle_width(1 << 10), false, 1);
        assert_eq!(b, b"synth_000123");
        b.clear();
        write_handle(&mut b, 5, handle_width(1 << 24), true, 1);
        let s = String::from_utf8(b).unwrap();
        assert!(
            s.starts_with("synth_00000005_") && s.len() == "synth_00000005_".len() + 8,
            "{s}"
        );
        assert_eq!(handle_width(1), 6);
        assert_eq!(handle_width(10_000_000), 7);
    }
}
