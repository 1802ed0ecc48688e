"""Print synthetic unit scores consistent with a published ranking (for fixtures only).

Published decisions give the units of each band in rank order and the block average, but
not the unit scores. This makes scores that reproduce exactly those facts: the same bands,
the same order (strictly decreasing totals), and a mean that rounds half-up to the
published average. Components are split appraisal/survey within their maxima.

    python tools/synthesize_scores.py --seed 2025 --average 90.82 \
        --band 90:97 "Sở Xây dựng" ... --band 80:90 ...
"""

from __future__ import annotations

import argparse
import random
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def synthesize(bands: list[tuple[Decimal, Decimal, list[str]]], average: Decimal,
               seed: int) -> list[tuple[str, Decimal]]:
    """Return (name, total) pairs, strictly decreasing, whose mean rounds to `average`."""
    rng = random.Random(seed)
    names = [n for _, _, group in bands for n in group]
    target = average * len(names)
    for _ in range(10_000):
        totals: list[Decimal] = []
        for low, high, group in bands:
            values = sorted({Decimal(rng.randint(int(low * 100), int(high * 100) - 1)) / 100
                             for _ in range(len(group) * 3)}, reverse=True)
            if len(values) < len(group):
                break
            totals += sorted(rng.sample(values, len(group)), reverse=True)
        else:
            # shift the whole list by a common amount so the mean hits the target exactly
            shift = ((target - sum(totals)) / len(totals)).quantize(CENT)
            shifted = [t + shift for t in totals]
            ok = all(low <= t < high for (low, high, group), t in
                     zip([b for b in bands for _ in b[2]], shifted, strict=True))
            mean = (sum(shifted) / len(shifted)).quantize(CENT, rounding=ROUND_HALF_UP)
            if ok and mean == average and len(set(shifted)) == len(shifted):
                return list(zip(names, shifted, strict=True))
    raise SystemExit("no consistent scores found; widen the ranges")


def split(total: Decimal, rng: random.Random) -> tuple[Decimal, Decimal]:
    """Split a total into appraisal (≤ 70) and survey (≤ 30) parts."""
    survey = min(Decimal("29.90"), (total * Decimal("0.3") - Decimal(rng.randint(0, 250)) / 100))
    survey = max(survey, total - 70).quantize(CENT)
    return total - survey, survey


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--average", type=Decimal, required=True)
    parser.add_argument("--band", nargs="+", action="append", required=True,
                        help="LOW:HIGH then the unit names of the band in rank order")
    args = parser.parse_args()
    bands = []
    for spec, *names in args.band:
        low, high = (Decimal(x) for x in spec.split(":"))
        bands.append((low, high, names))
    rng = random.Random(args.seed + 1)
    for name, total in synthesize(bands, args.average, args.seed):
        appraisal, survey = split(total, rng)
        print(f"      - {{tên đơn vị: {name}, điểm thành phần: "
              f"{{tham_dinh: {appraisal}, xhh: {survey}}}}}")


if __name__ == "__main__":
    main()
