"""Loading and validation: every user mistake is a file:line:column message and exit 2."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from generator.data.dataset import load_dataset
from generator.errors import UserError

COMPANY = """\
company:
  name: 苏州测试通信工程有限公司
  hotline: "10000"
"""
STAFF = """\
staff:
  - id: "SZ001"
    name: 王建国
    photo: photos/SZ001.jpg
  - id: "SZ002"
    name: 李秀英
"""
ORDERS = """\
work_orders:
  - id: WO-1
    kind: repair
    received: 2026-11-21T09:12:00
    customer: {name: 李女士, phone: "13800000000"}
    engineer: SZ001
"""


@pytest.fixture
def data(tmp_path) -> Path:
    (tmp_path / "photos").mkdir()
    Image.new("RGB", (30, 40), "white").save(tmp_path / "photos" / "SZ001.jpg")
    (tmp_path / "company.yaml").write_text(COMPANY, encoding="utf-8")
    (tmp_path / "staff.yaml").write_text(STAFF, encoding="utf-8")
    (tmp_path / "orders.yaml").write_text(ORDERS, encoding="utf-8")
    return tmp_path


def problems_of(*paths) -> list[str]:
    with pytest.raises(UserError) as info:
        load_dataset(paths)
    return [str(p) for p in info.value.problems]


def test_valid_data_loads_merges_and_finds_company_beside(data):
    ds = load_dataset([data / "staff.yaml", data / "orders.yaml"])
    assert ds.company.name == "苏州测试通信工程有限公司"  # company.yaml beside the first file
    assert [p.id for p in ds.staff] == ["SZ001", "SZ002"]
    assert ds.staff[0].photo == data / "photos" / "SZ001.jpg"  # relative to the naming file
    assert ds.work_orders[0].received == dt.datetime(2026, 11, 21, 9, 12)
    assert ds.person("SZ001").name == "王建国"


def test_loading_leaves_the_cycle_collector_as_it_found_it(data):
    """The collector is paused while reading (dataset._collector_paused): on again after a
    load and after a load that stops on a problem; still off when the caller had it off."""
    import gc
    assert gc.isenabled()
    load_dataset([data / "staff.yaml", data / "orders.yaml"])
    assert gc.isenabled()
    (data / "orders.yaml").write_text(ORDERS.replace("SZ001", "SZ01"), encoding="utf-8")
    problems_of(data / "staff.yaml", data / "orders.yaml")
    assert gc.isenabled()
    gc.disable()
    try:
        problems_of(data / "staff.yaml", data / "orders.yaml")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_validate_command_ok(data, cli):
    result = cli("validate", data / "staff.yaml", data / "orders.yaml")
    assert result.code == 0, result
    assert "2 staff" in result.out and "1 work orders" in result.out


@pytest.mark.parametrize("text, expected", [
    # bad indentation
    (STAFF.replace('    name: 李秀英', '   name: 李秀英'), "staff.yaml:6:4:"),
    # a tab
    (STAFF.replace('    name: 王建国', '\tname: 王建国'), "staff.yaml:3:1: found character that cannot start any token (a tab"),
    # an unknown key, with a suggestion
    (STAFF.replace('    name: 李秀英', '    name: 李秀英\n    phnoe: "1"'),
     "staff.yaml:7:5: staff[2].phnoe: unknown field 'phnoe'; did you mean 'phone'?"),
    # a duplicate id
    (STAFF.replace('"SZ002"', '"SZ001"'), "staff.yaml:5:5: staff[2].id: duplicate id 'SZ001' (first at "),
    # a duplicate key in one mapping
    (STAFF.replace('    name: 李秀英', '    name: 李秀英\n    name: 李秀\n'),
     "staff.yaml:7:5: duplicate key 'name' (first at line 6)"),
    # a missing photo
    (STAFF.replace('SZ001.jpg', 'x.jpg'), "staff.yaml:4:5: staff[1].photo: file not found: photos/x.jpg"),
    # a list where a mapping belongs
    (STAFF.replace('  - id: "SZ002"\n    name: 李秀英\n', '  - [SZ002, 李秀英]\n'),
     "staff.yaml:5:5: staff[2]: should be a mapping of fields"),
    # an empty file
    ("", "staff.yaml: the file is empty"),
    # an unknown section
    ("stuff:\n  - id: x\n", "staff.yaml:1:1: unknown section 'stuff'; did you mean 'staff'?"),
])
def test_broken_staff_file(data, text, expected):
    (data / "staff.yaml").write_text(text, encoding="utf-8")
    found = problems_of(data / "staff.yaml")
    assert any(expected in p for p in found), found


def test_impossible_date_and_unknown_engineer_reported_together(data):
    broken = ORDERS.replace("2026-11-21T09:12:00", "2026-02-30").replace("SZ001", "SZ01")
    (data / "orders.yaml").write_text(broken, encoding="utf-8")
    found = problems_of(data / "staff.yaml", data / "orders.yaml")
    assert any(p.startswith(f"{data / 'orders.yaml'}:4:5: work_orders[1].received: impossible date")
               for p in found), found
    # the order is invalid, and its engineer is checked all the same: both in one run
    assert any("orders.yaml:6:5: work_orders[1].engineer: engineer 'SZ01' is not on the staff "
               "list; did you mean 'SZ001'?" in p for p in found), found


def test_all_errors_at_once(data):
    broken = STAFF.replace('"SZ002"', '"SZ001"').replace("SZ001.jpg", "x.jpg") \
        .replace("    name: 李秀英", "    nam: 李秀英")
    (data / "staff.yaml").write_text(broken, encoding="utf-8")
    assert len(problems_of(data / "staff.yaml")) >= 3



@pytest.mark.parametrize("command", ["validate", "badges"])
def test_every_problem_of_the_staff_list_at_once(data, cli, command):
    """A record with a missing photo and a bad field that also repeats an id: the photo, the
    field and the duplicate id, in one run, whichever command reads it (badges used to say
    the field, then the duplicate on the next run, then the photo on the third)."""
    broken = STAFF.replace('"SZ002"', '"SZ001"').replace("    name: 李秀英",
                                                         "    name: 李秀英\n    stars: 7\n"
                                                         "    photo: photos/nobody.jpg")
    (data / "staff.yaml").write_text(broken, encoding="utf-8")
    result = cli(command, data / "staff.yaml",
                 *(["-o", data / "b.pdf"] if command == "badges" else []))
    assert result.code == 2, result.err
    assert "staff[2].photo: file not found: photos/nobody.jpg" in result.err
    assert "staff[2].stars:" in result.err
    assert "staff[2].id: duplicate id 'SZ001' (first at" in result.err
    if command == "badges":   # and, in the same run, what the first person's badge lacks
        assert "staff.yaml:2:5: SZ001 王建国: qr (front): no QR code given" in result.err
        assert "4 problems found" in result.err
    else:   # what only the badges refuse is a warning (the photo may come later), with its fix
        assert "warning: " in result.err and "no QR code given" in result.err
        assert ("warning: " + str(data / "staff.yaml") + ":8:5: staff[2].photo: file not "
                "found: photos/nobody.jpg; fix it, or run with --allow-missing-photos to print "
                "a placeholder") in result.err
        assert "2 problems found" in result.err
    assert not (data / "b.pdf").exists()


@pytest.mark.parametrize("command", ["validate", "badges"])
@pytest.mark.parametrize("other_problem", [True, False])
def test_the_data_is_read_once_and_a_missing_photo_said_with_the_rest(data, cli, monkeypatch,
                                                                    command, other_problem):
    """A missing photo is said with the data's other problems, and validate checks the
    badges of data whose only problem is a missing file: from one reading of the data
    (missing_files="apart" keeps the files apart), not one per kind of message."""
    import generator.data.dataset as dataset
    real, calls = dataset.load_dataset, []

    def counted(*a, **k):
        calls.append(k.get("missing_files"))
        return real(*a, **k)
    monkeypatch.setattr(dataset, "load_dataset", counted)
    broken = STAFF.replace("photos/SZ001.jpg", "photos/nobody.jpg")
    if other_problem:
        broken = broken.replace("    name: 李秀英", "    name: 李秀英\n    stars: 7")
    (data / "staff.yaml").write_text(broken, encoding="utf-8")
    result = cli(command, data / "staff.yaml",
                 *(["-o", data / "b.pdf"] if command == "badges" else []))
    # validate: a missing photo alone is the badges' warning (photos may come later), exit 0
    assert result.code == (0 if command == "validate" and not other_problem else 2), result.err
    assert calls == ["apart"]
    # the card says it, by the person's name, with its fix: also beside another problem
    # (the trial: the fix was given only when the photo was the person's only problem)
    assert "SZ001 王建国: photo (front): file not found" in result.err
    assert "staff[1].photo" not in result.err
    assert ("staff[2].stars:" in result.err) == other_problem
    assert "or run with --allow-missing-photos to print a placeholder" in result.err
    assert result.err.count("nobody.jpg") == 1           # said once, not again by the card


def test_validate_says_a_missing_qr_picture_once(data, cli):
    """A file already said to be missing is not said again by the badge check (the check is
    told which files were said, CardRun.missing_said)."""
    (data / "staff.yaml").write_text(STAFF.replace("    name: 李秀英", "    name: 李秀英\n"
                                                   "    qr_image: codes/none.png"),
                                     encoding="utf-8")
    result = cli("validate", data / "staff.yaml")
    assert result.code == 0, result.err   # a warning: what only the cards refuse
    assert ("SZ002 李秀英: qr_image (front): file not found: " in result.err)
    assert result.err.count("none.png") == 1 and "problem" not in result.err
    # with its fix, as badges says it (no option prints without a QR picture)
    fix = "none.png; fix the picture, or give the code's link or text instead of it"
    assert fix in result.err
    badges = cli("badges", data / "staff.yaml", "-o", data / "b.pdf")
    assert badges.err.endswith("problems found; nothing was written.\n"), badges
    assert fix in badges.err


@pytest.mark.parametrize("command", ["validate", "badges", "work-orders"])
def test_warnings_are_said_with_the_problems(data, cli, command):
    """An id read as text (00123) is a warning; a bad field in the same file is a problem:
    both in the one run, not the warning only once the problem is fixed."""
    broken = STAFF.replace('"SZ002"', "00123").replace("    name: 李秀英",
                                                       "    name: 李秀英\n    stars: 7")
    (data / "staff.yaml").write_text(broken, encoding="utf-8")
    result = cli(command, data / "staff.yaml",
                 *(["-o", data / "b.pdf"] if command != "validate" else []))
    assert result.code == 2, result.err
    assert "warning: " in result.err and "00123 was read as text '00123'" in result.err
    # badges: and what each badge lacks (no QR code, no photo), the row with the bad
    # stars too, in the same run; work-orders: that row is a warning (no order names it)
    assert "staff[2].stars:" in result.err and (
        "4 problems found" if command == "badges" else "1 problem found") in result.err
    if command == "badges":   # 李秀英 has neither photo nor QR code: said with her stars
        # (both people lack a QR code: that is one line naming both)
        assert ": 00123 李秀英: " in result.err and "00123 李秀英 (line 5)" in result.err

@pytest.mark.parametrize("content, expected", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "this is a binary file"),
    ("staff:\n  - id: 张三\n".encode("gbk"), "not UTF-8 text"),
])
def test_unreadable_files(tmp_path, content, expected, cli):
    path = tmp_path / "staff.yaml"
    path.write_bytes(content)
    result = cli("validate", path)
    assert result.code == 2
    assert expected in result.err and "Traceback" not in result.err


def test_missing_file_and_directory(tmp_path, cli):
    result = cli("validate", tmp_path / "nope.yaml", tmp_path)
    assert result.code == 2
    assert "nope.yaml: file not found" in result.err
    assert "is a folder, not a data file" in result.err
    assert "2 problems found" in result.err


def test_leading_zeros_kept_and_warned(tmp_path, cli):
    path = tmp_path / "staff.yaml"
    path.write_text("staff:\n  - id: 00123\n    name: 王五\n    phone: 13800000000\n",
                    encoding="utf-8")
    ds = load_dataset([path])
    assert ds.staff[0].id == "00123" and ds.staff[0].phone == "13800000000"
    assert any("00123" in str(w) and "quotes" in str(w) for w in ds.warnings)
    result = cli("validate", path)
    assert result.code == 0 and "warning:" in result.err and "staff.yaml:2:9" in result.err


def test_object_tags_refused(tmp_path):
    path = tmp_path / "staff.yaml"
    path.write_text("staff:\n  - !!python/object/apply:os.system [echo hi]\n")
    assert any("is not allowed" in p for p in problems_of(path))


def test_alias_bomb_refused_quickly(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "staff.yaml"
    path.write_text("\n".join(lines) + "\n")
    start = time.process_time()   # CPU time: the same on a busy machine
    assert any("alias bomb" in p for p in problems_of(path))
    assert time.process_time() - start < 10


def test_messages_have_no_traceback_for_usage_errors(cli):
    result = cli("validate")
    assert result.code == 2 and "Traceback" not in result.err


# ---------------------------------------------------------------- long lists: validated as read
def _orders(n: int, broken: dict[int, str] | None = None) -> str:
    """n work orders, one per 6 lines from line 2; `broken`: index -> replacement engineer line."""
    lines = ["work_orders:"]
    for i in range(n):
        engineer = (broken or {}).get(i, "    engineer: SZ001")
        lines += [f"  - id: WO-{i}", "    kind: repair", "    received: 2026-11-21T09:00:00",
                  f'    customer: {{name: 李女士, phone: "138{i:08d}"}}', engineer,
                  "    fault: 无法上网"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def small_batches(monkeypatch):
    """Lists longer than 4 records are validated while read, 4 at a time."""
    monkeypatch.setattr("generator.data.yamlsource.RECORD_BATCH", 4)


def test_a_long_list_validated_while_read_gives_the_same_records(data, small_batches,
                                                                  monkeypatch):
    import generator.data.dataset as dataset
    read_ahead, handed = dataset._ReadAhead.__call__, []
    monkeypatch.setattr(dataset._ReadAhead, "__call__",
                        lambda self, section, items, start, places: (
                            handed.append((section, start)),
                            read_ahead(self, section, items, start, places)))
    (data / "orders.yaml").write_text(_orders(11), encoding="utf-8")
    ds = load_dataset([data / "staff.yaml", data / "orders.yaml"])
    assert handed == [("work_orders", 0), ("work_orders", 4), ("work_orders", 8)]
    assert [o.id for o in ds.work_orders] == [f"WO-{i}" for i in range(11)]
    assert ds.work_orders[9].customer.phone == "13800000009"
    assert ds.where("work_orders", "WO-9").endswith("orders.yaml:56:5")


def test_a_long_list_still_says_exactly_where_each_problem_is(data, small_batches):
    """A clean batch becomes models at once; problems in it or in later batches are still
    reported at the line that has them: the bad field, the unknown engineer, the duplicate."""
    text = _orders(13, {1: "    engineer: SZ009", 6: "    engineer: [SZ001]"})
    text = text.replace("id: WO-12\n", "id: WO-3\n")
    (data / "orders.yaml").write_text(text, encoding="utf-8")
    problems = problems_of(data / "staff.yaml", data / "orders.yaml")
    assert any("orders.yaml:42:5: work_orders[7].engineer" in p and "should be text" in p
               for p in problems), problems
    assert any("orders.yaml:12:5: work_orders[2].engineer: engineer 'SZ009' is not on the staff"
               in p for p in problems), problems
    assert any("orders.yaml:74:5: work_orders[13].id: duplicate id 'WO-3' (first at" in p
               for p in problems), problems
    assert len(problems) == 3, problems


def test_a_long_list_keeps_its_warnings_with_their_places(tmp_path, small_batches):
    rows = "".join(f'  - {{id: "T{i}", name: 王五}}\n' for i in range(9))
    path = tmp_path / "staff.yaml"
    path.write_text("staff:\n" + rows + "  - {id: 00123, name: 赵六}\n", encoding="utf-8")
    ds = load_dataset([path])
    assert [p.id for p in ds.staff][-2:] == ["T8", "00123"]
    assert [str(w.location) for w in ds.warnings] == [f"{path}:11:10"]


def test_a_number_read_as_text_is_named_by_its_whole_path(tmp_path):
    path = tmp_path / "orders.yaml"
    path.write_text("work_orders:\n  - id: W1\n    kind: repair\n    received: 2026-11-21 09:00\n"
                    "    customer: {name: 李女士, account: 0755}\n"
                    "    materials:\n      - {item: 光猫, note: 0012}\n", encoding="utf-8")
    ds = load_dataset([path])
    assert ds.work_orders[0].customer.account == "0755"
    assert [(w.path, str(w.location)) for w in ds.warnings] == [
        ("work_orders[1].customer.account", f"{path}:5:36"),
        ("work_orders[1].materials[1].note", f"{path}:7:26")]


def test_text_is_trimmed_the_same_way_from_yaml_and_from_a_spreadsheet(tmp_path):
    """Only Unicode White_Space is trimmed (U+3000 included), on every route a record takes;
    a separator character (U+001F) is text as typed, which printing then names."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "equipment.yaml").write_text(
        'equipment:\n  - {id: H-1, kind: helmet, manufactured: 2025-01, batch: "\\u3000B1\\x1f"}\n'
        '  - {id: H-2, kind: 安全帽, manufactured: 2025-01, batch: "B2 "}\n', encoding="utf-8")
    (tmp_path / "b" / "equipment.csv").write_text(
        "id,kind,manufactured,batch\nH-1,helmet,2025-01,\u3000B1\x1f\nH-2,安全帽,2025-01,B2 \n",
        encoding="utf-8")
    for path in (tmp_path / "a" / "equipment.yaml", tmp_path / "b" / "equipment.csv"):
        items = load_dataset([path]).equipment
        assert [i.batch for i in items] == ["B1\x1f", "B2"], path


