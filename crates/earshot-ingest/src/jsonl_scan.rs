//! A scanner for the plain JSON lines that earshot and most writers produce: one flat object whose first
//! key is `"type"`, strings without escapes, integers where the model has integers, and account
//! references as small objects.
//!
//! serde_json reads such a line through generic visitors that match every key against every field name
//! and, for an account's flattened profile, buffer the whole object first; on a generated import that was
//! a fifth of the time on one core. This scanner reads the same lines in one pass, straight into the
//! model's structs. It is a fast path, not a second parser of the format: on anything it is not sure of
//! (an escape, a key it does not know, a key twice, a number in another form, a missing field) it returns
//! `None`, and the line goes to serde, which decides and words any error as before. Whenever it returns
//! an event, that event is the one serde would have given (a test holds the two equal on generated lines
//! and on many altered ones).

use earshot_model::{Account, AccountRef, Event, Interaction, InteractionKind, Post, Profile};

/// The event on `text`, or `None` to leave the line to serde.
pub(crate) fn event(text: &str) -> Option<Event> {
    // A backslash or a control character anywhere sends the line to serde, so that inside strings
    // the scanner looks only for the closing quote. Checked a block at a time, which the compiler
    // turns into vector compares.
    let odd = |block: &[u8]| {
        block
            .iter()
            .fold(false, |a, &b| a | (b < 0x20) | (b == b'\\'))
    };
    if text.as_bytes().chunks(32).any(odd) {
        return None;
    }
    let mut c = Cursor {
        s: text,
        b: text.as_bytes(),
        i: 0,
        in_ref: false,
    };
    c.eat(b'{')?;
    if c.string()? != "type" {
        return None;
    }
    c.eat(b':')?;
    let tag = c.string()?;
    let ev = match tag {
        "interaction" => Event::Interaction(interaction(&mut c)?),
        "post" => Event::Post(post(&mut c)?),
        "account" => Event::Account(account(&mut c)?),
        _ => return None,
    };
    c.ws();
    (c.i == c.b.len()).then_some(ev)
}

/// One JSON value as the scanner sees it: numbers are kept as their text and converted by the field.
enum Value<'a> {
    Str(&'a str),
    Number(&'a str),
    Bool(bool),
    Null,
    Ref(AccountRef),
}

struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// Inside an account reference, where another object is not read.
    in_ref: bool,
}

impl<'a> Cursor<'a> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// A string with no escape and no control character (JSON forbids raw ones; serde says so).
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        // The line holds no backslash or control character (checked in `event`), so the string ends at
        // the next quote. Byte by byte: the strings are short (keys, ids), where a search routine's
        // set-up costs more than the loop.
        while *self.b.get(self.i)? != b'"' {
            self.i += 1;
        }
        let end = self.i;
        self.i += 1;
        // Both ends sit next to an ASCII quote, so they are character boundaries of the valid `s`.
        Some(&self.s[start..end])
    }

    /// A JSON number's text, checked against the grammar (no leading zeros, digits after `.` and `e`).
    fn number(&mut self) -> Option<&'a str> {
        self.ws();
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let int = self.digits();
        if int == 0 || (int > 1 && self.b[self.i - int] == b'0') {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(&self.s[start..self.i])
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    fn value(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Value::Str),
            // Account references are the only objects inside an event, and never hold one: the
            // scanner goes one level down and no further, whatever a line nests.
            b'{' if !self.in_ref => {
                self.in_ref = true;
                let r = account_ref(self);
                self.in_ref = false;
                r.map(Value::Ref)
            }
            b't' => self.literal(b"true").map(|_| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|_| Value::Bool(false)),
            b'n' => self.literal(b"null").map(|_| Value::Null),
            b'-' | b'0'..=b'9' => self.number().map(Value::Number),
            _ => None,
        }
    }

    /// The rest of an object after its first pair (or the whole of one when `opened` is false): each
    /// key and its value to `field`, which says `None` to give up. Keys must not repeat: serde refuses a
    /// repeated field, and the scanner leaves that to it.
    fn pairs(
        &mut self,
        opened: bool,
        mut field: impl FnMut(&'a str, Value<'a>) -> Option<()>,
    ) -> Option<()> {
        if !opened {
            self.eat(b'{')?;
            if self.peek()? == b'}' {
                self.i += 1;
                return Some(());
            }
        } else if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        } else {
            self.eat(b',')?;
        }
        // The keys so far, on the stack: no object the scanner reads has more than 22 fields.
        let mut seen = [""; 24];
        let mut n = 0;
        loop {
            let key = self.string()?;
            if seen[..n].contains(&key) || n == seen.len() {
                return None;
            }
            seen[n] = key;
            n += 1;
            self.eat(b':')?;
            let value = self.value()?;
            field(key, value)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.to_string()),
        _ => None,
    }
}

