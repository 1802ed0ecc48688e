"""The computed summary of each block, as ``docgen check`` prints it and a preview shows it.

One place for the text, so that the command line and the service's preview say the same
thing about the same dossier.
"""

from __future__ import annotations

from typing import Any

from docgen.compute.results import RoundResult
from docgen.formatting.numbers import format_number, format_percent, format_ratio
from docgen.model.dossier import Dossier


def block_summaries(dossier: Dossier, result: RoundResult) -> list[dict[str, Any]]:
    """Return, per block, its name, the summary line and one line per band."""
    scheme = dossier.scheme
    blocks = []
    for block in result.blocks:
        score = lambda v: format_number(v, scheme.score_decimals)  # noqa: E731
        line = (f"{block.block.name}: {block.size} đơn vị, điểm trung bình {score(block.average)}, "
                f"cao nhất {score(block.highest[0].total)} "
                f"({', '.join(u.name for u in block.highest)}), "
                f"thấp nhất {score(block.lowest[0].total)} "
                f"({', '.join(u.name for u in block.lowest)}), "
                f"{format_ratio(block.below_average, block.size)} dưới trung bình")
        bands = [f"{scheme.band_term} {band.band.label}: "
                 f"{format_ratio(len(band.units), block.size)} "
                 f"({format_percent(band.share, scheme.share_decimals)})"
                 for band in block.bands]
        blocks.append({"name": block.block.name, "units": block.size, "line": line,
                       "bands": bands})
    return blocks


def check_summary(dossier: Dossier, result: RoundResult) -> str:
    """Return the computed summary of each block, as `docgen check` prints it."""
    lines = [f"Hồ sơ hợp lệ: Chỉ số CCHC năm {dossier.year}, {len(result.blocks)} khối."]
    for block in block_summaries(dossier, result):
        lines.append(block["line"])
        lines += [f"  {band}" for band in block["bands"]]
    return "\n".join(lines)
