"""docs/使用说明.md, the Chinese user guide: every command in it runs as written (in a copy of the
examples), its pictures exist, and the README links it in its first lines (issue 16)."""
from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "使用说明.md"


def _commands() -> list[str]:
    """Every `fieldprint ...` line of the guide's ```sh blocks (the ones a user copies)."""
    text = GUIDE.read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        lines += [line.strip() for line in block.splitlines() if line.startswith("fieldprint ")]
    # `fieldprint serve` starts the web app and waits: its commands are run by the web app's
    # own tests (tests/test_web*.py), not here
    return [line for line in lines if not line.startswith("fieldprint serve")]


def test_the_guide_has_commands_and_pictures():
    text = GUIDE.read_text(encoding="utf-8")
    assert len(_commands()) >= 12
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(pictures) >= 9
    for picture in pictures:
        assert (GUIDE.parent / picture).is_file(), picture
    for link in re.findall(r"\]\(([^)#:]+\.md)\)", text):
        assert (GUIDE.parent / link).is_file(), link
    for heading in ("安装", "Windows", "Linux", "工号牌", "工单", "劳动防护用品", "提示信息是什么意思",
                    "fieldprint serve"):
        assert heading in text


def test_the_readme_links_the_guide_in_its_first_lines():
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:8]
    assert any("docs/使用说明.md" in line for line in head), head


@pytest.mark.chinese
@pytest.mark.parametrize("command", _commands())
def test_every_command_of_the_guide_runs(command, tmp_path, cli, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)[1:]
    result = cli(*args)
    expected = 1 if "--fail-on" in args else 0   # the guide says: exit 1 when something is overdue
    assert result.code == expected, result
    assert "Traceback" not in result.err
    if "-o" in args:
        target = Path(args[args.index("-o") + 1])
        assert target.exists(), target
        if target.is_file():
            assert target.stat().st_size > 0
    if "--png" in args:
        assert any(Path(args[args.index("--png") + 1]).glob("*.png"))
    # Chinese by default: what the guide's reader sees on the screen is Chinese
    said = (result.out + result.err).strip()
    assert not said or re.search(r"[\u4e00-\u9fff]", said), said
    assert os.getcwd() == str(tmp_path)


# ------------------------------------------------------------------ README and --help examples
# An example a user copies must run as written (the trial: README's and `fieldprint --help`'s
# work_orders.xlsx, which examples/ does not have): README's from the project root, the help's
# (which name the files a user has, staff.xlsx: no examples/ folder after pip install) in the
# examples folder. Not run, only their files checked: the web app (it starts a server and
# waits) and chat notices (they post).
NOT_RUN = ("fieldprint serve", "--notify")
DATA_FILE = re.compile(r"\.(xlsx|csv|yaml|yml)$")


def _readme_commands() -> list[str]:
    """The `fieldprint ...` lines of README's code blocks (sh, PowerShell, text), in order,
    without their comments; PowerShell's `examples\\staff.yaml` read with `/`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = []
    for kind, block in re.findall(r"```(sh|powershell|text)\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("fieldprint "):
                line = line.split("  #")[0].split(" # ")[0].strip()
                lines.append(line.replace("\\", "/") if kind == "powershell" else line)
    return lines


def _help_commands() -> dict[str, list[str]]:
    """Each command's --help examples (the lines under "Examples:"), by command."""
    from click.testing import CliRunner

    from generator.cli import cli as group
    found = {}

    def visit(command, path):
        result = CliRunner().invoke(group, [*path, "--help"], env={"FIELDPRINT_LANG": "en"})
        lines, inside = [], False
        for line in result.output.splitlines():
            if line.strip() == "Examples:":
                inside = True
            elif inside and line.strip().startswith("fieldprint "):
                lines.append(re.split(r"\s{2,}", line.strip())[0])
            elif inside and not line.strip():
                inside = False
        found[" ".join(path) or "fieldprint"] = lines
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            visit(sub, [*path, name])
    visit(group, [])
    return found


def _run_in_order(commands: list[str], cli, writes: tuple[str, ...] = ()) -> None:
    """Run `commands` one after the other, in the current folder (a later one may use what an
    earlier one wrote: `--changed-since badges.csv`); each file one reads must be there
    (`writes`: the commands whose file arguments are written, not read)."""
    for command in commands:
        args = []
        for arg in shlex.split(command)[1:]:   # the shell's (click's, on Windows) wildcards
            args += sorted(glob.glob(arg)) or [arg] if "*" in arg else [arg]
        if args[0] not in writes:
            for i, arg in enumerate(args):
                if DATA_FILE.search(arg) and (i == 0 or args[i - 1] not in (
                        "-o", "--output", "--changed-since")) and "my-layouts" not in arg:
                    assert Path(arg).exists(), (command, arg)   # a file the project has
        if any(part in command for part in NOT_RUN):
            continue
        if args[0] == "template":   # it writes a new file: where there is none yet
            here = os.getcwd()
            os.makedirs("new", exist_ok=True)
            os.chdir("new")
            result = cli(*args)
            os.chdir(here)
        else:
            result = cli(*args)
        expected = (0, 1) if "--fail-on" in args else (0,)   # 1: something is overdue
        assert result.code in expected, (command, result)
        assert "Traceback" not in result.err, (command, result.err)


def test_every_command_of_the_readme_runs_from_the_project_root(tmp_path, cli, monkeypatch):
    commands = _readme_commands()
    assert len(commands) >= 30 and any("work_orders" in c for c in commands)
    shutil.copytree(ROOT / "examples", tmp_path / "examples",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.chdir(tmp_path)
    _run_in_order(commands, cli, writes=("template", "layouts"))


@pytest.mark.parametrize("command", sorted(_help_commands()))
def test_every_example_of_the_help_runs_in_the_examples_folder(command, tmp_path, cli,
                                                                monkeypatch):
    examples = _help_commands()[command]
    assert examples, command
    shutil.copytree(ROOT / "examples", tmp_path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.chdir(tmp_path)
    _run_in_order(examples, cli, writes=("template", "layouts"))