/// An `Option<String>` field: a string or `null`.
fn maybe_text(v: Value) -> Option<Option<String>> {
    match v {
        Value::Str(s) => Some(Some(s.to_string())),
        Value::Null => Some(None),
        _ => None,
    }
}

/// An integer field: digits only, in range; a fraction or exponent is serde's to refuse, and so is `-0`,
/// which serde_json reads as the float -0.0.
fn integer<T: std::str::FromStr>(v: &Value) -> Option<T> {
    match v {
        Value::Number(n) if !n.contains(['.', 'e', 'E']) && !n.starts_with("-0") => n.parse().ok(),
        _ => None,
    }
}

fn maybe<T>(v: Value, read: impl FnOnce(&Value) -> Option<T>) -> Option<Option<T>> {
    match v {
        Value::Null => Some(None),
        v => read(&v).map(Some),
    }
}

fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

/// A weight: a plain decimal (no sign, no exponent, at most 19 integer digits), which Rust's parser and
/// serde_json's round-trip parser both round correctly, so to the same `f64`.
fn weight(v: Value) -> Option<f64> {
    match v {
        Value::Number(n)
            if !n.contains(['-', 'e', 'E'])
                && n.split('.').next().is_some_and(|i| i.len() <= 19) =>
        {
            n.parse().ok()
        }
        _ => None,
    }
}

fn account_ref(c: &mut Cursor) -> Option<AccountRef> {
    let (mut ext_id, mut handle) = (None, None);
    c.pairs(false, |key, v| {
        match key {
            "ext_id" => ext_id = Some(text(v)?),
            "handle" => handle = maybe_text(v)?,
            _ => return None,
        }
        Some(())
    })?;
    Some(AccountRef {
        ext_id: ext_id?,
        handle,
    })
}

fn kind(v: Value) -> Option<InteractionKind> {
    match v {
        Value::Str(s) => InteractionKind::ALL.into_iter().find(|k| k.name() == s),
        _ => None,
    }
}

fn reference(v: Value) -> Option<AccountRef> {
    match v {
        Value::Ref(r) => Some(r),
        _ => None,
    }
}

fn interaction(c: &mut Cursor) -> Option<Interaction> {
    let (mut platform, mut key, mut kind_, mut actor, mut target) = (None, None, None, None, None);
    let (mut post, mut time, mut weight_) = (None, None, 1.0);
    c.pairs(true, |k, v| {
        match k {
            "platform" => platform = Some(text(v)?),
            "key" => key = Some(text(v)?),
            "kind" => kind_ = Some(kind(v)?),
            "actor" => actor = Some(reference(v)?),
            "target" => target = Some(reference(v)?),
            "post" => post = maybe_text(v)?,
            "time" => time = maybe(v, integer)?,
            "weight" => weight_ = weight(v)?,
            _ => return None,
        }
        Some(())
    })?;
    Some(Interaction {
        platform: platform?,
        key: key?,
        kind: kind_?,
        actor: actor?,
        target: target?,
        post,
        time,
        weight: weight_,
    })
}

