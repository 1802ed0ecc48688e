"""Benchmark: docgen against its peers, by block size, and the Sơn La package.

    python -m benchmarks.render [--sizes 100,1000,3321] [--repeat 3] [--quick]
    make bench                     # the same, with the defaults

Everything is measured in child processes, one per measurement, so each reports its own
peak resident memory (``ru_maxrss`` of the child, as ``wait4`` returns it: the largest of
the child and the children it waited for).

* **Sơn La 2025 package** (3 documents x DOCX + PDF, 90 units, 4 charts), in one process
  and on a :class:`~docgen.render.pool.RenderPool` of 2 workers: the import time or the
  pool's start, a *first* render (data this process never saw: charts drawn, nothing
  cached) and a *re-render* (the same data again), each the median of `--repeat` runs.
* **Per size** (one block of that many synthetic communes): docgen's Phụ lục DOCX and PDF
  (one warm-up render, then `--repeat` timed), LibreOffice converting that very Phụ lục
  DOCX to PDF (``soffice --headless --convert-to pdf``, a fresh LibreOffice each time, as
  a converter service started per request does), and a naive WeasyPrint render of the
  same table (a plain HTML table in the same font, WeasyPrint's defaults, warm process).
* **Pool throughput**: packages per minute with 1 and 2 client threads on 1 and 2 workers.

* **Soak** (``--soak N``, instead of the above): N re-renders of the Sơn La package on a
  pool of 2 workers, printing each worker's resident memory (``VmRSS``) and peak
  (``VmHWM``) after the first render and then every N/4 renders: whether a long-running
  worker's memory stays flat.

``--quick`` runs one repetition on 100 and 1.000 units only (a smoke run, not figures to
quote). Ratios are "peer time / docgen time": above 1, docgen is faster.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "son-la-2025.yaml"
SYLLABLES = ("Chiềng Mường Nậm Phiêng Tà Huổi Púng Lóng Suối Bó Tân Yên Mai Sơn Hòa Phúc "
             "Long Xuân Thanh Bình An Hưng Lạc Thuận Đông Tây Nam Bắc Quỳnh Hải").split()


# --- Dossiers ----------------------------------------------------------------------------


def synthetic_dossier(size: int, seed: int = 3321, fixture: Path = FIXTURE):
    """Return the Sơn La dossier (`fixture`) with one block of `size` synthetic communes."""
    from docgen.model.loader import load_dossier

    base = load_dossier(fixture)
    rng = random.Random(seed)
    units, names = [], set()
    while len(units) < size:
        name = f"Xã {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {len(units) + 1}"
        if name in names:
            continue
        names.add(name)
        appraisal = Decimal(rng.randint(3500, 7000)) / 100
        survey = Decimal(rng.randint(1500, 3000)) / 100
        units.append({"name": name, "scores": {"tham_dinh": appraisal, "xhh": survey}})
    block = base.blocks[1].model_dump(exclude={"units"})
    block["units"] = units
    data = base.model_dump()
    data["blocks"] = [block]
    return type(base).model_validate(data)


def package_variant(index: int, fixture: Path = FIXTURE):
    """Return the Sơn La 2025 dossier (`fixture`) with every unit's survey score moved by
    `index` hundredths (index 0: the fixture as it is), so each variant's charts are new
    data."""
    from docgen.model.loader import load_dossier

    base = load_dossier(fixture)
    if index == 0:
        return base
    data = base.model_dump()
    for block in data["blocks"]:
        for unit in block["units"]:
            survey = Decimal(str(unit["scores"]["xhh"]))
            unit["scores"]["xhh"] = str(max(Decimal(0), survey - Decimal(index) / 100))
    return type(base).model_validate(data)


# --- Child processes (``--child KIND ...``) ---------------------------------------------


def _child_phu_luc(size: int, fmt: str, repeat: int) -> dict:
    from docgen.pipeline import render_package

    dossier = synthetic_dossier(size)
    render_package(dossier, formats=[fmt], kinds=["phu_luc"])  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        (document,) = render_package(dossier, formats=[fmt], kinds=["phu_luc"])
        times.append(time.perf_counter() - start)
    out = Path(tempfile.mkdtemp(prefix="docgen-bench-")) / document.filename
    out.write_bytes(document.data)
    return {"median": statistics.median(times), "out": str(out),
            "pages": _pages(document.data) if fmt == "pdf" else None}


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


NAIVE_CSS = """
@font-face {{ font-family: "Bench Serif"; src: url("{regular}"); }}
@font-face {{ font-family: "Bench Serif"; src: url("{bold}"); font-weight: bold; }}
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm;
        @top-center {{ content: counter(page); font: 14pt "Bench Serif"; }} }}
