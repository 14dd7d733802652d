"""The user's font cache: what reading a big OpenType font costs, kept between runs.

Reading Noto Sans CJK's character map and widths takes about a second (more for the variable
bold: its widths are interpolated), and converting a glyph's CFF outline to TrueType takes
0.7-4 ms. Both results depend only on the font file, the face, the instance and the code
that made them, so they are kept in one SQLite file per face in the user's cache folder:

- Windows ``%LOCALAPPDATA%\\fieldprint\\Cache\\fonts``, macOS ``~/Library/Caches/fieldprint/fonts``,
  elsewhere ``$XDG_CACHE_HOME/fieldprint/fonts`` (``~/.cache/fieldprint/fonts``);
- ``FIELDPRINT_CACHE_DIR`` names another folder; ``FIELDPRINT_CACHE_DIR=off`` turns it off.

The key of a face is a hash of the file's size, its first and last 64 KB (the table
directories, each table's checksum in them, are at the start), the face index,
the instance, the installed fontTools (its package file, which names its version: read, not
imported, so a face read before is measured without fontTools) and `VERSION` (raise it when
the conversion changes). A
fresh machine (or CI) starts empty and fills it as it prints; nothing depends on it being
warm: a cached glyph is the same bytes as a converted one. A cache that cannot be written
(read-only home, a full disk) is simply not used.

Each file notes the `VERSION` that wrote it. When a face's metrics are written, and on the
first run of a new `VERSION` that finds its faces cached already (the folder's `PRUNED` file
says which version last looked), the files of older versions in the folder are removed
(`prune`: ours only, and nothing fails if one cannot be).
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import marshal
import os
import re
import sqlite3
import stat
import sys
from pathlib import Path

VERSION = 4   # 2: the widths kept ready for measuring, the character map apart; 3: each
#                distinct width one object, stored once; 4: only the widths that are not the
#                default, and the characters the face has as ranges (`coverage.py`)
PRUNED = ".pruned"   # in the folder: the VERSION whose run last removed older files
_FILE = re.compile(r"[0-9a-f]{32}\.sqlite")   # the name of one of our files (`face_key`)
# Hashing a megabyte of each end of the 4 default faces took ~6 ms of every run (a tenth
# of `fieldprint validate`'s font work); the directories fit in the first 64 KB.
_CHUNK = 1 << 16


def cache_dir() -> Path | None:
    """The folder of the font cache, or None when turned off."""
    env = os.environ.get("FIELDPRINT_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env) / "fonts"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "fieldprint" / "Cache" / "fonts"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "fieldprint" / "fonts"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fieldprint" / "fonts"


@functools.lru_cache(maxsize=1)
def _fonttools() -> str:
    """A hash of fontTools' package file (`fontTools/__init__.py`, which holds its version):
    what the cached conversions depend on, found without importing fontTools."""
    spec = importlib.util.find_spec("fontTools")
    with open(spec.origin, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def face_key(path: str, index: int, location: dict | None) -> str:
    """A hash naming one face of one font file at one instance (see the module doc)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        digest.update(fh.read(_CHUNK))
        if size > _CHUNK:
            fh.seek(max(_CHUNK, size - _CHUNK))
            digest.update(fh.read(_CHUNK))
    digest.update(repr((size, index, sorted((location or {}).items()), _fonttools(),
                        VERSION)).encode())
    return digest.hexdigest()[:32]


