//! Seed inputs: a few records of each format, written here from the format's description (README's
//! Formats section, docs/jsonl.md), plus, when the real data is beside the repository, the first lines
//! of its files (read at run time, never copied into the repository).

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

/// The first `lines` lines of `rel` under the shared data (`$EARSHOT_SHARED_DATA` or `../shared/data`
/// from the workspace), gunzipped when the name ends in `.gz`; `None` when absent.
pub fn shared_head(rel: &str, lines: usize) -> Option<Vec<u8>> {
    let root = std::env::var_os("EARSHOT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let file = std::fs::File::open(root.join(rel)).ok()?;
    let reader: Box<dyn Read> = if rel.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut out = Vec::new();
    for line in BufReader::new(reader).split(b'\n').take(lines) {
        out.extend_from_slice(&line.ok()?);
        out.push(b'\n');
    }
    Some(out)
}

pub fn jsonl() -> Vec<Vec<u8>> {
    vec![
        br#"{"type":"account","platform":"twitter","ext_id":"3982731976","handle":"VirginAmerica","display_name":"Virgin America","followers":412000,"verified":true}
{"type":"post","platform":"twitter","ext_id":"570301130888122368","author":{"ext_id":"@jnardino","handle":"jnardino"},"time":1424797500,"text":"@VirginAmerica Palm Springs, please!","reply_to":"570306133677760513"}
{"type":"interaction","platform":"twitter","key":"like:@jnardino:570306133677760513","kind":"like","actor":{"ext_id":"@jnardino"},"target":{"ext_id":"3982731976"},"post":"570306133677760513","time":1424797460}
{"type":"interaction","platform":"higgs","key":"higgs-activity:1","kind":"reshare","actor":{"ext_id":"223789"},"target":{"ext_id":"213163"},"time":1341100972,"weight":2}
"#.to_vec(),
        br#"{"type":"account","platform":"twitter","ext_id":"@jnardino","handle":"jnardino","created_at":1262304000,"label":"human","following":12,"post_count":3}
"#.to_vec(),
    ]
}

/// Submissions and comments with the fields the Pushshift paper lists (Baumgartner et al. 2020,
/// "Data Description"); values made up.
pub fn reddit() -> Vec<Vec<u8>> {
    vec![br#"{"id":"5lcgjh","author":"alice_b","created_utc":1483228800,"subreddit":"rust","title":"Borrow checker","selftext":"ask u/bob-c","score":10}
{"id":"dbuo0ap","author":"bob-c","created_utc":"1483229000","body":"see /u/alice_b","parent_id":"t3_5lcgjh","link_id":"t3_5lcgjh"}
{"id":"5lczzz","author":"carol","created_utc":1483230000.0,"title":"x-post","selftext":"[removed]","crosspost_parent":"t3_5lcgjh"}
"#.to_vec()]
}

/// Jetstream events shaped as its README's "Example Events", records as the app.bsky lexicons define
/// them; values made up.
pub fn jetstream() -> Vec<Vec<u8>> {
    vec![br#"{"did":"did:plc:alice","time_us":1725911162329308,"kind":"identity","identity":{"did":"did:plc:alice","handle":"alice.example.com","seq":1}}
{"did":"did:plc:alice","time_us":1725911162329308,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"3l3q","record":{"text":"hi @bob","facets":[{"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:bob"}]}],"reply":{"parent":{"uri":"at://did:plc:bob/app.bsky.feed.post/1"}},"embed":{"$type":"app.bsky.embed.record","record":{"uri":"at://did:plc:bob/app.bsky.feed.post/2"}}}}}
{"did":"did:plc:dan","time_us":1725911400000000,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.repost","rkey":"3l3t","record":{"subject":{"uri":"at://did:plc:alice/app.bsky.feed.post/3l3q"}}}}
{"did":"did:plc:erin","time_us":1725911600000000,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.graph.follow","rkey":"3l3v","record":{"subject":"did:plc:alice"}}}
"#.to_vec()]
}

/// An outbox as an ActivityStreams OrderedCollection (Activity Vocabulary §3.2 Create and Announce,
/// §3.3 Note); URIs and texts made up.
pub fn mastodon_outbox() -> Vec<Vec<u8>> {
    vec![br##"{"type":"OrderedCollection","totalItems":2,"orderedItems":[
{"id":"https://s.example/users/a/statuses/1/activity","type":"Create","actor":"https://s.example/users/a","published":"2023-05-01T10:00:00Z","object":{"id":"https://s.example/users/a/statuses/1","type":"Note","inReplyTo":"https://o.example/users/b/statuses/9","content":"<p>hi &amp; <a href="x">@b</a></p>","tag":[{"type":"Mention","href":"https://o.example/users/b","name":"@b@o.example"}]}},
{"id":"https://s.example/users/a/statuses/2/activity","type":"Announce","actor":"https://s.example/users/a","published":"2023-05-02T10:00:00Z","object":"https://o.example/users/b/statuses/9"}
]}"##.to_vec()]
}

pub fn csv_posts() -> Vec<Vec<u8>> {
    let mut v = vec![b"tweet_id,name,text,tweet_created\n570306133677760513,cairdin,\"@VirginAmerica What @dhepburn said.\",2015-02-24 11:35:52 -0800\n570301130888122368,jnardino,\"@VirginAmerica plus you've added commercials, \"\"really\"\"\",24-02-2015 11.15\n".to_vec()];
    v.extend(shared_head(
        "tweet-text/airline_sentiment_tweets_15col_excel_mangled_ids.csv",
        40,
    ));
    v
}

pub fn snap() -> Vec<Vec<u8>> {
    let mut v = vec![
        b"# comment\n4 3\n0 1\n1 2 0.5\n2 3\n".to_vec(),
        b"1\t2\n2\t3\t7\n".to_vec(),
    ];
    v.extend(shared_head("im-graphs/email-Eu-core.txt.gz", 40));
    v
}

pub fn higgs() -> Vec<Vec<u8>> {
    let mut v = vec![
        b"223789 213163 1341100972 MT\n223789 213163 1341100972 RE\n376989 50329 1341101181 RT\n"
            .to_vec(),
    ];
    v.extend(shared_head("higgs-twitter/higgs-activity_time.txt.gz", 40));
    v
}

pub fn profiles() -> Vec<Vec<u8>> {
    let mut v = vec![
        br#"[{"id":"1","screen_name":"abc","followers_count":10,"friends_count":3,"statuses_count":5,"created_at":"Tue Mar 21 20:50:14 +0000 2006","verified":false}]"#.to_vec(),
        b"id,screen_name,followers_count,friends_count,statuses_count,created_at\n1,abc,10,3,5,2010-01-01\n".to_vec(),
    ];
    v.extend(shared_head("bots-kaggle-2017/bots_data.csv", 30));
    v
}

pub fn cascades() -> Vec<Vec<u8>> {
    vec![
        b"1 1300000000,2 1300000100,3 1300000200\n4 1300001000,5 1300000999\n".to_vec(),
        b"c7 12 1.5,13 2.25\n".to_vec(),
    ]
}

pub fn cascade_edges() -> Vec<Vec<u8>> {
    vec![b"1,2\n2,3\n3,1\n".to_vec()]
}

pub fn retweet_tree() -> Vec<Vec<u8>> {
    vec![b"['ROOT', 'ROOT', '0.0']->['1001', '498430783699554305', '0.0']\n['1001', '498430783699554305', '0.0']->['1002', '498430783699554305', '1.5']\n['1002', '498430783699554305', '1.5']->['1003', '498430783699554305', '12.25']\n".to_vec()]
}