html {{ font: 12pt "Bench Serif"; }}
table {{ width: 100%; border-collapse: collapse; }}
th, td {{ border: 0.5pt solid black; padding: 2pt 4pt; }}
td.num {{ text-align: right; }}
"""


def _naive_html(size: int) -> str:
    """The Phụ lục's table of `size` units as the plainest HTML WeasyPrint reads."""
    from html import escape

    from docgen.compute.results import compute_round
    from docgen.context.builder import build_context

    dossier = synthetic_dossier(size)
    block = build_context(dossier, compute_round(dossier), draft=True)["blocks"][0]
    fonts = ROOT / "docgen" / "render" / "fonts"
    css = NAIVE_CSS.format(regular=(fonts / "LiberationSerif-Regular.ttf").as_uri(),
                           bold=(fonts / "LiberationSerif-Bold.ttf").as_uri())
    head = "".join(f"<th>{escape(h)}</th>" for h in
                   ["STT", "Tên đơn vị", *block["component_names"], "Tổng điểm",
                    "Xếp hạng", "Xếp loại"])
    rows = "".join(
        f"<tr><td>{u['index']}</td><td>{escape(u['name'])}</td>"
        + "".join(f'<td class="num">{v}</td>' for v in u["components"])
        + f"<td class=\"num\">{u['total']}</td><td>{u['rank']}</td><td>{u['band']}</td></tr>"
        for u in block["units"])
    return (f"<html><head><style>{css}</style></head><body><h1>Phụ lục</h1>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></body></html>")


def _child_naive(size: int, repeat: int) -> dict:
    import weasyprint

    html = _naive_html(size)
    weasyprint.HTML(string=html).write_pdf()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pdf = weasyprint.HTML(string=html).write_pdf()
        times.append(time.perf_counter() - start)
    return {"median": statistics.median(times), "pages": _pages(pdf)}


def _child_package(mode: str, repeat: int) -> dict:
    """First renders of `repeat` new variants, then `repeat` re-renders of the last."""
    start = time.perf_counter()
    from docgen.pipeline import render_package
    from docgen.render import charts, docx, pdf  # noqa: F401 (the imports being timed)
    from docgen.render.pool import RenderPool

    dossiers = [package_variant(i) for i in range(repeat + 1)]
    setup_label = "imports"
    pool = None
    if mode == "pool":
        start = time.perf_counter()
        pool = RenderPool(2)
        setup_label = "pool start"
    setup = time.perf_counter() - start
    # variant 0 once, untimed: what a process pays on its very first documents
    render_package(dossiers[0], pool=pool)
    first, again = [], []
    for dossier in dossiers[1:]:
        start = time.perf_counter()
        render_package(dossier, pool=pool)
        first.append(time.perf_counter() - start)
    for _ in range(repeat):
        start = time.perf_counter()
        render_package(dossiers[-1], pool=pool)
        again.append(time.perf_counter() - start)
    worker_mb = None
    if pool is not None:
        worker_mb = max(_peak_mb_of(pid) for pid in pool.pids())
        pool.close()
    return {"setup": setup, "setup_label": setup_label, "first": statistics.median(first),
            "again": statistics.median(again), "worker_mb": worker_mb}


def _child_throughput(workers: int, clients: int, repeat: int) -> dict:
    from docgen.pipeline import render_package
    from docgen.render.pool import RenderPool

    dossier = package_variant(0)
    with RenderPool(workers) as pool:
        render_package(dossier, pool=pool)  # charts drawn, workers warm

        def client() -> None:
            for _ in range(repeat):
                render_package(dossier, pool=pool)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    return {"per_minute": clients * repeat * 60 / elapsed}


