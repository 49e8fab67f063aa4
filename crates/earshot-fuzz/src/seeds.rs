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
/// §3.3 Note); URIs and texts made up. Also the `outbox.json` of [`MASTODON_ARCHIVE`].
pub const MASTODON_OUTBOX: &[u8] = br##"{"type":"OrderedCollection","totalItems":2,"orderedItems":[
{"id":"https://s.example/users/a/statuses/1/activity","type":"Create","actor":"https://s.example/users/a","published":"2023-05-01T10:00:00Z","object":{"id":"https://s.example/users/a/statuses/1","type":"Note","inReplyTo":"https://o.example/users/b/statuses/9","content":"<p>hi &amp; <a href=\"https://o.example/@b\">@b</a></p>","tag":[{"type":"Mention","href":"https://o.example/users/b","name":"@b@o.example"}]}},
{"id":"https://s.example/users/a/statuses/2/activity","type":"Announce","actor":"https://s.example/users/a","published":"2023-05-02T10:00:00Z","object":"https://o.example/users/b/statuses/9"}
]}"##;

pub fn mastodon_outbox() -> Vec<Vec<u8>> {
    vec![MASTODON_OUTBOX.to_vec()]
}

/// A repository export (CAR v1 of an atproto repository: commit, tree node, a post, like, repost,
/// follow and profile), built from the specifications by earshot-ingest's fixture.
pub fn bluesky_car() -> Vec<Vec<u8>> {
    vec![earshot_ingest::bluesky_car::fixture::sample()]
}

/// Statuses shaped as docs.joinmastodon.org/entities/Status (`uri`, `created_at`, `content`,
/// `in_reply_to_id`/`in_reply_to_account_id`, `mentions` of `{id, username, url, acct}`, `reblog`,
/// and the author's Account entity: `acct`, `url`, `note`, counts); as a JSON array and as JSON
/// lines, values made up.
pub fn mastodon_api() -> Vec<Vec<u8>> {
    const ACCOUNT: &str = r#"{"id":"1","username":"a","acct":"a","display_name":"A","created_at":"2020-01-02T00:00:00.000Z","note":"<p>bio</p>","url":"https://s.example/@a","followers_count":3,"following_count":-1,"statuses_count":2}"#;
    let reply = format!(
        r#"{{"id":"11","created_at":"2023-05-01T10:00:00.000Z","in_reply_to_id":"10","in_reply_to_account_id":"2","uri":"https://s.example/users/a/statuses/11","url":"https://s.example/@a/11","content":"<p>@b hi &amp; bye</p>","reblog":null,"account":{ACCOUNT},"mentions":[{{"id":"2","username":"b","url":"https://s.example/@b","acct":"b"}},{{"id":"3","username":"c","url":"https://o.example/@c","acct":"c@o.example"}}]}}"#
    );
    let boost = format!(
        r#"{{"id":"12","created_at":"2023-05-02T10:00:00.000Z","in_reply_to_id":null,"in_reply_to_account_id":null,"uri":"https://s.example/users/a/statuses/12/activity","content":"","account":{ACCOUNT},"mentions":[],"reblog":{{"id":"13","created_at":"2023-05-01T09:00:00.000Z","uri":"https://o.example/users/c/statuses/13","content":"<p>original</p>","account":{{"id":"3","username":"c","acct":"c@o.example","url":"https://o.example/@c","created_at":"2021-01-01T00:00:00.000Z"}},"mentions":[]}}}}"#
    );
    vec![
        format!("[\n{reply},\n{boost}\n]\n").into_bytes(),
        format!("{reply}\n{boost}\n").into_bytes(),
    ]
}

/// X API v2 pages shaped as developer.x.com's data dictionary shows them (the Tweet object's `id`,
/// `text`, `author_id`, `created_at`, `in_reply_to_user_id`, `referenced_tweets`,
/// `entities.mentions`; the User object's `public_metrics`; "Expansions": `includes.users` and
/// `includes.tweets`): one pretty-printed page, and pages one a line. Ids and texts made up.
pub fn x_api() -> Vec<Vec<u8>> {
    vec![
        br#"{
  "data": [
    {"id": "101", "text": "@u2 yes @u3", "author_id": "1", "created_at": "2023-01-01T00:00:00.000Z",
     "in_reply_to_user_id": "2", "referenced_tweets": [{"type": "replied_to", "id": "90"}],
     "entities": {"mentions": [{"start": 0, "end": 3, "username": "u2", "id": "2"}, {"start": 8, "end": 11, "username": "u3", "id": "3"}]}},
    {"id": "102", "text": "RT @u2: first", "author_id": "1", "created_at": "2023-01-01T01:00:00.000Z",
     "referenced_tweets": [{"type": "retweeted", "id": "90"}]}
  ],
  "includes": {
    "users": [{"id": "1", "username": "u1", "name": "U One", "created_at": "2012-03-04T05:06:07.000Z",
               "public_metrics": {"followers_count": 4, "following_count": 5, "tweet_count": 6, "listed_count": 0}},
              {"id": "2", "username": "u2"}],
    "tweets": [{"id": "90", "text": "first", "author_id": "2", "created_at": "2022-12-31T00:00:00.000Z"}]
  },
  "meta": {"result_count": 2, "newest_id": "102", "oldest_id": "101"}
}
"#.to_vec(),
        br#"{"data":[{"id":"103","text":"look","author_id":"2","created_at":"2023-01-02T00:00:00Z","referenced_tweets":[{"type":"quoted","id":"101"}]}],"includes":{"users":[{"id":"2","username":"u2","verified":true}]},"meta":{"result_count":1}}
{"data":[{"id":"4","username":"u4","name":"U Four","description":"hi","protected":false}],"meta":{"result_count":1,"next_token":"x"}}
"#.to_vec(),
    ]
}

