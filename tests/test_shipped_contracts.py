"""What ships beside the code stays in step with it: the JSON Schema and the templates' keys."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes
import pytest
from docxtpl import DocxTemplate

from docgen.compute.results import compute_round
from docgen.context.builder import build_context
from docgen.model.dossier import Dossier
from docgen.model.loader import load_dossier
from docgen.render.docx import FILTERS
from docgen.render.environment import make_environment
from docgen.render.templates import DOCUMENTS, template_path, template_root

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_schema_is_the_generated_one() -> None:
    shipped = json.loads((ROOT / "docs" / "dossier.schema.json").read_text(encoding="utf-8"))
    assert shipped == Dossier.model_json_schema(), "run `make schema` and commit the result"


@pytest.fixture(scope="module")
def context() -> dict:
    dossier = load_dossier(ROOT / "fixtures" / "son-la-2025.yaml")
    return build_context(dossier, compute_round(dossier), draft=True)


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_docx_templates_use_only_context_keys(kind: str, context: dict) -> None:
    template = DocxTemplate(str(template_path(kind, "docx")))
    environment = make_environment()
    environment.filters.update(FILTERS)  # as the DOCX renderer has them
    missing = template.get_undeclared_template_variables(environment, context)
    assert missing <= {"chart_image"}  # added by the DOCX renderer: a chart as a picture
