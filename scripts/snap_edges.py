"""SNAP-style edge lists as the reference scripts read them: `src dst [weight]` a line, `#` comments and
blank lines skipped, `.gz` read transparently. Shared by pagerank_reference.py and
communities_reference.py so both read a file exactly as the other does."""
import gzip


def snap_edges(path, weighted=True):
    """Yield (u, v, w) per edge line; w is the third column when `weighted` and present, else 1.0."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split()
            yield parts[0], parts[1], float(parts[2]) if weighted and len(parts) > 2 else 1.0
