"""Output, for every command and format (test_output.py has the PDF batch killed mid-way and the
atomic_path unit): an output folder that cannot be written is a clear error before any work;
a run that fails leaves the previous file as it was and no temporary beside it; a Word batch
killed mid-way leaves the previous file; no command ever modifies its input files."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import time
from pathlib import Path

import docx
import pytest

from test_output import KILL_BATCH, _big_batch, kill_mid_batch

ROOT = Path(__file__).resolve().parent.parent

# (command, extra arguments, output suffix): every command that writes a file, every format
OUTPUTS = [
    ("badges", [], ".pdf"),
    ("service-cards", [], ".pdf"),
    ("work-orders", [], ".pdf"),
    ("work-orders", [], ".docx"),
    ("confirmations", [], ".pdf"),
    ("confirmations", [], ".docx"),
    ("follow-ups", [], ".pdf"),
    ("equipment", ["--as-of", "2026-11-21"], ".json"),
    ("equipment", ["--as-of", "2026-11-21"], ".csv"),
    ("equipment", ["--as-of", "2026-11-21"], ".xlsx"),
    ("equipment", ["--as-of", "2026-11-21"], ".ics"),
    ("equipment", ["--as-of", "2026-11-21"], ".pdf"),
]
IDS = [f"{c}{s}" for c, _, s in OUTPUTS]


def inputs(folder: Path, command: str) -> list[Path]:
    if command in ("badges", "service-cards"):
        return [folder / "staff.yaml"]
    if command == "equipment":
        return [folder / "equipment.yaml", folder / "staff.yaml"]
    return [folder / "work_orders.yaml", folder / "staff.yaml"]


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in, even by root (tests often run as root)."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    for folder in (Path("/sys"), Path("/proc")):
        try:
            fd = os.open(folder / ".fieldprint-test", os.O_CREAT | os.O_WRONLY, 0o600)
        except OSError:
            return folder
        os.close(fd)
        os.unlink(folder / ".fieldprint-test")
    pytest.skip("no folder here refuses root's writes")


# ------------------------------------------------------------------------------ before any work
@pytest.mark.parametrize("command, extra, suffix", OUTPUTS, ids=IDS)
def test_an_unwritable_folder_is_a_clear_error_before_any_work(examples_copy, tmp_path, cli,
                                                                command, extra, suffix):
    target = unwritable_folder(tmp_path) / f"out{suffix}"
    result = cli(command, *inputs(examples_copy, command), *extra, "-o", target)
    assert result.code == 2, result
    assert "Traceback" not in result.err and "cannot write into" in result.err, result.err


@pytest.mark.parametrize("command, extra, suffix", OUTPUTS, ids=IDS)
def test_an_output_path_that_is_a_folder_is_a_clear_error(examples_copy, tmp_path, cli,
                                                          command, extra, suffix):
    target = tmp_path / f"out{suffix}"
    target.mkdir()
    result = cli(command, *inputs(examples_copy, command), *extra, "-o", target)
    assert "Traceback" not in result.err, result.err
    if command in ("work-orders", "confirmations", "follow-ups"):
        # by design, an existing folder is where one file per order goes (as 'FOLDER/')
        assert result.code == 0 and "files into" in result.out, result
        return
    assert result.code == 2, result
    assert "is a folder" in result.err, result.err
    assert not any(target.iterdir())


@pytest.mark.parametrize("option", ["--png", "-o"])
def test_an_unwritable_folder_for_files_per_person_or_order(examples_copy, tmp_path, cli,
                                                            option):
    folder = unwritable_folder(tmp_path)
    if option == "--png":
        result = cli("badges", examples_copy / "staff.yaml", "--png", folder,
                     "-o", tmp_path / "b.pdf")
    else:
        result = cli("work-orders", *inputs(examples_copy, "work-orders"), "--format", "docx",
                     "-o", f"{folder}/")
    assert result.code == 2, result
    assert "Traceback" not in result.err and "cannot write into" in result.err, result.err
    assert not (tmp_path / "b.pdf").exists()


def test_the_error_comes_before_a_2000_page_batch_is_made(tmp_path, cli, monkeypatch):
    """Nothing is loaded, let alone laid out, once the output is known to be unwritable."""
    import generator.commands.forms
    import generator.form

    def too_late(*args, **kwargs):
        raise AssertionError("work began before the output folder was checked")
    monkeypatch.setattr(generator.commands.forms, "load", too_late)
    monkeypatch.setattr(generator.form, "layout_record", too_late)
    data = _big_batch(tmp_path, 2000)
    start = time.perf_counter()
    result = cli("work-orders", *data, "-o", unwritable_folder(tmp_path) / "orders.pdf")
    assert result.code == 2 and "cannot write into" in result.err, result
    assert time.perf_counter() - start < 2


# ------------------------------------------------------------------------------ failed runs
def break_data(folder: Path, command: str) -> None:
    """Text that cannot print as typed (a control character): every command stops, exit 2."""
    if command == "equipment":
        path = folder / "equipment.yaml"
        text = path.read_text("utf-8").replace("equipment:", "equipment:\n  - {id: \"X\x07\", "
                                                "kind: helmet, manufactured: 2025-01, "
                                                "holder: nobody-such}", 1)
    elif command in ("badges", "service-cards"):
        path = folder / "staff.yaml"
        text = path.read_text("utf-8").replace("staff:", "staff:\n  - {id: \"X1\", name: "
                                                "\"坏\\u0007名\"}", 1)
    else:
        path = folder / "work_orders.yaml"
        text = path.read_text("utf-8").replace("work_orders:", "work_orders:\n  - {id: X1, "
                                                "kind: repair, received: 2026-11-21T09:00:00, "
                                                "completed: 2026-11-21T10:00:00, "
                                                "customer: {name: \"坏\\u0007名\"}}", 1)
    path.write_text(text, "utf-8")


@pytest.mark.parametrize("command, extra, suffix", OUTPUTS, ids=IDS)
def test_a_failed_run_keeps_the_previous_file_and_leaves_no_temporary(
        examples_copy, tmp_path, cli, command, extra, suffix):
    break_data(examples_copy, command)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"out{suffix}"
    target.write_bytes(b"previous")
    result = cli(command, *inputs(examples_copy, command), *extra, "-o", target)
    assert result.code == 2, result
    assert "Traceback" not in result.err, result.err
    assert target.read_bytes() == b"previous"
    assert [p.name for p in out_dir.iterdir()] == [target.name]


# ------------------------------------------------------------------------------ killed
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_killed_word_batch_leaves_the_previous_file(tmp_path, sig):
    """The previous document or the complete new one, whenever the signal lands."""
    data = _big_batch(tmp_path, KILL_BATCH)
    target = tmp_path / "out" / "orders.docx"
    target.parent.mkdir()
    previous = docx.Document()
    previous.add_paragraph("上一次的工单")
    previous.save(target)
    before = target.read_bytes()
    code, err = kill_mid_batch(target, data, sig)
    if target.read_bytes() == before:
        assert "上一次的工单" in docx.Document(target).paragraphs[0].text
        if sig == signal.SIGINT:
            assert code == 130 and b"Traceback" not in err, err.decode(errors="replace")
            assert [p.name for p in target.parent.iterdir()] == ["orders.docx"]
    else:
        assert len(docx.Document(target).paragraphs) > KILL_BATCH


# ------------------------------------------------------------------------------ inputs
def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                    p.stat().st_mtime_ns, p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_no_command_modifies_its_inputs(examples_copy, tmp_path, cli):
    """Every command, every format, with the user's own layouts and Word template, over the
    YAML, CSV and Excel examples: the input folder is byte-for-byte and time-for-time as it
    was, with no file added (no temporary, no cache)."""
    from generator.content import content_dir
    mine = examples_copy / "mine"
    mine.mkdir()
    shutil.copy(content_dir("badges") / "service-card.yaml", mine / "card.yaml")
    shutil.copy(content_dir("forms") / "work-order.yaml", mine / "form.yaml")
    shutil.copy(content_dir("templates") / "confirmation.docx", mine / "template.docx")
    old = time.time() - 86400
    for path in examples_copy.rglob("*"):
        os.utime(path, (old, old))       # an mtime a rewrite could not reproduce by chance
    before = snapshot(examples_copy)
    out = tmp_path / "out"
    yaml_orders = inputs(examples_copy, "work-orders")
    runs = [("validate", *sorted(examples_copy.glob("*.yaml")))]
    runs += [(c, *inputs(examples_copy, c), *extra, "-o", out / f"{c}{suffix}")
             for c, extra, suffix in OUTPUTS]
    runs += [
        ("badges", examples_copy / "staff.xlsx", "--png", out / "png", "-o", out / "x.pdf"),
        ("service-cards", examples_copy / "staff.yaml", "--layout",
         mine / "card.yaml", "-o", out / "card.pdf"),
        ("work-orders", examples_copy / "work_orders.csv", examples_copy / "staff.yaml",
         "--layout", mine / "form.yaml", "-o", out / "csv.pdf"),
        ("confirmations", *yaml_orders, "--format", "docx", "--template",
         mine / "template.docx", "-o", f"{out / 'word'}/"),
        ("confirmations", examples_copy / "company.yaml", "--blank", "-o", out / "blank.pdf"),
        ("equipment", examples_copy / "equipment.xlsx", "--as-of", "2026-11-21",
         "-o", out / "xlsx.json"),
    ]
    for args in runs:
        result = cli(*args)
        assert result.code == 0, (args, result)
    assert snapshot(examples_copy) == before
