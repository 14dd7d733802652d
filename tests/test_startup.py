"""Start-up (issue 19): `fieldprint --help` and a command's --help import only click and our
command modules; the heavy libraries are imported when a command runs. Not timed: the imports
are what is checked (each of these costs tens of milliseconds of CPU)."""
from __future__ import annotations

import subprocess
import sys

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
