"""Error types of docgen: one base class, one subclass per stage that can fail.

Messages are for the people who use docgen (Vietnamese); each error also carries a stable
``code`` and the data it speaks of, so that interfaces can map it without parsing text.
"""

from __future__ import annotations


class DocgenError(Exception):
    """Base of every error docgen raises on purpose."""

    code = "docgen_error"


class InputError(DocgenError, ValueError):
    """Raised when a dossier cannot be read or does not satisfy its schema or its rules.

    ``problems`` holds one :class:`Problem` per thing that is wrong, so a user sees every
    mistake of a file at once rather than one per run.
    """

    code = "invalid_input"

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.message for p in problems))


class Problem:
    """One thing wrong with an input: where it is, what was expected, what was found."""

    __slots__ = ("expected", "found", "location", "source")

    def __init__(self, source: str, location: str, expected: str, found: str | None = None):
        self.source = source
        self.location = location
        self.expected = expected
        self.found = found

    @property
    def message(self) -> str:
        """Return the one-line message: ``file: where: cần …; nhận được …``."""
        text = f"{self.source}: {self.location}: cần {self.expected}"
        if self.found is not None:
            text += f"; nhận được {self.found}"
        return text

    def __repr__(self) -> str:
        return f"Problem({self.message!r})"


class TemplateError(DocgenError):
    """Raised when a template is missing or fails to render (names the template)."""

    code = "template_error"


class RenderError(DocgenError):
    """Raised when a renderer fails for a reason other than the template (fonts, glyphs)."""

    code = "render_error"
