#!/usr/bin/env python3
"""Draw the sample behind `crates/earshot-text/tests/question_labels.csv` (issue 5, questions).

300 airline tweets: `random.Random(5).sample` over the sorted unique `tweet_id`s of
`tweet-text/airline_sentiment_tweets_6col.csv` (a few ids occur twice, always with the same text;
each id is drawn at most once). 100 TweetEval tweets: `random.Random(5).sample` over the 1-based line
numbers of `datasets/sentiment/test_text.txt` in `tweet-text/tweeteval_datasets.tar.gz`.

Prints `source<TAB>id<TAB>text` for labelling. The output holds tweet text, which the data's licence
forbids copying into the repository: write it outside the repository.

    python3 scripts/sample_question_set.py ../shared/data/tweet-text > /tmp/question_sample.tsv
"""
import csv
import random
import sys
import tarfile
from pathlib import Path

AIRLINE_N = 300
TWEETEVAL_N = 100
SEED = 5


def airline(path):
    texts = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.setdefault(int(row["tweet_id"]), row["text"])
    ids = random.Random(SEED).sample(sorted(texts), AIRLINE_N)
    return [("airline", str(i), texts[i]) for i in ids]


def tweeteval(path):
    with tarfile.open(path, "r:gz") as tar:
        f = tar.extractfile("datasets/sentiment/test_text.txt")
        lines = f.read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    nums = random.Random(SEED).sample(range(1, len(lines) + 1), TWEETEVAL_N)
    return [("tweeteval-sentiment-test", str(n), lines[n - 1]) for n in nums]


def main():
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/tweet-text")
    rows = airline(data / "airline_sentiment_tweets_6col.csv") + tweeteval(
        data / "tweeteval_datasets.tar.gz"
    )
    for source, ident, text in rows:
        one_line = " ".join(text.split())
        print(f"{source}\t{ident}\t{one_line}")


if __name__ == "__main__":
    main()
