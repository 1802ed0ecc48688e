"""Benchmark: an older revision of docgen against the current code, in one run.

    python -m benchmarks.old_new [--old af74b7a^] [--rounds 3] [--sizes 1000,3321]

The older revision is checked out in a temporary git worktree and run with this virtual
environment (its dependencies must be a subset of today's). Each measurement is a child
process that imports docgen from one tree only; the trees alternate (old/new, new/old,
...) so that a drift of the machine's speed falls on both. Printed: the medians and each
sample, per tree, and new/old.

* **Sơn La 2025 package, in one process**, as ``benchmarks.render`` measures it: one
  untimed render, the *first* renders of 3 variants the process never saw (median), then
  3 *re-renders* of the last (median); the child's peak memory.
* **Phụ lục PDF** of one synthetic block per size: one warm-up, one timed render, the
  page count and the child's peak memory.

The dossiers are those of :mod:`benchmarks.render` (this tree's file, loaded by path),
built from each tree's own fixture with that tree's loader; the child calls only
``render_package(dossier, formats=..., kinds=...)``, which both trees have.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r'''
import importlib.util, io, json, resource, statistics, sys, time
from pathlib import Path
tree, kind, size, bench = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, tree)
from docgen.pipeline import render_package
# the dossiers of benchmarks/render.py (this tree's file), from the tree's own fixture
spec = importlib.util.spec_from_file_location("docgen_bench_render", bench)
dossiers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dossiers)
fixture = Path(tree) / "fixtures" / "son-la-2025.yaml"

def timed(call):
    start = time.perf_counter()
    out = call()
    return time.perf_counter() - start, out

result = {}
if kind == "package":
    variants = [dossiers.package_variant(i, fixture) for i in range(4)]
    render_package(variants[0])
    result["first"] = statistics.median(timed(lambda: render_package(d))[0]
                                        for d in variants[1:])
    result["again"] = statistics.median(timed(lambda: render_package(variants[-1]))[0]
                                        for _ in range(3))
else:
    dossier = dossiers.synthetic_dossier(size, fixture=fixture)
    render_package(dossier, formats=["pdf"], kinds=["phu_luc"])
    result["time"], (document,) = timed(
        lambda: render_package(dossier, formats=["pdf"], kinds=["phu_luc"]))
    from pypdf import PdfReader
    result["pages"] = len(PdfReader(io.BytesIO(document.data)).pages)
result["mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
'''


def _child(tree: Path, kind: str, size: int) -> dict:
    run = subprocess.run([sys.executable, "-c", CHILD, str(tree), kind, str(size),
                          str(ROOT / "benchmarks" / "render.py")],
                         capture_output=True, text=True, cwd=tree,
                         env={**os.environ, "PYTHONPATH": str(tree)})
    if run.returncode:
        sys.exit(f"{tree} ({kind} {size}) failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _compare(trees: dict[str, Path], kind: str, size: int, rounds: int,
             figures: tuple[str, ...]) -> None:
    samples: dict[str, list[dict]] = {name: [] for name in trees}
    order = list(trees)
    for index in range(rounds):
        for name in order if index % 2 == 0 else order[::-1]:
            samples[name].append(_child(trees[name], kind, size))
    label = "Sơn La package" if kind == "package" else f"Phụ lục PDF, {size} units"
    print(f"\n{label} (load {os.getloadavg()[0]:.2f})")
    medians = {}
    for name in order:
        runs = samples[name]
        parts = []
        for figure in figures:
            values = [run[figure] for run in runs]
            medians[(name, figure)] = statistics.median(values)
            parts.append(f"{figure} {medians[(name, figure)]:.2f} s "
                         f"({' / '.join(f'{v:.2f}' for v in values)})")
        extra = f", {runs[0]['pages']} pages" if "pages" in runs[0] else ""
        print(f"  {name:<4} " + "; ".join(parts)
              + f"{extra}, {statistics.median(r['mb'] for r in runs):.0f} MB")
    print("  new/old " + "; ".join(
        f"{figure} {medians[('new', figure)] / medians[('old', figure)]:.2f}"
        for figure in figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default="af74b7a^", help="the older revision")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="1000,3321")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-old-") as folder:
        old = Path(folder) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                        str(old), args.old], check=True)
        try:
            trees = {"old": old, "new": ROOT}
            print(f"old = {args.old}, new = the working tree; {args.rounds} rounds, "
                  "alternated; medians (samples)")
            _compare(trees, "package", 0, args.rounds, ("first", "again"))
            for size in (int(s) for s in args.sizes.split(",") if s):
                _compare(trees, "phu_luc", size, args.rounds, ("time",))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(old)], check=False)


if __name__ == "__main__":
    main()
