"""Fixtures every test may use: the examples folder and a CLI runner that returns
(exit code, stdout, stderr) the way a user sees them.

Also the one Hypothesis configuration of the suite, chosen with HYPOTHESIS_PROFILE:
- "ci" (the default): a fixed seed (derandomize, so no example database either), a bounded
  number of examples per property test, no deadline. What CI and a plain `pytest` run.
- "long": many more examples, a fresh random seed each run, for hunting:
      HYPOTHESIS_PROFILE=long python3 -m pytest -q -m property
"ci" is not the same examples in every run: besides its seed (which derandomize takes from the
test's source, so editing a test changes its examples), Hypothesis draws the string and number
constants of the project's modules loaded at that moment (sys.modules). A full run has loaded
more of them than one file alone, so a property test may fail only in full runs: that is a
real failing input (test_forms drew the model's '０'), reproduced with the @reproduce_failure
blob it prints, and kept as an @example.
Property tests take their settings from the profile; they may suppress health checks but
should not set max_examples, seeds or deadlines of their own. Every test decorated with
@given is marked `property` (so `-m property` selects them all); `-m "not slow"` leaves out
the tests marked slow (seconds of work each: the 50 MB YAML, the decompression bomb).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

# Health checks that misfire on our property tests: a whole CLI run per example is slow by
# design, and the tmp_path a test writes into is rewritten by every example.
_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=25, derandomize=True, deadline=None,
                          suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=_QUIET, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _english_unless_asked(request, monkeypatch):
    """The interface is Chinese by default; tests that check English wording run in English
    (FIELDPRINT_LANG=en, inherited by subprocesses). A test that checks the Chinese marks
    itself `@pytest.mark.chinese` (or passes --lang zh, which wins over the variable)."""
    from generator.i18n import set_language
    if request.node.get_closest_marker("chinese"):
        monkeypatch.delenv("FIELDPRINT_LANG", raising=False)
        set_language("zh")
    else:
        monkeypatch.setenv("FIELDPRINT_LANG", "en")
        set_language("en")
    yield
    set_language()


def pytest_configure(config):
    config.addinivalue_line("markers", "chinese: runs in the default language, Chinese "
                            "(other tests run with FIELDPRINT_LANG=en)")
    config.addinivalue_line("markers", "property: a Hypothesis property test (selected "
                            "with -m property; HYPOTHESIS_PROFILE=long runs many examples)")
    config.addinivalue_line("markers", "slow: takes seconds (big inputs); -m 'not slow' skips it")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)


def pytest_report_header(config):
    return f"hypothesis profile: {settings.get_current_profile_name()} (HYPOTHESIS_PROFILE)"

# The font cache (generator/fonts/cache.py) starts empty for every test session, as on a fresh
# machine or in CI: no test may depend on a warm cache, and none writes into the user's.
os.environ["FIELDPRINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="fieldprint-cache-")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def examples_copy(tmp_path) -> Path:
    """A private copy of examples/ that a test may break."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


class Result:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out[-2000:]!r}, err={self.err[-2000:]!r})"


def run_cli(*args) -> Result:
    """Run `fieldprint ARGS` in-process through the real entry point (exit codes included)."""
    from generator.cli import main

    with CliRunner().isolation() as streams:
        out, err = streams[0], streams[1]
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return Result(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture
def cli():
    return run_cli
