"""Uploaded files, checked before anything reaches the workspace.

In the web app the data's author is not trusted: every limit here is checked on the bytes
received, before a file is written. Photo archives are read entry by entry with
`zipfile`; an entry whose name leaves its folder (`../`, an absolute path, a drive letter),
a symbolic link, an archive that expands too much, or a picture with too many pixels is
refused with a message naming it. Nothing is extracted until the whole upload passed.
"""
from __future__ import annotations

import io
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from PIL import Image

from ..errors import Problem, UserError
from ..i18n import _


@dataclass(frozen=True)
class Limits:
    """What one upload may hold. Bytes and pixels."""

    request_bytes: int = 32 * 1024 * 1024     # one request, all files together
    files: int = 2000                          # files in one request or one zip
    unpacked_bytes: int = 256 * 1024 * 1024    # a zip's entries together, uncompressed
    zip_ratio: int = 50                        # uncompressed / compressed, per entry and total
    pixels: int = 40_000_000                   # a 12-megapixel camera photo is 12,000,000


DATA_SUFFIXES = (".xlsx", ".csv", ".yaml", ".yml")
YAML_SECTIONS = ("phrases",)   # sections written only in YAML (phrases.yaml)
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")   # what the web app keeps (JPEG and PNG pictures)
FONT_SUFFIXES = (".ttf", ".ttc", ".otf")


def safe_name(name: str) -> str | None:
    """The last part of an uploaded file's name, or None when the name tries to leave its
    folder or is not a plain file name (browsers send only the last part anyway)."""
    if not name or "\x00" in name:
        return None
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or ".." in posix.parts \
            or ".." in windows.parts:
        return None
    leaf = windows.name  # both separators
    if leaf in ("", ".", "..") or leaf.startswith("."):
        return None
    return leaf


def check_data_file(name: str, content: bytes, yaml_only: bool = False) -> str:
    """The suffix of an uploaded data file (.xlsx, .csv, .yaml; `yaml_only`: .yaml), or
    UserError."""
    leaf = safe_name(name)
    if leaf is None:
        raise UserError(_("{name}: not a plain file name; upload the file itself").format(
            name=name))
    suffix = PurePosixPath(leaf.lower()).suffix
    if yaml_only and suffix not in (".yaml", ".yml"):
        raise UserError(_("{name}: upload a YAML file (.yaml), such as the one on the "
                          "Templates page").format(name=leaf))
    if suffix not in DATA_SUFFIXES:
        raise UserError(_("{name}: upload an Excel file (.xlsx), a CSV file or a YAML file")
                        .format(name=leaf))
    if suffix == ".xlsx":
        check_zip_bomb(leaf, content, Limits())
    return suffix


