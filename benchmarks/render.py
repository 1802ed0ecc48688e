"""Benchmark: render time and peak memory by block size, and against LibreOffice.

    python -m benchmarks.render [--sizes 100,1000,3321] [--repeat 5]

For each size a dossier with one block of that many synthetic communes is rendered; each
(size, format) runs in a fresh process that renders once to warm up, then `--repeat`
times, and reports the median and that process's peak resident memory. The Sơn La 2025
package (3 documents x 2 formats) is timed the same way in a warm process. Where
``soffice`` is installed, it converts our own Phụ lục DOCX to PDF in the same run, so the
ratio compares like with like on this machine.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "son-la-2025.yaml"
SYLLABLES = ("Chiềng Mường Nậm Phiêng Tà Huổi Púng Lóng Suối Bó Tân Yên Mai Sơn Hòa Phúc "
             "Long Xuân Thanh Bình An Hưng Lạc Thuận Đông Tây Nam Bắc Quỳnh Hải").split()


def synthetic_dossier(size: int, seed: int = 3321):
    """Return the Sơn La dossier with one block of `size` synthetic communes."""
    base = load_dossier(FIXTURE)
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


def _worker(size: int, fmt: str, kind: str, repeat: int) -> None:
    dossier = load_dossier(FIXTURE) if size == 0 else synthetic_dossier(size)
    kinds = ("quyet_dinh", "bao_cao", "phu_luc") if kind == "package" else (kind,)
    formats = ("docx", "pdf") if fmt == "both" else (fmt,)
    render_package(dossier, formats=formats, kinds=kinds)  # warm-up: imports, fonts, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        documents = render_package(dossier, formats=formats, kinds=kinds)
        times.append(time.perf_counter() - start)
    out_dir = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    for doc in documents:
        (out_dir / doc.filename).write_bytes(doc.data)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"median": statistics.median(times), "peak_mb": peak_mb,
                      "out": str(out_dir)}))


def _run(size: int, fmt: str, kind: str, repeat: int) -> dict:
    command = [sys.executable, "-m", "benchmarks.render", "--worker", str(size), fmt, kind,
               str(repeat)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _soffice(docx: Path, repeat: int) -> float | None:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if not binary:
        return None
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            subprocess.run([binary, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "pdf", "--outdir", tmp, str(docx)],
                           capture_output=True, check=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3321")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--worker", nargs=4, metavar=("SIZE", "FMT", "KIND", "REPEAT"))
    args = parser.parse_args()
    if args.worker:
        size, fmt, kind, repeat = args.worker
        _worker(int(size), fmt, kind, int(repeat))
        return
    package = _run(0, "both", "package", args.repeat)
    print(f"Sơn La 2025 package (3 documents, DOCX + PDF), warm process: "
          f"median {package['median']:.3f} s, peak RSS {package['peak_mb']:.0f} MB")
    print(f"{'units':>6} {'format':>6} {'median s':>9} {'s/1000 units':>13} {'peak MB':>8} "
          f"{'soffice s':>10} {'ratio':>6}")
    for size in (int(s) for s in args.sizes.split(",")):
        docx_row = _run(size, "docx", "phu_luc", args.repeat)
        print(_line(size, "docx", docx_row), flush=True)
        pdf_row = _run(size, "pdf", "phu_luc", args.repeat)
        line = _line(size, "pdf", pdf_row)
        # soffice converts the Phụ lục the DOCX run above wrote
        office = _soffice(Path(docx_row["out"]) / "phu_luc.docx", min(args.repeat, 3))
        if office is not None:
            line += f" {office:>10.3f} {office / pdf_row['median']:>6.1f}"
        print(line, flush=True)


def _line(size: int, fmt: str, row: dict) -> str:
    return (f"{size:>6} {fmt:>6} {row['median']:>9.3f} {row['median'] / size * 1000:>13.3f} "
            f"{row['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
