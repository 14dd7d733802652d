"""Chinese on any console: standard output and error that never fail on a character.

A Windows console is written through the wide-character API (Python does it), so it shows
every character. Redirected (`fieldprint validate x.yaml > log.txt`, a pipe to `findstr`) or on
an old code page, Python encodes with the code page: cp936 (GBK) on Chinese Windows, cp1252 or
cp437 on an English one. Chinese in GBK is then right as it is; what would go wrong is a
character the code page lacks (a rare name such as 𬌗, a ✓ or an emoji) raising
UnicodeEncodeError in the middle of a report, or a cp437 console getting Chinese at all.
`prepare()` keeps each stream's encoding (so a GBK console gets GBK bytes, never UTF-8
mojibake) and replaces only what that encoding cannot hold: by '?', never a traceback.
"""
from __future__ import annotations

import codecs
import sys


def prepare(*streams) -> None:
    """Make `streams` (default: sys.stdout, sys.stderr) replace what their encoding lacks."""
    for stream in streams or (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = getattr(stream, "encoding", None)
        if reconfigure is None or not encoding:
            continue
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            continue
        if name in ("utf-8", "utf-16", "utf-32", "gb18030"):
            continue  # these hold every character
        try:
            reconfigure(errors="replace")
        except (ValueError, OSError):  # a closed or detached stream: nothing to print to
            continue