def check_picture(name: str, content: bytes, limits: Limits) -> Problem | None:
    """A problem when `content` is not a picture Pillow reads, or has too many pixels. Only
    the header is read: a 30000 × 30000 PNG is refused without being decoded."""
    too_large = Problem(_("{name}: the picture is too large (at most {mp} megapixels); save a "
                          "smaller copy").format(name=name, mp=limits.pixels // 1_000_000))
    try:
        with Image.open(io.BytesIO(content)) as image:
            w, h = image.size
            fmt = image.format
    except Image.DecompressionBombError:   # far beyond any photo: Pillow refuses to open it
        return too_large
    except Exception:  # Pillow raises many kinds for a broken file
        return Problem(_("{name}: not a JPEG or PNG picture").format(name=name))
    if fmt not in ("JPEG", "PNG", "MPO"):
        return Problem(_("{name}: not a JPEG or PNG picture").format(name=name))
    if w * h > limits.pixels:
        return too_large
    return None


def check_zip_bomb(name: str, content: bytes, limits: Limits) -> None:
    """UserError when an archive (a zip, or an .xlsx, which is one) would expand too much."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise UserError(_("{name}: the file is damaged or not a zip archive").format(
            name=name)) from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > limits.zip_ratio * max(info.compress_size, 1) + 65536 \
                or total > limits.unpacked_bytes:
            raise UserError(_("{name}: the archive expands far more than real photos or "
                              "sheets do ({entry}); it was refused").format(
                                  name=name, entry=info.filename))


def photos_from_upload(files: list[tuple[str, bytes]], limits: Limits
                       ) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """(name, bytes) of every photo in the uploaded files (pictures, or zip archives of
    them), and the problems: UserError when something hostile was sent (nothing is kept
    then); files that are simply not photos (a Thumbs.db, a .txt) are listed as problems."""
    photos: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    for name, content in files:
        leaf = safe_name(name)
        if leaf is None:
            raise UserError(_("{name}: not a plain file name; upload the file itself").format(
                name=name))
        if leaf.lower().endswith(".zip"):
            photos.extend(_from_zip(leaf, content, limits, problems))
        elif leaf.lower().endswith(PHOTO_SUFFIXES):
            photos.append((leaf, content))
        else:
            problems.append(Problem(_("{name}: not a photo (.jpg, .jpeg, .png); left out")
                                    .format(name=leaf)))
    if len(photos) > limits.files:
        raise UserError(_("{n} photos in one upload; at most {limit}").format(
            n=len(photos), limit=limits.files))
    seen: dict[str, str] = {}
    kept = []
    for name, content in photos:
        problem = check_picture(name, content, limits)
        if problem is not None:
            raise UserError(problem)
        key = name.casefold()
        if key in seen:
            problems.append(Problem(_("{name}: two photos of this name in the upload; the "
                                      "later one was kept").format(name=name)))
            kept = [(n, c) for n, c in kept if n.casefold() != key]
        seen[key] = name
        kept.append((name, content))
    return kept, problems


def entry_name(info: zipfile.ZipInfo) -> str:
    """An archive entry's name as it was written. Without the archive's UTF-8 flag, zipfile
    reads names as IBM code page 437, but Chinese Windows' 压缩(zipped)文件夹 writes them in
    GBK, and Linux `zip` in UTF-8 without the flag: 周雨婷.jpg came out as ╓▄╙Ωµ├.jpg or
    σæ¿Θ¢¿σ⌐╖.jpg and matched nobody. Those bytes are read as UTF-8, else as GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _from_zip(zip_name: str, content: bytes, limits: Limits, problems: list[Problem]
              ) -> list[tuple[str, bytes]]:
    check_zip_bomb(zip_name, content, limits)
    archive = zipfile.ZipFile(io.BytesIO(content))
    entries = archive.infolist()
    if len(entries) > limits.files:
        raise UserError(_("{name}: {n} files in the archive; at most {limit}").format(
            name=zip_name, n=len(entries), limit=limits.files))
    out = []
    for info in entries:
        info.filename = entry_name(info)
        where = f"{zip_name}: {info.filename}"
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UserError(_("{name}: a link to another file is not allowed in an upload")
                            .format(name=where))
        leaf = safe_name(info.filename)
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if PurePosixPath(info.filename).is_absolute() or ".." in parts \
                or PureWindowsPath(info.filename).drive or info.filename.startswith(("/", "\\")):
            raise UserError(_("{name}: the entry leaves its folder; it was refused").format(
                name=where))
        if info.is_dir() or leaf is None or "__MACOSX" in parts:
            continue
        if not leaf.lower().endswith(PHOTO_SUFFIXES):
            problems.append(Problem(_("{name}: not a photo (.jpg, .jpeg, .png); left out")
                                    .format(name=where)))
            continue
        try:
            with archive.open(info) as fh:
                data = fh.read(limits.unpacked_bytes + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise UserError(_("{name}: the entry cannot be read ({why})").format(
                name=where, why=exc)) from None
        if len(data) > info.file_size:  # the header lied about the size
            raise UserError(_("{name}: the archive expands far more than real photos or "
                              "sheets do ({entry}); it was refused").format(
                                  name=zip_name, entry=info.filename))
        out.append((leaf, data))
    return out