def test_a_misspelt_service_is_said_and_printed_as_typed(tmp_path):
    orders = [("boradband", "broadband"), ("宽带+IPTV", None), ("固话", None), ("IPTV", None)]
    path = tmp_path / "orders.yaml"
    path.write_text("work_orders:\n" + "".join(
        f"  - {{id: W{i}, kind: repair, service: {service}, received: 2026-11-21 09:00, "
        "customer: {name: 李女士}}\n" for i, (service, _) in enumerate(orders)), encoding="utf-8")
    ds = load_dataset([path])
    assert [o.service for o in ds.work_orders] == ["boradband", "宽带+IPTV", "phone", "iptv"]
    assert [(w.path, str(w.location)) for w in ds.warnings] == [
        ("work_orders[1].service", f"{path}:2:28")]
    assert "did you mean 'broadband'" in ds.warnings[0].message


def test_an_engineer_whose_staff_record_has_a_problem_is_not_called_missing(data):
    """The staff record's own problem is said once; orders naming that person are not also
    told the engineer is not on the staff list."""
    (data / "staff.yaml").write_text(STAFF.replace("    photo: photos/SZ001.jpg",
                                                   "    photo: photos/none.jpg"), encoding="utf-8")
    problems = problems_of(data / "staff.yaml", data / "orders.yaml")
    assert len(problems) == 1 and "staff[1].photo: file not found" in problems[0], problems


