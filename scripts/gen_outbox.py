#!/usr/bin/env python3
"""Write a large Mastodon-shaped `outbox.json` for the import benchmark (BENCHMARKS.md, issue 21).

An ActivityStreams 2.0 OrderedCollection (W3C Activity Streams Core §5.3 "OrderedCollection",
`orderedItems`) of `Create` activities of `Note` objects and `Announce` activities (Activity
Vocabulary §3.2 "Activity Types", §3.3 "Object Types"), with the properties Mastodon's export sets:
`id`, `actor`, `published`, `object`, `inReplyTo`, `content` (HTML) and `tag` with `Mention` links
(§4 "Properties"). Actors are Mastodon URIs `https://INSTANCE/users/USER`.

The mix: 80% Create (a third replying to an earlier note, one in five mentioning an account), 20%
Announce of an earlier note; authors drawn with a skew (a few accounts post much). Deterministic for a
seed. Usage:

    python3 scripts/gen_outbox.py OUT.json [ITEMS=500000] [ACCOUNTS=20000] [SEED=1]
"""

import json
import random
import sys


def main():
    out = sys.argv[1]
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    accounts = int(sys.argv[3]) if len(sys.argv) > 3 else 20_000
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    rng = random.Random(seed)
    instances = [f"i{k}.example" for k in range(50)]
    actors = [f"https://{instances[a % 50]}/users/u{a}" for a in range(accounts)]
    words = ("news music art code cats rust garden coffee travel books film science "
             "football climate photo maths poetry design city night").split()
    notes = []
    t0 = 1_680_000_000
    with open(out, "w", encoding="utf-8") as f:
        f.write('{"@context":"https://www.w3.org/ns/activitystreams","type":"OrderedCollection",')
        f.write(f'"totalItems":{items},"orderedItems":[\n')
        for n in range(items):
            a = min(int(rng.paretovariate(1.2)) - 1, accounts - 1)
            a = (a * 7919 + rng.randrange(accounts) * (rng.random() < 0.5)) % accounts
            actor = actors[a]
            t = t0 + n * 3 + rng.randrange(3)
            published = _iso(t)
            if notes and rng.random() < 0.2:
                item = {
                    "id": f"{actor}/statuses/{n}/activity",
                    "type": "Announce",
                    "actor": actor,
                    "published": published,
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "object": notes[rng.randrange(len(notes))],
                }
            else:
                note_id = f"{actor}/statuses/{n}"
                text = " ".join(rng.choice(words) for _ in range(rng.randrange(6, 30)))
                obj = {
                    "id": note_id,
                    "type": "Note",
                    "published": published,
                    "attributedTo": actor,
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "content": f"<p>{text}</p>",
                    "tag": [],
                }
                if notes and rng.random() < 0.33:
                    obj["inReplyTo"] = notes[rng.randrange(len(notes))]
                if rng.random() < 0.2:
                    m = rng.randrange(accounts)
                    inst = instances[m % 50]
                    obj["tag"].append({"type": "Mention", "href": actors[m], "name": f"@u{m}@{inst}"})
                    obj["content"] = f'<p><span class="h-card"><a href="{actors[m]}">@u{m}</a></span> {text}</p>'
                notes.append(note_id)
                item = {
                    "id": f"{note_id}/activity",
                    "type": "Create",
                    "actor": actor,
                    "published": published,
                    "object": obj,
                }
            f.write(json.dumps(item, separators=(",", ":")))
            f.write(",\n" if n + 1 < items else "\n")
        f.write("]}\n")


def _iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    main()
