"""Reading a layout file (card or form) into its pydantic model, with file:line messages.

Layouts are validated like data: unknown keys (with "did you mean"), wrong types and bad
values are reported all at once with their place in the file.
"""
from __future__ import annotations

import functools
from pathlib import Path

from .dataset import validate_record
from .errors import UserError
from .yamlsource import load_yaml


@functools.lru_cache(maxsize=32)
def _load(path: Path, mtime: float, model: type):
    raw = load_yaml(path)
    problems: list = []
    layout = validate_record(raw, model, path.stem, None,
                             {"base": path.parent, "missing_files": "error", "warnings": []},
                             problems)
    if problems:
        raise UserError(problems)
    return layout


def load_layout(path: Path, model: type):
    """A validated layout; parsed once per process (and again only if the file changed)."""
    path = Path(path).resolve()
    return _load(path, path.stat().st_mtime, model)