fn post(c: &mut Cursor) -> Option<Post> {
    let (mut platform, mut ext_id, mut author, mut time) = (None, None, None, None);
    let (mut text_, mut reply_to, mut quote_of, mut reshare_of) = (None, None, None, None);
    c.pairs(true, |k, v| {
        match k {
            "platform" => platform = Some(text(v)?),
            "ext_id" => ext_id = Some(text(v)?),
            "author" => author = Some(reference(v)?),
            "time" => time = Some(integer(&v)?),
            "text" => text_ = maybe_text(v)?,
            "reply_to" => reply_to = maybe_text(v)?,
            "quote_of" => quote_of = maybe_text(v)?,
            "reshare_of" => reshare_of = maybe_text(v)?,
            _ => return None,
        }
        Some(())
    })?;
    Some(Post {
        platform: platform?,
        ext_id: ext_id?,
        author: author?,
        time: time?,
        text: text_,
        reply_to,
        quote_of,
        reshare_of,
    })
}

fn account(c: &mut Cursor) -> Option<Account> {
    let (mut platform, mut ext_id, mut handle, mut display_name) = (None, None, None, None);
    let mut p = Profile::default();
    c.pairs(true, |k, v| {
        match k {
            "platform" => platform = Some(text(v)?),
            "ext_id" => ext_id = Some(text(v)?),
            "handle" => handle = maybe_text(v)?,
            "display_name" => display_name = maybe_text(v)?,
            "followers" => p.followers = maybe(v, integer)?,
            "following" => p.following = maybe(v, integer)?,
            "post_count" => p.post_count = maybe(v, integer)?,
            "created_at" => p.created_at = maybe(v, integer)?,
            "bio" => p.bio = maybe_text(v)?,
            "url" => p.url = maybe_text(v)?,
            "verified" => p.verified = maybe(v, flag)?,
            "default_avatar" => p.default_avatar = maybe(v, flag)?,
            "default_profile" => p.default_profile = maybe(v, flag)?,
            "private" => p.private = maybe(v, flag)?,
            "likes_given" => p.likes_given = maybe(v, integer)?,
            "listed" => p.listed = maybe(v, integer)?,
            "bio_length" => p.bio_length = maybe(v, integer)?,
            "username_length" => p.username_length = maybe(v, integer)?,
            "username_digits" => p.username_digits = maybe(v, integer)?,
            "label" => p.label = maybe_text(v)?,
            _ => return None,
        }
        Some(())
    })?;
    Some(Account {
        platform: platform?,
        ext_id: ext_id?,
        handle,
        display_name,
        profile: p,
    })
}

#[cfg(test)]
mod tests {
    use earshot_model::Event;

    /// Lines of each kind the scanner reads, in the forms writers use: every field of each struct, nulls,
    /// handles, weights, text beyond ASCII, spaces between tokens.
    const SEEDS: &[&str] = &[
        r#"{"type":"interaction","platform":"synthetic","key":"s1:0","kind":"reply","actor":{"ext_id":"6433"},"target":{"ext_id":"47015"},"post":"s1:p1","time":1704067201}"#,
        r#"{"type":"interaction","platform":"t","key":"k","kind":"like","actor":{"ext_id":"@ann","handle":"Ann"},"target":{"ext_id":"2","handle":null},"post":null,"time":null,"weight":2.5}"#,
        r#"{"type":"interaction","platform":"t","key":"k","kind":"unfollow","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"weight":3}"#,
        r#"{"type":"post","platform":"synthetic","ext_id":"s1:p1","author":{"ext_id":"47015"},"time":1704067200,"text":"where can I find the local museum?"}"#,
        r#"{"type":"post","platform":"t","ext_id":"p2","author":{"ext_id":"1","handle":"x"},"time":-5,"text":"naïve — 東京 😀","reply_to":"p1","quote_of":null,"reshare_of":"p0"}"#,
        r#"{"type":"account","platform":"synthetic","ext_id":"0","handle":"synth_000000","display_name":"Synthetic Big Film","followers":9,"following":292,"post_count":154,"created_at":1636798214,"bio":"[synthetic] into old film and concert","verified":false,"default_avatar":false,"label":"human"}"#,
        r#"{"type":"account","platform":"t","ext_id":"9","handle":null,"display_name":null,"url":"https://x.y","default_profile":true,"private":null,"likes_given":0,"listed":12,"bio_length":40,"username_length":8,"username_digits":2}"#,
        r#" { "type" : "post" , "platform" : "t" , "ext_id" : "p" , "author" : { "ext_id" : "1" } , "time" : 0 } "#,
        r#"{"type":"account","platform":"t","ext_id":"1"}"#,
    ];

