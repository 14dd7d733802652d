"""Regenerate the reference outputs after an intended change:

    python tests/reference/regenerate.py            # every case
    python tests/reference/regenerate.py hostile    # one case

Renders each case (tests/refcheck.py, CASES) the way a user would, with the fixed day and
language of the tests, normalises every artifact and replaces tests/reference/<case>/. Look at
the changed pictures (`git status tests/reference`) before committing them, and say in the
commit why the output changed.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import refcheck  # noqa: E402


def main(cases: list[str]) -> int:
    unknown = [c for c in cases if c not in refcheck.CASES]
    if unknown:
        print(f"unknown case {', '.join(unknown)}; the cases are {', '.join(refcheck.CASES)}",
              file=sys.stderr)
        return 2
    for case in cases or list(refcheck.CASES):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            made = refcheck.render_case(case, out)
            refcheck.store(case, {a: refcheck.normalise(out / a) for a in made})
        size = sum(p.stat().st_size for p in refcheck.reference_dir(case).rglob("*")
                   if p.is_file())
        print(f"{case}: {len(made)} artifacts, {size / 1e6:.2f} MB in "
              f"{refcheck.reference_dir(case).relative_to(refcheck.ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