def test_a_file_saved_with_a_byte_order_mark_reads_the_same(tmp_path):
    """Windows Notepad starts UTF-8 files with a BOM; places are counted as without it."""
    path = tmp_path / "staff.yaml"
    path.write_bytes("\ufeffstaff:\n  - {id: S1, name: 王五, phone: 01234567}\n".encode("utf-8"))
    ds = load_dataset([path])
    assert ds.staff[0].name == "王五" and ds.staff[0].phone == "01234567"
    assert [str(w.location) for w in ds.warnings] == [f"{path}:2:31"]


@pytest.mark.parametrize("section, text", [
    ("company", COMPANY), ("phrases", "phrases:\n  title: 服务用语\n  sections: []\n")])
def test_a_second_company_or_phrases_section_is_named_with_both_files(tmp_path, monkeypatch,
                                                                    section, text):
    monkeypatch.setenv("FIELDPRINT_LANG", "en")
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(text, encoding="utf-8")
    second.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as exc:
        load_dataset([first, second])
    messages = [str(p) for p in exc.value.problems]
    assert any(m.startswith(f"{second}:") and f"a second {section} section (the first is in "
               f"{first}); keep one" in m for m in messages), messages



def _through_add(self, chunk, valid, start, records, located, placed, early):
    """`_ListBuilder.add_clean` as the general route does it: `add`, record by record."""
    for offset, (raw, record) in enumerate(zip(chunk, valid)):
        self.add(start + offset, raw, record, None, records, located, placed, early)


