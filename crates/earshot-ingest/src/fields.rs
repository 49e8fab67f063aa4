//! Checks and conversions of single field values shared by the formats.

use crate::reader::quote;

/// A numeric account id as found in Higgs and SNAP files: decimal digits only (at most 20), kept as text.
pub(crate) fn numeric_id(s: &str) -> Result<&str, String> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err("empty id".into());
    }
    if b.len() <= 20 && b.iter().all(u8::is_ascii_digit) {
        return Ok(s);
    }
    if b[0] == b'-' && b.len() > 1 && b[1..].iter().all(u8::is_ascii_digit) {
        return Err(format!("negative id {}", quote(s)));
    }
    Err(format!("not a numeric id: {}", quote(s)))
}

/// Excel's rendering of a long number: `5.70306E+17`, `8.41E+17`, or a decimal like `5.7e17`.
pub(crate) fn is_excel_mangled(s: &str) -> bool {
    let (mant, exp) = match s.split_once(['E', 'e']) {
        Some(x) => x,
        None => return false,
    };
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    let (i, f) = mant.split_once('.').unwrap_or((mant, "0"));
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    digits(i) && digits(f) && digits(exp)
}

/// An id usable as an external id: non-empty, no whitespace or control characters, not Excel-mangled.
pub(crate) fn is_clean_id(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control()) && !is_excel_mangled(s)
}

/// A clean decimal integer id (profile files, where the id must be Twitter's numeric id).
pub(crate) fn is_clean_int(s: &str) -> bool {
    !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Trim whitespace and stray double quotes around a value (`"jk_rowling"` → `jk_rowling`).
pub(crate) fn clean(s: &str) -> &str {
    s.trim().trim_matches('"').trim()
}

pub(crate) fn parse_count(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if let Ok(v) = t.parse::<u64>() {
        return Ok(v);
    }
    // `1234.0` from a spreadsheet or a JSON float.
    if let Some(int) = t.strip_suffix(".0") {
        if let Ok(v) = int.parse::<u64>() {
            return Ok(v);
        }
    }
    Err(format!("not a non-negative integer: {}", quote(s)))
}

/// A count that may come as a decimal (`4694.95`, a rate or an average in the source; `1.0` from pandas;
/// `1e3`): non-negative and finite, rounded to the nearest whole number. The flag says whether rounding
/// changed it, so the reader can report it once.
pub(crate) fn parse_amount(s: &str) -> Result<(u64, bool), String> {
    if let Ok(v) = parse_count(s) {
        return Ok((v, false));
    }
    match s.trim().parse::<f64>() {
        // 2^64 is the first value a u64 cannot hold; `as` would saturate silently.
        Ok(v) if (0.0..18_446_744_073_709_551_616.0).contains(&v) => {
            let r = v.round();
            Ok((r as u64, r != v))
        }
        _ => Err(format!("not a non-negative number: {}", quote(s))),
    }
}

pub(crate) fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        // `1.0`/`0.0`: a boolean column that went through pandas as floats.
        "true" | "t" | "1" | "1.0" | "yes" | "y" => Ok(true),
        "false" | "f" | "0" | "0.0" | "no" | "n" => Ok(false),
        _ => Err(format!("not a boolean: {}", quote(s))),
    }
}

/// A weight: finite and ≥ 0.
pub(crate) fn parse_weight(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(w) if w.is_finite() && w >= 0.0 => Ok(w),
        Ok(_) => Err(format!("weight must be finite and ≥ 0: {}", quote(s))),
        Err(_) => Err(format!("not a number: {}", quote(s))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(numeric_id("123"), Ok("123"));
        assert_eq!(numeric_id("-5"), Err("negative id \"-5\"".into()));
        assert_eq!(numeric_id("x1"), Err("not a numeric id: \"x1\"".into()));
        assert!(numeric_id("").is_err());
        assert!(is_excel_mangled("5.70306E+17"));
        assert!(is_excel_mangled("8.41E+17"));
        assert!(!is_excel_mangled("570306133677760513"));
        assert!(!is_excel_mangled("Eve"));
        assert!(!is_clean_id("8.41E+17"));
        assert!(is_clean_id("abc-1"));
        assert!(!is_clean_id("a b"));
        assert_eq!(clean(" \"jk_rowling\" "), "jk_rowling");
    }

    #[test]
    fn values() {
        assert_eq!(parse_count("12"), Ok(12));
        assert_eq!(parse_count("12.0"), Ok(12));
        assert!(parse_count("-1").is_err());
        assert_eq!(parse_bool("TRUE"), Ok(true));
        assert!(parse_bool("maybe").is_err());
        assert_eq!(parse_weight("0.2"), Ok(0.2));
        assert!(parse_weight("-1").is_err());
        assert!(parse_weight("NaN").is_err());
        assert!(parse_weight("inf").is_err());
    }
}
