"""The reference outputs (tests/reference/, tests/refcheck.py): every artifact `fieldprint demo`
makes, and those of a few hostile records, are the same as pinned, page by page: page count,
boxes, fonts, text and pictures, Word XML, spreadsheet cells, JSON, CSV and ICS.

After an intended change: `python tests/reference/regenerate.py`, look at the new pictures,
commit them and say why. A failure names the actual, expected and diff pictures it wrote under
tests/failures/."""
from __future__ import annotations

import pytest

import refcheck

PINNED = [(case, artifact) for case in refcheck.CASES for artifact in refcheck.manifest(case)]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """The cases rendered once per test run, on first use: {case: folder}."""
    made = {}

    def get(case: str):
        if case not in made:
            out = tmp_path_factory.mktemp(f"reference-{case}")
            refcheck.render_case(case, out)
            made[case] = out
        return made[case]
    return get


@pytest.mark.parametrize("case", list(refcheck.CASES))
def test_every_artifact_is_pinned(rendered, case):
    out = rendered(case)
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert made == refcheck.manifest(case), (
        f"the {case} case makes {made}, the reference pins {refcheck.manifest(case)}; "
        "after an intended change run python tests/reference/regenerate.py")


@pytest.mark.parametrize("case, artifact", PINNED, ids=[f"{c}/{a}" for c, a in PINNED])
def test_artifact_matches_its_reference(rendered, case, artifact):
    out = rendered(case)
    refcheck.reset_failures(case, artifact)
    path = out / artifact
    assert path.is_file(), f"{case}/{artifact} was not made"
    problems = refcheck.compare(case, artifact, refcheck.normalise(path))
    assert not problems, "\n".join(problems)