def _loaded(paths, keep_incomplete):
    try:
        ds = load_dataset(paths, missing_files="ignore", keep_incomplete=keep_incomplete)
    except UserError as exc:
        return str(exc)
    return ([(i.id, i.holder, ds.where("equipment", i.id)) for i in ds.equipment],
            [(pos, item.id, [str(p) for p in found]) for pos, item, found in ds.incomplete],
            [str(w) for w in ds.warnings])


@settings(max_examples=15)
@given(ids=st.lists(st.sampled_from(["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"]),
                    min_size=1, max_size=14),
       holders=st.lists(st.sampled_from(["SZ001", "SZ002", "SZ009", None]), min_size=14,
                        max_size=14),
       keep=st.booleans(), csv=st.booleans(), staff=st.booleans())
def test_clean_records_are_added_as_one_by_one(tmp_path_factory, monkeypatch, ids, holders,
                                               keep, csv, staff):
    """A clean chunk's models are added without a call per record (`add_clean`); duplicates
    and holders not on the staff list are said as `add` says them one by one."""
    import generator.data.dataset as dataset
    folder = tmp_path_factory.mktemp("register")
    if staff:
        (folder / "staff.yaml").write_text(STAFF, encoding="utf-8")
    if csv:
        rows = [f"{i},helmet,{h or ''},2024-01-15" for i, h in zip(ids, holders)]
        path = folder / "equipment.csv"
        path.write_text("id,kind,holder,in_service\n" + "\n".join(rows) + "\n", encoding="utf-8")
    else:
        rows = [f"  - {{id: {i}, kind: helmet, in_service: 2024-01-15"
                + (f", holder: {h}}}" if h else "}") for i, h in zip(ids, holders)]
        path = folder / "equipment.yaml"
        path.write_text("equipment:\n" + "\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(dataset, "CHUNK", 3)
    monkeypatch.setattr("generator.data.yamlsource.RECORD_BATCH", 3)
    paths = [folder / "staff.yaml", path] if staff else [path]
    fast = _loaded(paths, keep)
    with monkeypatch.context() as patch:  # undone before the next example
        patch.setattr(dataset._ListBuilder, "add_clean", _through_add)
        assert fast == _loaded(paths, keep)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_problems_are_said_in_the_order_of_the_sheet(tmp_path, suffix):
    """Row by row, and in a row column by column, whichever check found them (the trial saw
    a photo before the 工号 column, and a duplicate id after everything else)."""
    rows = [["姓名", "工号", "星级", "照片"],
            ["王建国", "A1", "3", ""],
            ["", "A2", "九", "nope.jpg"],
            ["李秀英", "A1", "7", "gone.jpg"]]
    path = tmp_path / f"staff{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        import openpyxl
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    (tmp_path / "company.yaml").write_text(COMPANY, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_dataset([path])
    said = [(p.location.line, p.location.header) for p in caught.value.problems]
    assert said == [(3, "姓名"), (3, "星级"), (3, "照片"), (4, "工号"), (4, "星级"), (4, "照片")]
    first = str(caught.value.problems[0])   # the column is for order: the header names it
    assert first.endswith(f"staff{suffix}:3 (A2) 姓名: required, but the cell is empty"
                          if suffix == ".csv" else
                          f"staff{suffix}[Sheet] row 3 (A2) 姓名: required, but the cell is empty")


def test_in_reading_order_keeps_files_apart_and_the_rest_stable():
    from generator.errors import Location, Problem, in_reading_order
    b2, a9, a1, none, a1_again = (Problem("b2", Location("b.yaml", 2, 1)),
                                  Problem("a9", Location("a.yaml", 9, 3)),
                                  Problem("a1", Location("a.yaml", 1, 5)),
                                  Problem("no place"),
                                  Problem("a1 again", Location("a.yaml", 1, 5)))
    assert in_reading_order([b2, a9, a1, none, a1_again]) == [b2, a1, a1_again, a9, none]


def test_list_and_mapping_fields_default_to_a_new_empty_one_each_time():
    """The models' default factories (empty_list, empty_dict: cheaper for pydantic to inspect
    than the builtins) give what list() and dict() give, a new one each time."""
    import inspect

    from generator.card import model as card_model
    from generator.data import models
    seen = 0
    for module in (models, card_model):
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, models.BaseModel)):
                continue
            for name, info in cls.model_fields.items():
                factory = info.default_factory
                if factory in (models.empty_list, models.empty_dict):
                    seen += 1
                    first, second = factory(), factory()
                    assert first == (list() if factory is models.empty_list else dict())
                    assert first is not second, (cls, name)
    assert seen >= 10


