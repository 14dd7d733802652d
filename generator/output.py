"""Writing output files atomically: a temporary file in the target folder, renamed when complete.

An interrupted batch leaves either the previous file or nothing at the target path, never a
file that looks complete but is truncated.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import Problem, UserError, os_reason
from .i18n import _


def check_target(path: Path, *, directory: bool = False, probe: bool = True,
                 inputs=None) -> Path:
    """Fail before any work is done when the output cannot be written; creates missing folders
    (and says so on stderr: "created the folder out/badges").
    `probe` creates and removes an empty file in the folder: permission bits do not tell (root
    passes os.access, yet cannot create files in /proc, on a read-only mount, ...).

    A device, pipe or socket is refused (issue 15.9: as root, renaming a finished PDF over
    /dev/null replaced the machine's /dev/null), and so is any of `inputs` (the command's own
    data, layout, template, photos: default, every path on the command line)."""
    path = Path(path)
    _not_special(path)
    refuse_inputs(path, _command_line_paths() if inputs is None else inputs)
    folder = path if directory else path.parent
    if not directory and path.is_dir():
        raise UserError(Problem(_("{path} is a folder; give a file name, e.g. {example}").format(
            path=path, example=path / "out.pdf")))
    if directory and path.exists() and not path.is_dir():
        raise UserError(Problem(_("{path} is a file; give a folder for the output").format(
            path=path)))
    new = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(Problem(_("cannot create the folder {folder}: {reason}").format(
            folder=folder, reason=os_reason(exc)))) from None
    if new:   # a folder that was not there is made, and said: a typo in it is seen at once
        import click

        from .errors import display_path, terminal_text
        click.echo(terminal_text(_("created the folder {folder}").format(
            folder=display_path(folder))), err=True)
    if not os.access(folder, os.W_OK):
        raise UserError(Problem(_("cannot write into {folder}: permission denied").format(
            folder=folder)))
    if probe:
        with stop_signals_held():
            fd, name = _mkstemp(folder, ".fieldprint-", ".probe")
            os.close(fd)
            os.unlink(name)
    return path


def _not_special(path: Path) -> None:
    import stat
    try:
        mode = os.stat(path).st_mode   # follows a link: a link to /dev/null is /dev/null
    except OSError:
        return
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    kind = (_("a pipe (FIFO)") if stat.S_ISFIFO(mode) else _("a socket") if stat.S_ISSOCK(mode)
            else _("a device"))
    raise UserError(Problem(_(
        "{path} is {kind}, not a file: fieldprint writes files only. Give a file name (a "
        "report in a text format may also go to standard output: leave out -o, or -o -)"
        ).format(path=path, kind=kind)))


def refuse_inputs(target: Path, inputs) -> None:
    """UserError when `target` is one of the files read to make it."""
    try:
        target_stat = os.stat(target)
    except OSError:
        return   # a new file is nobody's input
    for given in inputs:
        try:
            same = os.path.samestat(target_stat, os.stat(given))
        except OSError:
            continue
        if same:
            raise UserError(Problem(_(
                "{target} is also one of this command's inputs ({given}); writing the output "
                "there would destroy it. Give the output another name").format(
                    target=target, given=given)))


def _command_line_paths() -> list[Path]:
    """The paths the running command was given (DATA, --layout, --template, --policy ...)."""
    try:
        import click
    except ImportError:  # pragma: no cover
        return []
    ctx = click.get_current_context(silent=True)
    found: list[Path] = []
    while ctx is not None:
        for name, value in ctx.params.items():
            if name in ("out", "output", "target", "png_dir", "directory"):
                continue
            for item in value if isinstance(value, (tuple, list)) else (value,):
                if isinstance(item, (str, Path)) and str(item) not in ("", "-"):
                    found.append(Path(item))
        ctx = ctx.parent
    return found


def _mkstemp(folder: Path, prefix: str, suffix: str) -> tuple[int, str]:
    try:
        import tempfile
        return tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    except OSError as exc:
        raise UserError(Problem(_("cannot write into {folder}: {reason}").format(
            folder=folder, reason=os_reason(exc)))) from None


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`; renamed onto it when the block ends without error."""
    target = Path(target)
    check_target(target, probe=False)
    tmp_path = None
    try:
        with stop_signals_held():   # a Ctrl-C between making the file and noting it left it
            fd, tmp = _mkstemp(target.parent, f".{target.name}.", ".part")
            os.close(fd)
            tmp_path = Path(tmp)
        with disk_full_is_user_error(target):
            yield tmp_path
        _move_into_place(tmp_path, target)
    finally:
        if tmp_path is not None and tmp_path.exists():
            tmp_path.unlink()


@contextmanager
def stop_signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while the block runs and delivered when it ends: for steps
    that must not be cut in two (a temporary file made and noted for removal; workers being
    stopped). Where the system cannot hold them (Windows), the block runs as it is."""
    import signal
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextmanager
def disk_full_is_user_error(target: Path) -> Iterator[None]:
    """A full disk or quota while writing `target` is the user's to fix: UserError (the
    previous file is kept, the temporary one removed by the caller); other OSErrors pass."""
    try:
        yield
    except OSError as exc:
        import errno
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise UserError(Problem(_("cannot write {target}: {why}; what was there is left "
                                      "as it was").format(target=target, why=os_reason(exc)))
                            ) from None
        raise


def _move_into_place(tmp: Path, target: Path) -> None:
    """A finished temporary file renamed onto its target (readable by all, as a file saved
    by hand would be); UserError if the rename fails."""
    os.chmod(tmp, 0o644)
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise UserError(Problem(_("cannot write {path}: {reason}").format(
            path=target, reason=os_reason(exc)))) from None


def write_bytes(target: Path, data: bytes) -> None:
    """`data` written to `target` atomically (see atomic_path); UserError if it cannot be."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


@contextmanager
def atomic_batch(folder: Path) -> Iterator[Callable[[str, bytes], Path]]:
    """Files written into `folder` as one batch (one Word document per order): `put(name,
    data)` writes a temporary file beside FOLDER/NAME and returns the target path; when the
    block ends without error every file is renamed into place, else every temporary file is
    removed, so an interrupted or refused batch leaves none of its files. Raises UserError
    when the folder cannot be written."""
    folder = Path(folder)
    check_target(folder, directory=True)
    staged: list[tuple[Path, Path]] = []

    def put(name: str, data: bytes) -> Path:
        target = folder / name
        _not_special(target)   # a FIFO or device already in the folder under that name
        with stop_signals_held():
            fd, tmp = _mkstemp(folder, f".{name}.", ".part")
            staged.append((Path(tmp), target))
        with disk_full_is_user_error(target), os.fdopen(fd, "wb") as stream:
            stream.write(data)
        return target
    try:
        yield put
        for tmp, target in staged:
            _move_into_place(tmp, target)
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()


def fixed_zip(data: bytes, when: dt.date) -> bytes:
    """An .xlsx/.docx archive with every entry and the document's save time set to `when`,
    so the same input gives the same bytes (openpyxl stamps the moment of saving)."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    saved = f"{when:%Y-%m-%d}T00:00:00Z".encode()
    out = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*",
                                 rb"\g<1>" + saved, content)
            dst.writestr(fixed, content)
    return out.getvalue()
