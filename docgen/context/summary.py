"""The computed summary of each block, as ``docgen check`` prints it and a preview shows it.

One place for the text, so that the command line and the service's preview say the same
thing about the same dossier: per block its size, average, highest and lowest, the share
below average and each band, and, when the dossier has a previous round, the
year-over-year lines.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from docgen.compute.compare import BlockComparison, RoundComparison
from docgen.compute.results import RoundResult
from docgen.formatting.numbers import format_count, format_percent, format_ratio, format_score
from docgen.model.dossier import Dossier


def block_summaries(dossier: Dossier, result: RoundResult,
                    comparison: RoundComparison | None = None) -> list[dict[str, Any]]:
    """Return, per block, its name, its number of units, the summary line, one line per
    band and the year-over-year lines (empty without a previous round)."""
    blocks = []
    for index, block in enumerate(result.blocks):
        scheme = block.scheme
        score = lambda v, s=scheme: format_score(v, s.score_decimals)  # noqa: E731
        line = (f"{block.block.name}: {format_count(block.size)} đơn vị, điểm trung bình {score(block.average)}, "
                f"cao nhất {score(block.highest[0].total)} "
                f"({', '.join(u.name for u in block.highest)}), "
                f"thấp nhất {score(block.lowest[0].total)} "
                f"({', '.join(u.name for u in block.lowest)}), "
                f"{format_ratio(block.below_average, block.size)} dưới trung bình")
        bands = [f"{scheme.band_term} {band.band.label}: "
                 f"{format_ratio(len(band.units), block.size)} "
                 f"({format_percent(band.share, scheme.share_decimals)})"
                 for band in block.bands]
        pair = comparison.blocks[index] if comparison is not None else None
        previous = (_year_over_year(pair, comparison.previous_year, score)
                    if pair is not None and comparison is not None else [])
        blocks.append({"name": block.block.name, "units": block.size, "line": line,
                       "bands": bands, "previous": previous})
    return blocks


def check_summary(dossier: Dossier, result: RoundResult,
                  comparison: RoundComparison | None = None) -> str:
    """Return the computed summary of each block, as `docgen check` prints it."""
    lines = [f"Hồ sơ hợp lệ: Chỉ số CCHC năm {dossier.year}, {len(result.blocks)} khối."]
    for block in block_summaries(dossier, result, comparison):
        lines.append(block["line"])
        lines += [f"  {band}" for band in block["bands"]]
        lines += [f"  {line}" for line in block["previous"]]
    return "\n".join(lines)


def _year_over_year(pair: BlockComparison, year: int, score: Callable[[Decimal], str]) -> list[str]:
    """The lines comparing one block with last year's."""
    change = pair.average_change
    moved = "bằng" if change == 0 else ("tăng " if change > 0 else "giảm ") + score(abs(change))
    lines = [f"So với năm {year}: điểm trung bình {score(pair.previous.average)} → "
             f"{score(pair.current.average)} ({moved}); {format_count(len(pair.moves))} đơn vị so sánh được: "
             f"{format_count(len(pair.rose))} tăng điểm, {format_count(len(pair.fell))} giảm điểm; {format_count(len(pair.up))} tăng hạng, "
             f"{format_count(len(pair.kept))} giữ hạng, {format_count(len(pair.down))} giảm hạng"]
    if pair.new:
        lines.append(f"Chưa có kết quả năm {year} ({format_count(len(pair.new))}): "
                     + ", ".join(u.name for u in pair.new))
    if pair.removed:
        lines.append(f"Có năm {year}, không có năm nay ({format_count(len(pair.removed))}): "
                     + ", ".join(u.name for u in pair.removed))
    return lines
