"""docs/使用说明.md, the Chinese user guide: every command in it runs as written (in a copy of the
examples), its pictures exist, and the README links it in its first lines (issue 16)."""
from __future__ import annotations

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
    for heading in ("安装", "Windows", "Linux", "工号牌", "工单", "安全用具", "提示信息是什么意思",
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
