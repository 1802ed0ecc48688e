"""``python -m docgen.interfaces.cli``: the same commands as the ``docgen`` script.

Commands of a new topic go in a module of their own in this package, which imports ``app``
(or adds a ``typer.Typer`` to it) and is imported at the bottom of ``__init__.py``.
"""

from docgen.interfaces.cli import app

if __name__ == "__main__":  # pragma: no cover
    app()
