"""A docgen command line, as a deployment file writes it, checked by docgen's own argument
parser: the subcommand exists, every option is known and every value converts. Nothing
is run (a unit's or an image's command would open a production archive)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from typer.main import get_command

from docgen.interfaces.cli import app


@dataclass(frozen=True)
class Parsed:
    """The subcommand's names (``("db", "upgrade")``) and its parsed option values."""

    command: tuple[str, ...]
    params: dict[str, Any]


def parse(args: list[str]) -> Parsed:
    """Parse `args` (without the program) as ``docgen`` would; raise the parser's usage error
    if it refuses them."""
    command: Any = get_command(app)
    context = command.make_context("docgen", list(args))
    names: list[str] = []
    while hasattr(command, "resolve_command"):  # a group (typer has click of its own)
        rest = [*context._protected_args, *context.args]
        name, sub, rest = command.resolve_command(context, rest)
        assert name is not None and sub is not None, f"no subcommand in {args}"
        names.append(name)
        command, context = sub, sub.make_context(name, rest, parent=context)
    return Parsed(tuple(names), context.params)
