"""No English left in the Chinese interface, no Chinese in the English one (issue 16).

Every command's --help and a set of failing inputs run in Chinese (the default) and in English.
In Chinese, what remains after taking out what may stay as it is — option names, file names,
codes and IDs, YAML keys, command and layout names, units and format names (PDF, Excel, QR,
CSV …), quoted data — must hold no English word. In English, no Chinese may remain outside the
data the user wrote and the documents' own names (工号牌 …).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import pytest

from generator.cli import cli as group

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _commands(command: click.Command, prefix=()):
    yield prefix, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, prefix + (name,))


COMMANDS = [path for path, _command in _commands(group)]


def _names_in_the_code() -> set[str]:
    """Words that are names, not English: commands, options, choices' keys, YAML keys,
    layout names."""
    from generator.data import headers
    from generator.data.dataset import MODELS
    from generator.data.models import SECTIONS, Company
    from generator.equipment.rules import Policy
    names: set[str] = set()
    for path, command in _commands(group):
        names.update(path)
        for param in command.params:
            names.add(param.name or "")
            names.update(o.lstrip("-") for o in [*param.opts, *param.secondary_opts])
            choices = getattr(param.type, "choices", ())
            names.update(str(c) for c in choices)
    models = [Company, Policy, *MODELS.values()]
    while models:
        model = models.pop()
        for name, info in getattr(model, "model_fields", {}).items():
            names.update({name, info.alias or name})
            for arg in getattr(info.annotation, "__args__", ()) + (info.annotation,):
                if hasattr(arg, "model_fields") and arg not in models:
                    models.append(arg)
    names.update(SECTIONS)
    for section, columns in headers.COLUMNS.items():
        names.add(section)
        for field in columns:
            names.update(field.split("."))
    for folder in ("badges", "forms"):
        names.update(p.stem for p in (ROOT / folder).glob("*.yaml"))
    names |= {part for n in names for part in n.split("-")}
    return {n for n in names if n} | {"outdir", "nophoto", "nothere", "foo", "bad", "indent"}


# Names of formats, units, programs and standards, written the same in Chinese text.
ALLOWED = {
    "PDF", "pdf", "Excel", "Word", "QR", "CSV", "csv", "YAML", "yaml", "JSON", "json", "PNG",
    "png", "JPEG", "SVG", "ICS", "ics", "xlsx", "docx", "UTF", "GBK", "GB18030", "BOM", "A4",
    "A5", "mm", "pt", "dpi", "ID", "SPEC", "Code", "fieldprint", "zh", "en", "FIELDPRINT_LANG",
    "wecom", "dingtalk", "feishu", "https", "KEY", "true", "false", "table", "IPTV",
    "lines", "min_size", "Jinja2", "Linux", "Windows", "PowerShell", "retired", "id",
    "FIELDPRINT_NOTIFY_SECRET", "TrimBox", "BleedBox", "X", "Y", "MB", "GB", "KB",
}
STOCK = ["Usage", "Options", "Commands", "Error", "unknown field", "did you mean", "Did you mean",
         "nothing was written", "problem found", "problems found", "warning", "Try ", "Missing",
         "No such", "is not one of", "Show this message", "default:", "required", "Aborted"]

_TOKEN = re.compile(
    r"'[^'\n]*'"                               # quoted: data, keys, values the user wrote
    r"|\"[^\"\n]*\""
    r"|https?://\S+"
    r"|--?[A-Za-z][\w-]*"                      # option names
    r"|\b\w+\[\d+\](?:\.\w+|\[\d+\])*"            # where in a YAML file: staff[1].phnoe
    r"|[\w.*~-]*[/\\][\w./\\*<>~-]*"           # paths
    r"|[\w*-]+\.(?:yaml|yml|csv|xlsx|xls|pdf|docx|png|jpg|jpeg|ics|json|md|txt|mo|po)\b"
    r"|\b[A-Z]{1,3}-?\d[\w-]*"                 # IDs: SZ10023, WO-20261121-0001, H-0007
    r"|\{[^{}\n]*\}")                          # a YAML/mapping example in a message


def english_left(text: str, names: set[str]) -> list[str]:
    """English words in `text` once names, paths, options, quoted data and examples are out."""
    kept = []
    for line in text.splitlines():
        if line.strip().startswith("fieldprint "):
            continue  # an example command line
        if re.match(r"^\s+[a-z_]+: \S+", line):
            continue  # a YAML example (helmet_life_months: 30)
        kept.append(_TOKEN.sub(" ", line))
    words = re.findall(r"[A-Za-z][A-Za-z0-9_]*", "\n".join(kept))
    return [w for w in words if w not in names and w not in ALLOWED]


# Chinese that may appear in English: the documents' own names and the examples' data.
DOCUMENT_NAMES = ["装维工单", "工号牌", "服务卡", "工单", "服务确认书", "回访单", "安全帽", "绝缘鞋",
                  "检查记录", "花名册", "电信特约服务商", "台账", "服务用语口袋卡", "服务用语",
                  "终端装维人员上门服务规范"]   # the standard (seeds/002), cited by its name
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def chinese_left(text: str, data: list[str]) -> list[str]:
    # a name the help's wrapping broke across two lines is still the name
    text = re.sub(r"(?<=[\u4e00-\u9fff])\n\s+(?=[\u4e00-\u9fff])", "", text)
    for word in sorted(DOCUMENT_NAMES + data, key=len, reverse=True):
        text = text.replace(word, " ")
    text = re.sub(r"'[^'\n]*'", " ", text)          # quoted data
    text = re.sub(r"\S*[/\\]\S*|[^\s(（,，]+\.(?:yaml|csv|xlsx|pdf|docx|jpg|jpeg|png)\b", " ", text)  # paths
    return [line for line in text.splitlines() if CJK.search(line)]


@pytest.fixture(scope="module")
def names():
    return _names_in_the_code()


@pytest.mark.chinese
@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "fieldprint")
def test_help_in_chinese_has_no_english(cli, names, path):
    result = cli(*path, "--help")
    assert result.code == 0, result
    assert result.out.startswith("用法: fieldprint")
    left = english_left(result.out, names)
    assert not left, f"English in `fieldprint {' '.join(path)} --help`: {left}\n{result.out}"
    for phrase in STOCK:
        assert phrase not in result.out
    # what it makes and for whom, then examples
    assert "示例：" in result.out
    assert "fieldprint " in result.out.split("示例：")[1]


@pytest.mark.chinese
@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "fieldprint")
def test_help_in_english_has_no_chinese(cli, path):
    result = cli("--lang", "en", *path, "--help")
    assert result.code == 0, result
    assert not chinese_left(result.out, ["检查记录", "花名册.xlsx"]), result.out


# ---------------------------------------------------------------- failing inputs
BAD_YAML = """company:
  name: 测试公司
