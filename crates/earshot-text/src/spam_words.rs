//! The word lists of [`crate::commercial_spam`] (see `spam.rs` for how they combine): plain
//! `match`es on normalised words, so the whole lexicon reads in a minute.

/// Goods that only a seller talks about buying.
pub(crate) fn is_strong_goods(w: &str) -> bool {
    matches!(
        w,
        "followers"
            | "follower"
            | "folowers"
            | "followerz"
            | "subscribers"
            | "subs"
            | "retweets"
            | "rts"
            | "igfollowers"
            | "buyfollowers"
            | "followersforsale"
    )
}

/// Goods that are also ordinary words.
pub(crate) fn is_weak_goods(w: &str) -> bool {
    matches!(
        w,
        "likes"
            | "likez"
            | "views"
            | "viewz"
            | "plays"
            | "streams"
            | "comments"
            | "impressions"
            | "engagement"
            | "engagements"
            | "buylikes"
            | "buyviews"
    )
}

pub(crate) fn is_review_goods(w: &str) -> bool {
    matches!(
        w,
        "reviews" | "review" | "ratings" | "reveiws" | "buyreviews"
    )
}

pub(crate) fn is_sell(w: &str) -> bool {
    matches!(
        w,
        "buy"
            | "buying"
            | "sell"
            | "selling"
            | "sale"
            | "sales"
            | "forsale"
            | "purchase"
            | "order"
            | "cheap"
            | "cheapest"
            | "price"
            | "prices"
            | "pricing"
            | "package"
            | "packages"
            | "deal"
            | "deals"
            | "discount"
            | "offer"
            | "affordable"
            | "buyfollowers"
            | "buylikes"
            | "buyviews"
            | "buyreviews"
            | "followersforsale"
    )
}

pub(crate) fn is_boost(w: &str) -> bool {
    is_boost_verb(w) || matches!(w, "get" | "gain" | "skyrocket" | "grow")
}

pub(crate) fn is_boost_verb(w: &str) -> bool {
    matches!(
        w,
        "boost" | "grow" | "increase" | "promote" | "skyrocket" | "gain"
    )
}

pub(crate) fn is_price_word(w: &str) -> bool {
    matches!(
        w,
        "usd" | "dollars" | "bucks" | "paypal" | "cashapp" | "venmo" | "btc" | "usdt"
    )
}

pub(crate) fn is_quality(w: &str) -> bool {
    matches!(
        w,
        "real"
            | "active"
            | "instant"
            | "instantly"
            | "organic"
            | "guaranteed"
            | "nondrop"
            | "hq"
            | "targeted"
            | "legit"
            | "permanent"
            | "authentic"
            | "quality"
            | "fast"
            | "genuine"
            | "safe"
    )
}

pub(crate) fn is_platform(w: &str) -> bool {
    matches!(
        w,
        "instagram"
            | "ig"
            | "insta"
            | "youtube"
            | "yt"
            | "tiktok"
            | "twitter"
            | "spotify"
            | "soundcloud"
            | "facebook"
            | "fb"
            | "twitch"
            | "google"
            | "amazon"
            | "trustpilot"
            | "yelp"
    )
}

pub(crate) fn is_contact(w: &str) -> bool {
    matches!(
        w,
        "dm" | "pm" | "inbox" | "whatsapp" | "telegram" | "hmu" | "wa" | "kik"
    )
}

pub(crate) fn is_contact_verb(w: &str) -> bool {
    is_contact(w) || matches!(w, "message" | "contact" | "text" | "email")
}

pub(crate) fn is_promo(w: &str) -> bool {
    matches!(
        w,
        "promo"
            | "promos"
            | "promotion"
            | "promotions"
            | "shoutout"
            | "shoutouts"
            | "collab"
            | "ads"
            | "advertising"
            | "sponsorship"
            | "rates"
    )
}

pub(crate) fn is_promo_offer(w: &str) -> bool {
    matches!(
        w,
        "available" | "service" | "services" | "packages" | "forsale"
    )
}

pub(crate) fn is_account(w: &str) -> bool {
    matches!(
        w,
        "account"
            | "page"
            | "profile"
            | "channel"
            | "followers"
            | "likes"
            | "engagement"
            | "reach"
            | "instagram"
            | "ig"
            | "insta"
            | "twitter"
            | "youtube"
            | "tiktok"
            | "brand"
            | "audience"
    )
}
