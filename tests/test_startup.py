"""Start-up (issue 19): `fieldprint --help` and a command's --help import only click and our
command modules; the heavy libraries are imported when a command runs. Not timed: the imports
are what is checked (each of these costs tens of milliseconds of CPU)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pydantic", "yaml", "babel", "reportlab", "PIL", "openpyxl", "pypdf", "jinja2",
         "docxtpl", "qrcode", "pypdfium2", "dateutil")

PROBE = """
import sys
from generator.cli import main
try:
    main({args!r})
except SystemExit:
    pass
print("LOADED:" + " ".join(sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))))
"""


@pytest.mark.parametrize("args", [["--help"], ["equipment", "--help"], ["badges", "--help"],
                                  ["--lang", "en", "work-orders", "--help"]])
def test_help_imports_no_heavy_library(args):
    result = subprocess.run([sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.rsplit("LOADED:", 1)[1].strip()
    assert "Usage" in result.stdout or "用法" in result.stdout
    assert loaded == "", f"imported for {args}: {loaded}"


VALIDATE_PROBE = """
import sys
from generator.cli import main
try:
    main({args!r})
except SystemExit as exc:
    print("EXIT:", exc.code)
print("LOADED:" + " ".join(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))
"""
VALIDATE = ["validate", "examples/company.yaml", "examples/staff.yaml", "examples/work_orders.yaml",
            "examples/equipment.yaml"]

# What `fieldprint validate` never needs: it checks the badges (fonts, text fitting, photos and
# QR codes read, not drawn) and the orders without laying out or drawing anything. Fonts are
# measured from their cached metrics: reportlab only registers them to draw.
NOT_FOR_VALIDATE = ("reportlab.graphics", "reportlab.platypus", "reportlab.pdfgen",
                    "generator.card.document", "generator.card.draw", "generator.card.impose",
                    "generator.card.manifest", "generator.form.model", "generator.form.layout",
                    "generator.form.draw", "fontTools.fontBuilder", "fontTools.pens.cu2quPen",
                    "multiprocessing.pool", "openpyxl", "pypdf", "docxtpl", "pypdfium2",
                    "reportlab", "generator.fonts.embed",
                    "generator.commands.badges", "generator.commands.forms",
                    "generator.commands.equipment", "generator.commands.demo")


def test_validate_imports_no_drawing_engine():
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c",
                             VALIDATE_PROBE.format(args=VALIDATE, prefixes=NOT_FOR_VALIDATE)],
                            capture_output=True, text=True, timeout=120, cwd=root)
    assert "EXIT: 0" in result.stdout, result.stdout + result.stderr
    loaded = result.stdout.rsplit("LOADED:", 1)[1].split()
    assert loaded == [], f"imported by validate: {loaded}"


def test_every_command_is_in_the_table_of_commands():
    """cli.COMMANDS (what `fieldprint` imports lazily) names every command of every module of
    generator/commands that exports COMMANDS, with its module, and nothing else."""
    import importlib

    from generator.cli import COMMANDS
    root = Path(__file__).resolve().parent.parent / "generator" / "commands"
    defined = {}
    for path in sorted(root.glob("*.py")):
        module = importlib.import_module(f"generator.commands.{path.stem}")
        for command in getattr(module, "COMMANDS", ()):
            defined[command.name] = path.stem
    assert COMMANDS == defined


def test_lazy_commands_behave_as_a_mapping_of_commands():
    from generator.cli import COMMANDS, LazyCommands
    commands = LazyCommands(COMMANDS)
    assert sorted(commands) == sorted(COMMANDS) and len(commands) == len(COMMANDS)
    assert "validate" in commands and "nope" not in commands
    assert commands["work-orders"].name == "work-orders"
    assert commands.get("nope") is None
    with pytest.raises(LookupError, match="has no command 'ghost'"):
        LazyCommands({"ghost": "validate"})["ghost"]


def test_a_font_read_before_is_not_opened_again(tmp_path):
    """The default fonts, read once into the user's font cache, are not opened and checked
    again by fontTools on later runs (the cache is kept only for a file that passed): fontTools
    is not even imported (its version for the cache's key is read from its package file)."""
    import os
    probe = ("import sys; from generator.fonts import font_set; font_set(); "
             "print('TTLIB', any(m.split('.')[0] == 'fontTools' for m in sys.modules))")
    env = dict(os.environ, FIELDPRINT_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           timeout=300, env=env) for _ in range(2)]
    assert [r.stdout.split()[-1:] for r in runs] == [["True"], ["False"]], runs


def test_help_imports_none_of_the_work_behind_the_commands():
    """`fieldprint --help` lists every command (so imports their modules) but not what they
    use when they run: writing files, dates, built-in content, data, the engines (the tables
    of kinds both the CLI and the web read, form_kinds and card_kinds, are not the engines)."""
    prefixes = ("generator.output", "generator.dates", "generator.content", "generator.data",
                "generator.card.", "generator.form.", "generator.fonts", "generator.orders")
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c",
                             VALIDATE_PROBE.format(args=["--help"], prefixes=prefixes)],
                            capture_output=True, text=True, timeout=120, cwd=root)
    assert "EXIT: 0" in result.stdout, result.stdout + result.stderr
    assert result.stdout.rsplit("LOADED:", 1)[1].split() == []


def test_validate_imports_with_the_collector_paused_and_leaves_it_running():
    """validate imports its libraries with the cyclic garbage collector paused and freezes what
    they made (generator/startup.py); the collector runs again for the data."""
    probe = VALIDATE_PROBE.format(args=VALIDATE, prefixes=("nothing",)) + (
        "import gc; print('GC', gc.isenabled(), gc.get_freeze_count() > 10000)")
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120, cwd=root)
    assert "EXIT: 0" in result.stdout, result.stdout + result.stderr
    assert result.stdout.split("GC", 1)[1].split() == ["True", "True"]


def test_importing_leaves_a_paused_collector_paused():
    import gc

    from generator.startup import importing
    gc.disable()
    try:
        with importing():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with importing():
        assert not gc.isenabled()
    assert gc.isenabled()