staff:
  - id: SZ1
    name: 张三
    phnoe: "13800000000"
    stars: 9
    photo: nophoto.jpg
  - id: SZ1
    name: 李四
"""
def _layouts_required() -> list[str]:
    """Why a built-in card layout requires a field (`required:`): the layout's own words, in
    Chinese like the card it prints (validate warns with them: the service card's complaint
    phone)."""
    import yaml
    from generator.content import content_dir
    found = set()
    for path in content_dir("badges").glob("*.yaml"):
        layout = yaml.safe_load(path.read_text(encoding="utf-8"))
        for side in ("front", "back"):
            found.update(e["required"] for e in layout.get(side) or [] if e.get("required"))
    return sorted(found)


DATA = ["测试公司", "张三", "李四", "上面", "花名册.csv", "吴海涛", "沈国平", "周雨婷", "朱文斌", "钱俊",
        "欧阳志远", "陈晓峰", "陆佳怡", "星级", "工号", *_layouts_required()]

CASES = {
    "unknown field, range, missing photo, duplicate id": ["validate", "bad.yaml"],
    "YAML indentation": ["validate", "indent.yaml"],
    "spreadsheet: empty required cell, not a number": ["validate", "花名册.csv"],
    "missing file": ["validate", "nothere.yaml"],
    "no data argument": ["badges"],
    "wrong choice": ["badges", "examples/staff.yaml", "--side", "上面"],
    "number out of range": ["badges", "examples/staff.yaml", "--jobs", "-1"],
    "unknown --only": ["badges", "examples/staff.yaml", "--only", "SZ1002"],
    "output is a folder": ["badges", "examples/staff.yaml", "-o", "outdir"],
    "no work orders": ["work-orders", "examples/staff.yaml"],
    "impossible date": ["equipment", "examples/equipment.yaml", "--as-of", "2026-13-01"],
    "fail-on finds something": ["equipment", "examples/equipment.yaml", "--as-of",
                                "2026-11-21", "--fail-on", "overdue", "-o", "e.csv"],
    "template name says nothing": ["template", "foo.xlsx"],
    "unknown command": ["badgs"],
    "unknown option": ["badges", "examples/staff.yaml", "--bogus"],
    "unknown subcommand": ["layouts", "lst"],
    "wrong --lang": ["--lang", "xx", "--help"],
    "missing photo": ["badges", "nophoto.yaml", "-o", "b.pdf"],
    "layout without --format pdf": ["equipment", "examples/equipment.yaml", "--layout", "x",
                                    "--format", "csv"],
}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES, tmp_path / "examples",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (tmp_path / "bad.yaml").write_text(BAD_YAML, encoding="utf-8")
    (tmp_path / "indent.yaml").write_text("staff:\n  - id: SZ1\n   name: 张三\n", encoding="utf-8")
    (tmp_path / "花名册.csv").write_text("工号,姓名,星级\nSZ1,张三,abc\n,李四,3\n", encoding="utf-8")
    (tmp_path / "nophoto.yaml").write_text(
        "company: {name: 测试公司}\nstaff:\n  - {id: SZ1, name: 张三, photo: photos/SZ1.jpg}\n",
        encoding="utf-8")
    (tmp_path / "outdir").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.chinese
@pytest.mark.parametrize("case", list(CASES))
def test_failing_inputs_in_chinese_have_no_english(cli, names, folder, case):
    result = cli(*CASES[case])
    assert result.code in (1, 2), result
    said = result.out + result.err
    assert "Traceback" not in said
    left = english_left(said, names)
    assert not left, f"English in {case}: {left}\n{said}"
    for phrase in STOCK:
        assert phrase not in said, (phrase, said)
    assert CJK.search(said)


@pytest.mark.chinese
@pytest.mark.parametrize("case", list(CASES))
def test_failing_inputs_in_english_have_no_chinese(cli, folder, case):
    result = cli("--lang", "en", *CASES[case])
    assert result.code in (1, 2), result
    said = result.out + result.err
    assert not chinese_left(said, DATA), said


def test_the_detector_finds_english_and_lets_names_through():
    names = {"photo", "staff", "badges"}
    assert english_left("staff[1].photo: 找不到文件：photos/x.jpg", names) == []
    assert english_left("用法: fieldprint badges [选项]\n    fieldprint badges a.yaml -o b.pdf",
                        names) == []
    assert english_left("bad.yaml:7:5: 'SZ1' 不在花名册上", names) == []
    assert english_left("file not found: x.jpg", names) == ["file", "not", "found"]
    assert english_left("Usage: fieldprint", names) == ["Usage"]
    assert chinese_left("wrote 工号牌.pdf: 3 badges (工号牌 75×100)", []) == []
    assert chinese_left("错误: x", []) == ["错误: x"]


# What a user reads is made by these: their message must come from the catalog (_("...")),
# not be an English literal written in place (the layout checks, a sheet's name and the Word
# templates' checks were English in the Chinese interface).
_SAYS = {"Problem", "UserError", "BadParameter", "UsageError", "ClickException"}


def _english_literal(node) -> bool:
    import ast
    if isinstance(node, ast.JoinedStr):   # f"..." with words in it (f"{where}: {exc}" is not)
        return any(isinstance(part, ast.Constant) and part.value.strip(" :;,.()")
                   for part in node.values)
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    if isinstance(node, ast.BinOp):
        return _english_literal(node.left) or _english_literal(node.right)
    return False


def test_every_message_in_the_code_goes_through_the_catalog():
    import ast
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name in _SAYS and _english_literal(node.args[0]):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: "
                             f"{ast.unparse(node.args[0])[:80]}")
    assert not found, "messages written in place, not through _():\n" + "\n".join(found)