class FaceCache:
    """The cached metrics and converted glyphs of one face; every method tolerates a cache
    that cannot be read or written (it then reports nothing cached)."""

    def __init__(self, key: str, folder: Path | None = None):
        self.key = key
        self._db: sqlite3.Connection | None = None
        folder = self.folder = cache_dir() if folder is None else folder
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(folder / f"{key}.sqlite", timeout=30, isolation_level=None,
                                 check_same_thread=False)
            db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v BLOB)")
            db.execute("CREATE TABLE IF NOT EXISTS glyphs (gid INTEGER PRIMARY KEY, v BLOB)")
            self._db = db
        except (OSError, sqlite3.Error):
            self._db = None

    @classmethod
    def known(cls, key: str, folder: Path | None = None) -> FaceCache | None:
        """The cache of a face read before (its metrics are kept), or None; creates nothing.
        A face is cached only once it was opened and read without error, so a known key says
        the file (its size, its first and last 64 KB: its table directories) is one that
        was checked then."""
        folder = cache_dir() if folder is None else folder
        if folder is None or not (folder / f"{key}.sqlite").is_file():
            return None
        cache = cls(key, folder)
        try:
            found = cache._db is not None and cache._db.execute(
                "SELECT 1 FROM meta WHERE k = 'metrics'").fetchone() is not None
        except sqlite3.Error:
            found = False
        if found:
            _prune_once(folder, False)
        return cache if found else None

    def metrics(self) -> dict | None:
        """What measuring text needs (widths by code point, ascent ...), or None."""
        return self._meta("metrics")

    def glyph_map(self) -> dict | None:
        """What subsetting needs besides the glyphs (the character map, the advances), or
        None; read only when a PDF is made."""
        return self._meta("glyph_map")

    def _meta(self, key: str) -> dict | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
            return marshal.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError, EOFError, TypeError):
            return None

    def save_metrics(self, metrics: dict, glyph_map: dict) -> None:
        """Both at once (one transaction): a face with metrics has its glyph map too. The
        first time a process writes metrics, the files of older versions go (`prune`)."""
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [("glyph_map", marshal.dumps(glyph_map)),
                     ("metrics", marshal.dumps(metrics)),
                     ("version", marshal.dumps(VERSION))])
        if self._db is not None:
            _prune_once(self.folder, True)

    def glyphs(self, gids: list[int]) -> dict[int, bytes]:
        if self._db is None or not gids:
            return {}
        try:
            found: dict[int, bytes] = {}
            for start in range(0, len(gids), 500):
                part = gids[start:start + 500]
                marks = ",".join("?" * len(part))
                found.update(self._db.execute(
                    f"SELECT gid, v FROM glyphs WHERE gid IN ({marks})", part).fetchall())
            return found
        except sqlite3.Error:
            return {}

    def save_glyphs(self, glyphs: dict[int, bytes]) -> None:
        if glyphs:
            self._write("INSERT OR REPLACE INTO glyphs VALUES (?, ?)", list(glyphs.items()))

    def _write(self, sql: str, rows: list) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(sql, rows)
        except sqlite3.Error:
            pass


def file_version(path: Path) -> int | None:
    """The `VERSION` that wrote the cache file `path`, or None for a file that is not one of
    ours (not SQLite, not our tables, no metrics) or cannot be read. Files from before the
    version was noted are told by their metrics: VERSION 4 added "coverage"."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if not {"meta", "glyphs"} <= tables:
            return None
        rows = dict(db.execute("SELECT k, v FROM meta WHERE k IN ('version', 'metrics')"))
        if "version" in rows:
            version = marshal.loads(rows["version"])
            return version if isinstance(version, int) else None
        metrics = marshal.loads(rows["metrics"]) if "metrics" in rows else None
        if not isinstance(metrics, dict):
            return None
        return 4 if "coverage" in metrics else 3      # 3: any of VERSION 1-3
    except (sqlite3.Error, ValueError, EOFError, TypeError):
        return None
    finally:
        db.close()


def prune(folder: Path) -> list[Path]:
    """Remove the cache files in `folder` that an older `VERSION` wrote (`file_version`); the
    files removed. Only plain files named as ours (`face_key` + ".sqlite") that read as ours
    are touched; one in use (a journal beside it) or that cannot be removed is left, and
    nothing is raised."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        path = folder / name
        if not _FILE.fullmatch(name) or name + "-journal" in names:
            continue
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
        except OSError:
            continue
        version = file_version(path)
        if version is None or version >= VERSION:
            continue
        try:
            os.remove(path)
            removed.append(path)
        except OSError:
            pass
    return removed


@functools.lru_cache(maxsize=None)
def _prune_once(folder: Path, wrote: bool) -> None:
    """`prune` once per process and folder: after writing a face (`wrote`), or when the
    folder's PRUNED file does not name this VERSION (a run that writes nothing: one small
    read a run)."""
    marker = folder / PRUNED
    if not wrote:
        try:
            if marker.read_text(encoding="ascii").strip() == str(VERSION):
                return
        except (OSError, UnicodeError):
            pass
    prune(folder)
    try:
        marker.write_text(str(VERSION), encoding="ascii")
    except OSError:
        pass