@pytest.mark.parametrize("phone, said", [
    ("1381234abcd", "letters or signs"), ("138", "fewer than 5 digits"),
    ("1390000", "a mobile number has 11 digits, this one 7"),
    ("13800001111", None), ("+86 138-0000-1111", None), ("0512-6258 0000 转 801", None),
    ("10000", None), ("400-810-0000", None), ("13800001111 / 0512-62580000", None),
    ("", "left empty")])     # not "'' does not look like a phone number: fewer than 5 digits"
def test_a_phone_no_one_could_dial_is_a_warning(tmp_path, phone, said):
    """The trial printed 1381234abcd on customers' service cards without a word; it still
    prints as typed (a warning), but it is said."""
    (tmp_path / "company.yaml").write_text(COMPANY, encoding="utf-8")
    staff = tmp_path / "staff.yaml"
    staff.write_text(f'staff:\n  - id: "SZ1"\n    name: 王建国\n    phone: "{phone}"\n',
                     encoding="utf-8")
    data = load_dataset([staff])
    assert data.staff[0].phone == phone
    found = [str(w) for w in data.warnings if "phone" in str(w)]
    if said is None:
        assert found == []
    else:
        assert len(found) == 1 and said in found[0] and "staff.yaml:4:" in found[0], found


def test_full_width_digits_in_a_phone_print_half_width(data):
    """The trial: 1389999000２ typed with a Chinese input method printed as typed, with no word,
    on the service card, the work order and the Word file. The digits are the same digits:
    they are read half width, in a staff sheet and in a customer's phone alike."""
    import openpyxl
    (data / "staff.yaml").unlink()
    book = openpyxl.Workbook()
    for row in (["工号", "姓名", "手机"], ["SZ001", "王建国", "1389999000２"]):
        book.active.append(row)
    book.save(data / "staff.xlsx")
    (data / "orders.yaml").write_text(ORDERS.replace("13800000000", "１３９０００0２２２２"),
                                      encoding="utf-8")
    ds = load_dataset([data / "staff.xlsx", data / "orders.yaml"])
    assert ds.staff[0].phone == "13899990002"
    assert ds.work_orders[0].customer.phone == "13900002222"
    assert not [w for w in ds.warnings if "phone" in str(w)]


