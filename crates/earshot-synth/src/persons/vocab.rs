//! Word lists for synthetic people: names, interests, roles, places and the platform-specific filler of bios.
//!
//! The lists are small on purpose. With about 60 first and 60 last names, a thousand people already share
//! full names now and then, which is the common-name problem identity linking must survive; with about 50
//! interests, two strangers' bios overlap now and then, so topic words alone can't prove a link. Names are
//! ASCII and lower case so handles can be built from them directly.

pub(crate) const FIRST_NAMES: &[&str] = &[
    "alice", "bob", "carol", "david", "erin", "frank", "grace", "henry", "irene", "jack", "karen",
    "liam", "maya", "noah", "olivia", "peter", "quinn", "rosa", "sam", "tara", "umar", "vera",
    "will", "xena", "yusuf", "zoe", "amir", "bea", "chen", "dana", "eli", "fatima", "gus", "hana",
    "ivan", "jade", "kofi", "lena", "marco", "nina", "omar", "priya", "ravi", "sara", "tom", "uma",
    "victor", "wen", "yara", "ada", "ben", "clara", "diego", "emma", "felix", "gina", "hugo",
    "iris", "jon", "kim",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "wong", "smith", "garcia", "mueller", "rossi", "nguyen", "kim", "patel", "silva", "novak",
    "cohen", "okafor", "larsen", "dubois", "tanaka", "murphy", "kowalski", "haddad", "ivanova",
    "moreau", "santos", "becker", "costa", "jensen", "lopez", "brown", "khan", "wright", "fischer",
    "meyer", "lee", "park", "ali", "berg", "chandra", "diaz", "evans", "frost", "gray", "holm",
    "ito", "james", "kaur", "lind", "mason", "nash", "ortiz", "price", "reyes", "stone", "turner",
    "vega", "walsh", "young", "zhang", "adams", "baker", "cruz", "doyle", "ellis",
];

/// What people say they are into: the topic words shared across one person's bios and posts.
pub(crate) const INTERESTS: &[&str] = &[
    "rust",
    "python",
    "linux",
    "birding",
    "sourdough",
    "climate",
    "jazz",
    "cycling",
    "typography",
    "photography",
    "gardening",
    "chess",
    "astronomy",
    "knitting",
    "running",
    "open source",
    "urbanism",
    "board games",
    "coffee",
    "poetry",
    "film",
    "vinyl",
    "hiking",
    "bouldering",
    "mycology",
    "linguistics",
    "history",
    "privacy",
    "accessibility",
    "design",
    "data science",
    "statistics",
    "ceramics",
    "baking",
    "sci-fi",
    "comics",
    "football",
    "tennis",
    "synths",
    "woodworking",
    "beekeeping",
    "trains",
    "maps",
    "retro games",
    "fermentation",
    "sailing",
    "dogs",
    "cats",
    "tea",
    "painting",
];

pub(crate) const ROLES: &[&str] = &[
    "software engineer",
    "teacher",
    "nurse",
    "PhD student",
    "designer",
    "librarian",
    "journalist",
    "researcher",
    "product manager",
    "data analyst",
    "physician",
    "architect",
    "writer",
    "musician",
    "sysadmin",
    "historian",
    "ecologist",
    "translator",
    "chef",
    "lawyer",
];

pub(crate) const CITIES: &[&str] = &[
    "Lisbon",
    "Berlin",
    "Toronto",
    "Nairobi",
    "Melbourne",
    "Seoul",
    "Austin",
    "Glasgow",
    "Lyon",
    "Utrecht",
    "Osaka",
    "Bogota",
    "Oslo",
    "Cape Town",
    "Portland",
    "Montreal",
    "Dublin",
    "Vienna",
    "Chennai",
    "Wellington",
];

/// An emoji a person keeps in their display names, the way people do across networks.
pub(crate) const EMOJI: &[&str] = &[
    "\u{1F33F}",
    "\u{2615}",
    "\u{1F3B8}",
    "\u{1F4DA}",
    "\u{1F6B2}",
    "\u{1F308}",
    "\u{2728}",
    "\u{1F30A}",
    "\u{1F344}",
    "\u{1F431}",
];

pub(crate) const PRONOUNS: &[&str] = &["she/her", "he/him", "they/them"];

/// Filler that only one network's culture uses, so bios of one person differ by platform.
pub(crate) const MASTODON_FILLER: &[&str] = &[
    "#fedi22",
    "#introduction",
    "boosts are not endorsements",
    "toots are my own",
    "#nobot",
];
pub(crate) const BLUESKY_FILLER: &[&str] =
    &["\u{1F98B}", "new here", "ex bird site", "posting again"];
pub(crate) const X_FILLER: &[&str] = &[
    "views my own",
    "RTs are not endorsements",
    "DMs open",
    "opinions my own",
];

/// Top-level domains of personal domains (Bluesky custom handles and blogs).
pub(crate) const TLDS: &[&str] = &["dev", "net", "org", "io", "me", "example", "xyz", "page"];

pub(crate) const MASTODON_INSTANCES: &[&str] = &[
    "mastodon.social",
    "hachyderm.io",
    "fosstodon.org",
    "mstdn.social",
    "infosec.exchange",
    "mas.to",
    "social.coop",
];

/// Words for a handle unrelated to the person's name ("quietgarden").
pub(crate) const HANDLE_WORDS: &[&str] = &[
    "quiet", "night", "blue", "paper", "river", "salt", "moss", "ember", "north", "tiny", "owl",
    "fox", "cloud", "pixel", "stone", "lamp",
];

/// Post templates; `{}` is an interest.
pub(crate) const POST_TEMPLATES: &[(&str, &str)] = &[
    ("thinking about ", " again"),
    ("new post on ", " is up"),
    ("anyone else into ", "?"),
    ("a thread on ", " \u{1F9F5}"),
    ("hot take: ", " is underrated"),
    ("finally got back to ", " this week"),
    ("learning more about ", " today"),
    ("what got you into ", "?"),
];

/// Endings added to posts, so that two people writing about one topic rarely write the same words.
pub(crate) const POST_TAILS: &[&str] = &[
    "",
    "",
    "",
    " :)",
    ", more soon",
    " with friends",
    " before work",
    " all weekend",
    ", links below",
    " (long one)",
    ", thoughts welcome",
    " \u{1F440}",
    " again, sorry",
    ", part two",
];

pub(crate) const REPLIES: &[&str] = &[
    "so true",
    "thanks for sharing",
    "love this",
    "ha, same",
    "good point",
    "where was this?",
    "agreed",
    "saving this",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_lists_make_handles_directly() {
        for w in FIRST_NAMES.iter().chain(LAST_NAMES).chain(HANDLE_WORDS) {
            assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w}");
        }
        for l in [FIRST_NAMES, LAST_NAMES, INTERESTS] {
            let mut v = l.to_vec();
            v.sort_unstable();
            v.dedup();
            assert_eq!(v.len(), l.len(), "duplicates in a word list");
        }
    }
}