/// The files of an unpacked Mastodon archive folder (earshot-ingest's mastodon_archive.rs, after
/// mastodon/mastodon `app/services/backup_service.rb` and `app/models/export.rb`), each with valid
/// contents; values made up. The `mastodon-archive` target writes them all but the one its input's
/// first byte picks.
pub const MASTODON_ARCHIVE: &[(&str, &[u8])] = &[
    // The owner as `ActivityPub::ActorSerializer` writes it: id, preferredUsername, name, summary
    // HTML, url, published, and `PropertyValue` profile fields.
    (
        "actor.json",
        br#"{"id":"https://s.example/users/a","type":"Person","preferredUsername":"a","name":"A","summary":"<p>bio</p>","url":"https://s.example/@a","published":"2022-11-05T00:00:00Z","outbox":"outbox.json","attachment":[{"type":"PropertyValue","name":"Site","value":"<a href=\"https://a.example/\" rel=\"nofollow noopener noreferrer me\">a.example</a>"}]}"#,
    ),
    ("outbox.json", MASTODON_OUTBOX),
    // `dump_likes!`: an OrderedCollection of bare status URIs, one of a server whose URIs do not name
    // their author.
    (
        "likes.json",
        br#"{"id":"likes.json","type":"OrderedCollection","totalItems":2,"orderedItems":["https://o.example/users/b/statuses/9","https://p.example/objects/1f2e"]}"#,
    ),
    // `to_following_accounts_csv`.
    (
        "following_accounts.csv",
        b"Account address,Show boosts,Notify on new posts,Languages\r\nb@o.example,true,false,\r\nc@p.example,false,false,\"en, de\"\r\n",
    ),
];

/// The `data/` files of an unzipped X archive (earshot-ingest's x_archive.rs: `window.YTD.<name>.part0
/// = [ … ]` as the archive's README.txt and timhutton/twitter-archive-parser read them; tweets with
/// the v1.1 Tweet object's fields, developer.x.com "Tweet object"), each with valid contents; ids and
/// texts made up. The `x-archive` target writes them all but the one its input's first byte picks.
pub const X_ARCHIVE: &[(&str, &[u8])] = &[
    (
        "data/account.js",
        br#"window.YTD.account.part0 = [
  {"account": {"username": "owner", "accountId": "100", "createdAt": "2010-01-02T03:04:05.000Z", "accountDisplayName": "Owner"}}
]"#,
    ),
    (
        "data/tweets.js",
        br#"window.YTD.tweets.part0 = [
  {"tweet": {"id_str": "201", "created_at": "Wed Oct 10 20:19:24 +0000 2018", "full_text": "@u2 hi",
    "in_reply_to_status_id_str": "300", "in_reply_to_user_id_str": "2", "in_reply_to_screen_name": "u2",
    "entities": {"user_mentions": [{"screen_name": "u2", "id_str": "2"}, {"screen_name": "u3", "id_str": "-1"}]}}},
  {"tweet": {"id_str": "202", "created_at": "Thu Oct 11 08:00:00 +0000 2018", "full_text": "RT @u4: words",
    "entities": {"user_mentions": [{"screen_name": "u4", "id_str": "4"}]}}}
]"#,
    ),
    (
        "data/like.js",
        br#"window.YTD.like.part0 = [
  {"like": {"tweetId": "500", "fullText": "nice", "expandedUrl": "https://twitter.com/i/web/status/500"}}
]"#,
    ),
    (
        "data/follower.js",
        br#"window.YTD.follower.part0 = [
  {"follower": {"accountId": "5", "userLink": "https://twitter.com/intent/user?user_id=5"}}
]"#,
    ),
    (
        "data/following.js",
        br#"window.YTD.following.part0 = [
  {"following": {"accountId": "6", "userLink": "https://twitter.com/intent/user?user_id=6"}}
]"#,
    ),
    (
        "data/profile.js",
        br#"window.YTD.profile.part0 = [
  {"profile": {"description": {"bio": "birds", "website": "https://t.co/x", "location": "here"}}}
]"#,
    ),
];

/// One seed per file of a folder target: the file's index (the choice byte), then its contents.
fn folder_seeds(files: &[(&str, &[u8])]) -> Vec<Vec<u8>> {
    (0u8..)
        .zip(files)
        .map(|(i, (_, contents))| {
            let mut seed = vec![i];
            seed.extend_from_slice(contents);
            seed
        })
        .collect()
}

pub fn mastodon_archive() -> Vec<Vec<u8>> {
    folder_seeds(MASTODON_ARCHIVE)
}

pub fn x_archive() -> Vec<Vec<u8>> {
    folder_seeds(X_ARCHIVE)
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