@pytest.mark.parametrize("name", ["staff.xlsx", "花名册.xlsx", "staff.csv"])
def test_a_staff_sheet_beside_the_orders_gives_the_engineers_names(data, name, cli):
    """The trial: work orders with a staff.xlsx beside them printed IDs only (only staff.yaml
    was looked for)."""
    (data / "staff.yaml").unlink()
    rows = [["工号", "姓名", "班组"], ["SZ001", "王建国", "园区一班"]]
    if name.endswith(".csv"):
        (data / name).write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        import openpyxl
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(data / name)
    ds = load_dataset([data / "orders.yaml"])
    assert ds.person("SZ001").name == "王建国" and ds.staff[0].team == "园区一班"
    assert data / name in ds.read                 # an input: -o may not name it
    assert not [w for w in ds.warnings if "no staff list" in str(w)]


@pytest.mark.chinese
@pytest.mark.parametrize("sheet", ["staff.xlsx", "staff.yaml"])
def test_validate_keeps_its_help_a_photo_not_there_yet_is_a_reminder(examples_copy, cli,
                                                                     monkeypatch, sheet):
    """The trial: validate exited 2 on a photo the staff sheet names that is not on disk,
    while its help says photos may come later (a warning, exit 0), and gave no fix where
    badges says "or --allow-missing-photos". Now: a reminder with the fix, exit 0."""
    (examples_copy / "photos" / "SZ10023.jpg").unlink()
    monkeypatch.chdir(examples_copy)
    assert "照片可以以后再给" in cli("validate", "--help").out.replace("\n", "").replace(" ", "")
    result = cli("validate", sheet)
    assert result.code == 0, result.err
    [said] = [line for line in result.err.splitlines() if "SZ10023.jpg" in line]
    assert said.startswith("注意：") and "王建国" in said, said
    assert said.endswith("请改正，或加 --allow-missing-photos 先印占位图"), said
    assert "有 1 人的工号牌印不出来" in result.out