    fn serde_reads(line: &str) -> Option<Event> {
        serde_json::from_str(line).ok()
    }

    #[test]
    fn reads_every_seed_as_serde_does() {
        for line in SEEDS {
            let ev = super::event(line);
            assert!(ev.is_some(), "declined {line}");
            assert_eq!(ev, serde_reads(line), "{line}");
        }
    }

    /// Every line one edit away from a seed (a byte removed, or one of JSON's significant characters
    /// put in at any character boundary): whatever the scanner reads, serde reads the same. This is
    /// what makes the scanner safe to put in front of serde.
    #[test]
    fn never_reads_a_line_otherwise_than_serde() {
        let inserts = [
            "\"",
            "\\",
            ",",
            ":",
            "{",
            "}",
            "[",
            " ",
            "0",
            "9",
            "-",
            ".",
            "e",
            "+",
            "n",
            "t",
            "\u{1}",
            "é",
            "null",
            "1.5",
            "1e3",
            "\"type\":\"post\",",
            "\"weight\":1,",
            "\"x\":1,",
        ];
        let (mut read, mut total) = (0, 0);
        for seed in SEEDS {
            let cuts: Vec<usize> = (0..=seed.len())
                .filter(|&i| seed.is_char_boundary(i))
                .collect();
            let mut mutants: Vec<String> = Vec::new();
            for w in cuts.windows(2) {
                mutants.push(format!("{}{}", &seed[..w[0]], &seed[w[1]..]));
            }
            for &at in &cuts {
                for ins in inserts {
                    mutants.push(format!("{}{ins}{}", &seed[..at], &seed[at..]));
                }
            }
            for m in &mutants {
                total += 1;
                if let Some(ev) = super::event(m) {
                    read += 1;
                    assert_eq!(
                        Some(ev),
                        serde_reads(m),
                        "the scanner and serde differ on {m}"
                    );
                }
            }
        }
        // Spaces, a longer number or string, an added weight: a good share of edits stay readable.
        assert!(read > total / 20, "{read} of {total} read");
    }

    #[test]
    fn declines_what_it_leaves_to_serde() {
        let declined = [
            // An escape, a repeated key, an unknown key, a missing field, a float time, a nested
            // "type", a leading zero, a negative or signed weight, a count out of range, links.
            r#"{"type":"post","platform":"t","ext_id":"p\n","author":{"ext_id":"1"},"time":1}"#,
            r#"{"type":"post","platform":"t","platform":"u","ext_id":"p","author":{"ext_id":"1"},"time":1}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"1"},"time":1,"lang":"en"}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"1"}}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"1"},"time":1.0}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"1","type":"x"},"time":1}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"1"},"time":01}"#,
            r#"{"type":"interaction","platform":"t","key":"k","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"weight":-0}"#,
            r#"{"type":"account","platform":"t","ext_id":"1","followers":18446744073709551616}"#,
            r#"{"type":"account","platform":"t","ext_id":"1","links":["https://a"]}"#,
            r#"{"platform":"t","type":"account","ext_id":"1"}"#,
            r#"{"type":"account","platform":"t","ext_id":"1"} x"#,
        ];
        for line in declined {
            assert_eq!(super::event(line), None, "{line}");
        }
    }

    /// A line nesting objects deeply (within the line-length cap) is declined at the second level,
    /// not followed down until the reader's stack runs out; serde then refuses it at its own limit.
    #[test]
    fn declines_nesting_without_following_it() {
        for key in ["author", "a"] {
            let line = format!(r#"{{"type":"post","{key}":{}"#, r#"{"a":"#.repeat(200_000));
            assert_eq!(super::event(&line), None);
            assert!(serde_reads(&line).is_none());
        }
        let nested_ref =
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":{"x":"1"}},"time":1}"#;
        assert_eq!(super::event(nested_ref), None);
    }
}
