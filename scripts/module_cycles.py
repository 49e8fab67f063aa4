"""Import loops between the top-level modules of each crate (issue 16): module A uses module B
(`crate::b`, `super::b` from a file directly under src/, or `b::` after `mod b;` in lib/main) and B uses A.

    python3 scripts/module_cycles.py [CRATE ...]   # every crate under crates/ without names;
                                                   # exit 1 and list them when there is a loop

A module is a file or folder directly under a crate's `src/`; a folder's files count as the module
(`src/plan/planners.rs` is part of `plan`). Test modules (`#[cfg(test)]` to the end of a file) are
left out: tests may reach anywhere. Loops are found as strongly connected components (Tarjan).
"""
import os
import re
import sys


def module_of(src, path):
    rel = os.path.relpath(path, src)
    top = rel.split(os.sep)[0]
    return top[:-3] if top.endswith(".rs") else top


def without_tests(text):
    i = text.find("#[cfg(test)]")
    return text if i < 0 else text[:i]


def crate_graph(src):
    files = []
    for root, _, names in os.walk(src):
        files += [os.path.join(root, n) for n in names if n.endswith(".rs")]
    modules = {module_of(src, f) for f in files} - {"lib", "main"}
    edges = {m: set() for m in modules}
    pattern = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)|\bcrate::\{([^}]*)\}")
    for f in files:
        m = module_of(src, f)
        if m in ("lib", "main"):
            continue
        text = without_tests(open(f, encoding="utf-8").read())
        for a, group in pattern.findall(text):
            names = [a] if a else [g.strip().split("::")[0] for g in group.split(",")]
            for n in names:
                if n in modules and n != m:
                    edges[m].add(n)
    return edges


def cycles(edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    root = "crates"
    wanted = sys.argv[1:] or sorted(os.listdir(root))
    found = False
    for crate in wanted:
        src = os.path.join(root, crate, "src")
        if not os.path.isdir(src):
            continue
        edges = crate_graph(src)
        loops = cycles(edges)
        n_edges = sum(len(v) for v in edges.values())
        if loops:
            found = True
            for comp in loops:
                print(f"{crate}: modules {', '.join(comp)} import each other")
        else:
            print(f"{crate}: {len(edges)} modules, {n_edges} imports between them, no loop")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
