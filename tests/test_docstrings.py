"""Every public function of generator/ says what it does (issue 12): a module-level function
whose name does not start with _ has a docstring (giving shapes, units in mm, the errors it
raises and, for a rule, its source in the standard). Click commands are left out: their
docstring or help= is the help text the user reads."""
from __future__ import annotations

import ast
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def _is_command(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in ("command", "group"):
            return True
    return False


def public_functions_without_docstring(root: Path = GENERATOR) -> list[str]:
    """'generator/x.py:12 name' for each public module-level function without a docstring."""
    missing = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and not node.name.startswith("_") and not _is_command(node)
                    and not ast.get_docstring(node)):
                missing.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name}")
    return missing


def test_every_public_function_has_a_docstring():
    missing = public_functions_without_docstring()
    assert not missing, ("public functions without a docstring (say what it takes and gives, "
                         "units, errors raised):\n" + "\n".join(missing))


def test_the_check_finds_a_function_without_one(tmp_path):
    package = tmp_path / "generator"
    package.mkdir()
    (package / "m.py").write_text(
        'def documented():\n    """Yes."""\n\n\ndef bare():\n    return 1\n\n\n'
        'def _private():\n    return 2\n\n\n@command("x")\ndef cmd():\n    pass\n',
        encoding="utf-8")
    assert public_functions_without_docstring(package) == ["generator/m.py:5 bare"]