def _peak_mb_of(pid: int, field: str = "VmHWM") -> float:
    """Peak (VmHWM) or current (VmRSS) resident memory of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _child_soak(renders: int) -> dict:
    """`renders` re-renders of the package on 2 workers; the workers' memory on the way."""
    from docgen.pipeline import render_package
    from docgen.render.pool import RenderPool

    dossier = package_variant(0)
    marks = sorted({1, *range(max(renders // 4, 1), renders + 1, max(renders // 4, 1)),
                    renders})
    rows = []
    with RenderPool(2) as pool:
        start = time.perf_counter()
        for done in range(1, renders + 1):
            render_package(dossier, pool=pool)
            if done in marks:
                rows.append({"renders": done, "seconds": time.perf_counter() - start,
                             "rss": [_peak_mb_of(pid, "VmRSS") for pid in pool.pids()],
                             "peak": [_peak_mb_of(pid) for pid in pool.pids()],
                             "caller_rss": _peak_mb_of(os.getpid(), "VmRSS")})
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)  # a long run's trace
    return {"rows": rows}


CHILDREN = {"phu_luc": lambda a: _child_phu_luc(int(a[0]), a[1], int(a[2])),
            "naive": lambda a: _child_naive(int(a[0]), int(a[1])),
            "package": lambda a: _child_package(a[0], int(a[1])),
            "throughput": lambda a: _child_throughput(int(a[0]), int(a[1]), int(a[2])),
            "soak": lambda a: _child_soak(int(a[0]))}


# --- The parent: runs the children, prints the table -------------------------------------


def _measure(command: list[str]) -> tuple[float, float, str]:
    """Run `command`; return its wall time, its peak RSS in MB and its standard output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{err.read().decode()[-2000:]}")
        return elapsed, usage.ru_maxrss / 1024, out.read().decode()


def _child(kind: str, *args: object) -> dict:
    _, peak, out = _measure([sys.executable, "-m", "benchmarks.render", "--child", kind,
                             *map(str, args)])
    row = json.loads(out.strip().splitlines()[-1])
    row["peak_mb"] = peak
    return row


def _soffice(docx: Path, repeat: int) -> dict | None:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if not binary:
        return None
    times, peaks = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            elapsed, peak, _ = _measure([
                binary, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                "--convert-to", "pdf", "--outdir", tmp, str(docx)])
            if not (Path(tmp) / (docx.stem + ".pdf")).is_file():
                raise RuntimeError(f"soffice wrote no PDF for {docx}")
            times.append(elapsed)
            peaks.append(peak)
    return {"median": statistics.median(times), "peak_mb": max(peaks)}


def _s(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _soak(renders: int) -> None:
    print(f"Soak: {renders} Sơn La re-renders on a pool of 2 workers; MB (current/peak); "
          f"load {os.getloadavg()[0]:.2f}", flush=True)
    row = _child("soak", renders)
    print(f"{'renders':>7} {'s':>7} {'worker 1':>13} {'worker 2':>13} {'caller':>7}")
    for mark in row["rows"]:
        workers = [f"{now:.0f}/{peak:.0f}" for now, peak in zip(mark["rss"], mark["peak"])]
        print(f"{mark['renders']:>7} {_s(mark['seconds']):>7} "
              + " ".join(f"{w:>13}" for w in workers) + f" {mark['caller_rss']:>7.0f}")
    print(f"load at the end: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3321")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="one repetition, 100 and 1.000 units: a smoke run")
    parser.add_argument("--soak", type=int, metavar="N",
                        help="only: N package re-renders on a 2-worker pool, memory on the way")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](args.child[1:])))
        return
    if args.soak:
        _soak(args.soak)
        return
    repeat, sizes = args.repeat, [int(s) for s in args.sizes.split(",")]
    if args.quick:
        repeat, sizes = 1, [s for s in sizes if s <= 1000] or sizes[:1]
    print(f"docgen benchmark: medians of {repeat} run(s), seconds; peak RSS per process, MB; "
          f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}", flush=True)

    print("\nSơn La 2025 package (3 documents x DOCX + PDF, 90 units, 4 charts)")
    print(f"{'':<11} {'set-up (what)':>23} {'first':>7} {'re-render':>10} {'peak MB':>11}")
    for mode in ("in-process", "pool"):
        row = _child("package", mode, repeat)
        memory = (f"{row['peak_mb']:.0f}" if row["worker_mb"] is None
                  else f"{row['worker_mb']:.0f}/worker")
        print(f"{mode:<11} {_s(row['setup']):>6} {'(' + row['setup_label'] + ')':<16} "
              f"{_s(row['first']):>7} {_s(row['again']):>10} {memory:>11}", flush=True)

    print("\nPhụ lục by size: docgen, LibreOffice converting docgen's DOCX, naive WeasyPrint")
    print(f"{'units':>6} {'pages':>5} {'docx s':>7} {'pdf s':>7} {'MB':>5} | {'soffice s':>9} "
          f"{'MB':>5} {'ratio':>6} | {'naive s':>7} {'MB':>5} {'ratio':>6}")
    for size in sizes:
        docx_row = _child("phu_luc", size, "docx", repeat)
        pdf_row = _child("phu_luc", size, "pdf", repeat)
        office = _soffice(Path(docx_row["out"]), repeat)
        naive = _child("naive", size, repeat)
        line = (f"{size:>6} {pdf_row['pages']:>5} {_s(docx_row['median']):>7} "
                f"{_s(pdf_row['median']):>7} {pdf_row['peak_mb']:>5.0f} |")
        if office is None:
            line += f" {'(no soffice)':>22} |"
        else:
            line += (f" {_s(office['median']):>9} {office['peak_mb']:>5.0f} "
                     f"{_s(office['median'] / pdf_row['median']):>6} |")
        line += (f" {_s(naive['median']):>7} {naive['peak_mb']:>5.0f} "
                 f"{_s(naive['median'] / pdf_row['median']):>6}")
        print(line, flush=True)

    print("\nPool throughput, Sơn La packages per minute (re-renders)")
    print(f"{'workers':>7} {'1 client':>9} {'2 clients':>10} {'2 vs 1':>7}")
    for workers in (1, 2):
        one = _child("throughput", workers, 1, repeat)["per_minute"]
        two = _child("throughput", workers, 2, repeat)["per_minute"]
        print(f"{workers:>7} {one:>9.0f} {two:>10.0f} {_s(two / one):>7}", flush=True)
    print(f"\nload at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
