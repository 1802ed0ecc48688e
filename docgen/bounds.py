"""Every bound on input, in one place: how much a dossier or a spreadsheet may ask of docgen.

A dossier comes from a clerk's file or from any client of the service; a spreadsheet from
whatever the scoring software or a colleague wrote. What they hold sets the work docgen
does (parsing, validation, layout), so each dimension that could make that work grow
without end is bounded here and checked *before* the work is done: the loader
(:mod:`docgen.model.loader`, :mod:`docgen.model.limits`) and the spreadsheet readers
(:mod:`docgen.ingest.limits`) import these values, and README's "Limits" table lists them
with their messages. The values are generous: a real round (a province's sở and xã, a
report of a few pages) stays far below each of them.

This module sits at the bottom of the layers (beside :mod:`docgen.errors`) so that both
the spreadsheet readers and the model can use it.
"""

from __future__ import annotations

# ---- A dossier (YAML or JSON) -------------------------------------------------------------

#: Largest dossier file, before parsing (a real one is well under 1 MB).
MAX_DOSSIER_BYTES = 20 * 2**20
#: Most values (mappings, lists, texts, numbers) in a dossier once YAML aliases are
#: expanded: a 611-byte file of nested aliases would otherwise expand to 387 million.
MAX_NODES = 200_000
#: Most characters of text in a dossier once aliases are expanded.
MAX_TOTAL_CHARS = 2_000_000
#: Deepest nesting of mappings and lists (a dossier needs 8).
MAX_DEPTH = 40
#: Longest number as written (digits, sign, point, exponent), in YAML or JSON.
MAX_NUMBER_CHARS = 30
#: Most digits before the decimal point of a score or a maximum (scores reach 100).
MAX_SCORE_INTEGER_DIGITS = 6
#: Most decimals of a score or a maximum as written ("0.00000000" has 8).
MAX_SCORE_DECIMALS = 8
#: Largest decision number (số quyết định): the archive's registers stay below it.
MAX_DECISION_NUMBER = 999_999
#: Largest ballot count of the survey.
MAX_BALLOTS = 100_000_000
#: Largest count of lĩnh vực, tiêu chí, tiêu chí thành phần.
MAX_CRITERIA = 10_000
#: Largest archive number (a dossier id; the database's integer column).
MAX_RECORD_ID = 2**31 - 1
#: Largest first row of a sheet (Excel's last row).
MAX_SHEET_ROW = 1_048_576
#: Longest name (unit, block, band, component, lĩnh vực, signer; a mapping key).
MAX_NAME_CHARS = 300
#: Longest other text (a paragraph of the report, a line of the trích yếu).
MAX_TEXT_CHARS = 20_000
#: Most units in one block, and in the whole dossier.
MAX_UNITS_PER_BLOCK = 2_000
MAX_UNITS = 5_000

# ---- A spreadsheet (.xlsx or .csv) -----------------------------------------------------

#: Largest spreadsheet file, as stored on disk.
MAX_SHEET_FILE_BYTES = 20 * 2**20
#: Largest total of the members of an .xlsx once inflated.
MAX_UNPACKED_BYTES = 50 * 2**20
#: Largest inflated/stored ratio of a member above 1 MB (real sheets stay under 20).
MAX_RATIO = 100
#: Most members an .xlsx may have.
MAX_MEMBERS = 1000
#: Most rows and columns of a sheet, .xlsx or CSV (a merged range counts where it ends).
MAX_ROWS = 20_000
MAX_COLUMNS = 200
#: Longest cell of a CSV file (Excel's own limit is 32.767 characters).
MAX_FIELD_CHARS = 32_767

# ---- An agency's template set (DOCX files, or a .zip of them) --------------------------

#: Largest DOCX template of a set (the shipped ones are well under 100 KB), and largest
#: .zip holding a whole set. Once inflated, each is bounded like a spreadsheet
#: (MAX_UNPACKED_BYTES, MAX_RATIO, MAX_MEMBERS).
MAX_TEMPLATE_BYTES = 10 * 2**20
MAX_TEMPLATE_SET_BYTES = 20 * 2**20
