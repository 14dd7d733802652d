"""docs/ARCHITECTURE.md stays true to the code (issue 12): every module path it names exists,
and every function, class or name written as code there (`load_dataset(paths)`, `CardRun`,
`_ReadAhead`) is defined somewhere in generator/."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ARCHITECTURE.md"
CODE = re.compile(r"`([^`]+)`")
PATH = re.compile(r"^(generator|tests|badges|forms|templates|benchmarks)/[\w./-]*$")
NAME = re.compile(r"^([A-Za-z_][\w.]*)(\(.*\))?( -> .*)?$")


def _defined_names() -> set[str]:
    names: set[str] = set()
    pattern = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)"
                         r"|^[ \t]*(\w+)[ \t]*(?::[^=\n]*)?="
                         r"|\b(\w+)=_\w+\b", re.M)   # the last: a name registered (filters)
    for path in (ROOT / "generator").rglob("*.py"):
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            names.add(m.group(1) or m.group(2) or m.group(3))
        names.add(path.stem)
    return names


def _is_code_name(token: str) -> bool:
    """A name as the code spells it: called (`f(x)`), CamelCase, or with an underscore and
    lower case letters (not an environment variable or a YAML key)."""
    m = NAME.match(token)
    if not m:
        return False
    last = m.group(1).split(".")[-1]
    if m.group(2) is not None:
        return True
    return bool(re.search(r"[a-z][A-Z]|^[A-Z][a-z]", last)) or ("_" in last
                                                               and last != last.upper())


def problems(text: str) -> list[str]:
    """What the document names that the code does not have."""
    defined = _defined_names()
    out = []
    for token in CODE.findall(text):
        token = token.strip()
        if PATH.match(token):
            if not (ROOT / token.rstrip("/")).exists():
                out.append(f"no such path: {token}")
        elif _is_code_name(token):
            name = NAME.match(token).group(1).split(".")[-1]
            if name not in defined:
                out.append(f"not defined in generator/: {token}")
    return out


def test_architecture_names_what_exists():
    found = problems(DOC.read_text(encoding="utf-8"))
    assert not found, "docs/ARCHITECTURE.md:\n" + "\n".join(found)


def test_the_check_finds_a_stale_name():
    assert problems("`load_dataset(paths)` and `generator/data/dataset.py`") == []
    assert problems("`_load_everything(paths)`, `generator/nowhere.py`") == [
        "not defined in generator/: _load_everything(paths)", "no such path: generator/nowhere.py"]
