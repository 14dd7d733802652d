"""Where the built-in content lives: forms/, badges/, templates/ and examples/.

In a checkout or an editable install they sit beside the generator package; in an installed
wheel they are copied into generator/_content/ (see setup.py). One lookup serves both.
"""
from __future__ import annotations

from pathlib import Path

from .errors import UserError, suggest
from .i18n import _, words

_PACKAGE = Path(__file__).resolve().parent
FOLDERS = ("forms", "badges", "templates", "examples")


def content_dir(name: str) -> Path:
    """The folder of built-in content called `name` (one of FOLDERS)."""
    assert name in FOLDERS, name
    for base in (_PACKAGE / "_content", _PACKAGE.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"built-in folder {name}/ is missing from this installation")


def builtin_names(folder: str, suffix: str) -> list[str]:
    """Names (file stems) of the built-in files of one kind in one folder."""
    return sorted(p.stem for p in content_dir(folder).glob(f"*{suffix}"))


def find_layout(name_or_path: str, folder: str, suffix: str = ".yaml", offered=None) -> Path:
    """A layout given by built-in name ("badge") or by a file path ("my-badge.yaml").
    `offered`: the built-in names the command offers (a badge's, not the phrase card's), the
    ones an unknown name is said with; default, every one in `folder`."""
    as_path = Path(name_or_path)
    if as_path.suffix or len(as_path.parts) > 1:
        if as_path.is_file():
            return as_path
        raise UserError(_("{name}: no such layout file").format(name=name_or_path))
    candidate = content_dir(folder) / f"{name_or_path}{suffix}"
    if candidate.is_file():
        return candidate
    names = list(offered) if offered is not None else builtin_names(folder, suffix)
    raise UserError(_("no built-in layout called {name!r}{hint} (built-in: {known}); give one "
                      "of these names, or the path of a layout file").format(
                          name=name_or_path, hint=suggest(name_or_path, names),
                          known=words(names) or "-"))


def yaml_template(name: str) -> bytes:
    """The example file a user starts `name`.yaml from (the bundled example's words and
    comments): what `fieldprint template phrases.yaml` writes and the web app's 模板 page
    offers."""
    return (content_dir("examples") / f"{name}.yaml").read_bytes()
