"""Every command explains itself in plain words, with an example."""
from __future__ import annotations

import click
import pytest

from generator.cli import cli as group


def _commands(command: click.Command, prefix=()):
    yield prefix, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, prefix + (name,))


@pytest.mark.parametrize("path", [p for p, _ in _commands(group)], ids=lambda p: " ".join(p) or "fieldprint")
def test_help_says_what_and_shows_an_example(cli, path):
    result = cli(*path, "--help")
    assert result.code == 0, result
    assert "Usage: fieldprint" in result.out
    assert "fieldprint " in result.out.split("Options:")[0].split("\n", 2)[-1], \
        f"no example in the help of {' '.join(path)}"
    assert "Example" in result.out, result.out


def test_exported_layouts_work_with_layout_option(tmp_path, cli):
    from pathlib import Path
    EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
    assert cli("layouts", "export", tmp_path / "mine").code == 0
    listed = cli("layouts", "list").out
    for name in ("badge", "badge-insert", "service-card", "work-order", "confirmation"):
        assert name in listed
    out = tmp_path / "b.pdf"
    result = cli("badges", EXAMPLES / "staff.yaml", "--layout", tmp_path / "mine/badges/badge.yaml",
                 "--only", "SZ10023", "-o", out)
    assert result.code == 0 and out.stat().st_size > 0, result
    again = cli("layouts", "export", tmp_path / "mine")  # never overwrites an edited copy
    assert again.code == 0 and "kept" in again.out


def test_export_never_writes_through_a_link(tmp_path, cli):
    """A link in the folder, even a broken one, is kept: copying onto it wrote the layout
    wherever it pointed, outside the folder."""
    mine = tmp_path / "mine" / "badges"
    mine.mkdir(parents=True)
    outside = tmp_path / "outside.yaml"
    (mine / "badge.yaml").symlink_to(outside)
    result = cli("layouts", "export", tmp_path / "mine")
    assert result.code == 0, result
    assert not outside.exists() and (mine / "badge.yaml").is_symlink()
    assert f"kept {mine / 'badge.yaml'}" in result.out
    assert (mine / "cr80.yaml").is_file()


@pytest.mark.parametrize("args, quiet", [(["-q", "template", "x.xlsx"], True),
                                         (["template", "x.xlsx", "-q"], True),
                                         (["template", "x.xlsx", "--quiet"], True),
                                         (["template", "x.xlsx"], False)])
def test_quiet_goes_before_or_after_the_command(args, quiet):
    """The trial: `fieldprint equipment … -q` said there is no -q, though --help lists it."""
    from generator import progress
    from generator.cli import cli as group
    with group.make_context("fieldprint", list(args)) as root:
        name, command, rest = group.resolve_command(root, root._protected_args + root.args)
        with command.make_context(name, rest, parent=root):
            assert progress._quiet() is quiet


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_cites_the_standard_by_its_name_never_our_spec(cli, lang):
    """Issue 19.5: users have the standard, not our SPEC.md: `equipment --help` names it by its
    title (seeds/002: 终端装维人员上门服务规范（2020修订版）), and no command's help cites SPEC."""
    for path, _command in _commands(group):
        result = cli("--lang", lang, *path, "--help")
        assert result.code == 0, result
        assert "SPEC" not in result.out, (path, result.out)
    equipment = cli("--lang", lang, "equipment", "--help").out
    if lang == "zh":
        assert "规则依据《终端装维人员上门服务规范（2020修订版）》" in equipment
    else:
        assert "from the standard 终端装维人员上门服务规范 (2020 revision)" in equipment
