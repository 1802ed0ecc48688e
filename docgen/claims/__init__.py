"""Claims stage: what a spreadsheet says about totals, ranks and bands, checked by compute.

Sits above compute (it needs the computed figures) and below the interfaces that print its
warnings. See :mod:`docgen.claims.check`.
"""

from docgen.claims.check import Disagreement, check_claims

__all__ = ["Disagreement", "check_claims"]
