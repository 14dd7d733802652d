"""The one table of spreadsheet column headers: which header means which field.

A header may be the field's own name (`id`, `customer.name`, `customer_name`) or one of the
Chinese words below. The first word of each list is the one `fieldprint template` and the
example spreadsheets write. A company adds its own words in company.yaml:

    columns:
      staff: {人员编号: id, 所属部门: unit}

Headers are compared after removing spaces, a trailing `*` and a trailing remark in brackets,
so `生产日期（年月）`, ` 姓名 ` and `工号*` all work. docs/spreadsheets.md shows this table.
"""
from __future__ import annotations

import re
from typing import Any


# section -> field -> (kind, [header words]); the first word is the one templates write.
# kind says how a cell becomes a value: text, date, month (a date or a year-month), datetime,
# int, number, materials (a list written in one cell), or a code with Chinese labels.
COLUMNS: dict[str, dict[str, tuple[str, list[str]]]] = {
    "staff": {
        "id": ("text", ["工号", "员工编号", "人员编号", "员工工号"]),
        "name": ("text", ["姓名", "员工姓名"]),
        "unit": ("text", ["单位", "所属单位", "公司"]),
        "team": ("text", ["班组", "所属班组", "部门"]),
        "title": ("text", ["职务", "岗位", "职位", "职称"]),
        "phone": ("text", ["手机", "电话", "手机号", "手机号码", "联系电话", "电话号码"]),
        "photo": ("text", ["照片", "相片", "照片文件"]),
        "qr": ("text", ["二维码", "微信二维码", "二维码内容", "微信"]),
        "qr_image": ("text", ["二维码图片", "二维码文件"]),
        "stars": ("int", ["星级", "服务星级"]),
        "gender": ("text", ["性别"]),
        "note": ("text", ["备注"]),
        "name_ug": ("text", ["维吾尔文姓名", "维文姓名", "维语姓名"]),   # last: columns keep their letters
    },
    "work_orders": {
        "id": ("text", ["工单号", "工单编号", "单号"]),
        "kind": ("code", ["类型", "工单类型"]),
        "service": ("code", ["业务", "业务类型", "产品"]),
        "received": ("datetime", ["接单时间", "派单时间", "受理时间", "下单时间"]),
        "customer.name": ("text", ["客户姓名", "客户名称", "用户姓名", "客户"]),
        "customer.phone": ("text", ["联系电话", "客户电话", "用户电话"]),
        "customer.address": ("text", ["地址", "客户地址", "装机地址", "用户地址"]),
        "customer.account": ("text", ["宽带账号", "业务号码", "账号"]),
        "fault": ("text", ["故障描述", "故障现象", "申告内容"]),
        "prepare": ("text", ["客户准备", "需准备", "准备事项"]),
        "appointment.start": ("datetime", ["预约时间", "预约开始", "预约开始时间"]),
        "appointment.end": ("datetime", ["预约结束", "预约结束时间"]),
        "engineer": ("text", ["装维人员", "装维人员工号", "工程师", "维修人员", "工号"]),
        "completed": ("datetime", ["完成时间", "竣工时间", "修复时间"]),
        "materials": ("materials", ["材料", "使用材料", "材料清单"]),
        "work_done": ("text", ["处理情况", "处理过程", "处理结果"]),
        "speed_test": ("text", ["测速结果", "测速"]),
        "cause": ("code", ["故障原因", "原因", "原因分类"]),
        "rating": ("code", ["满意度", "客户评价", "评价"]),
        "note": ("text", ["备注"]),
    },
    "equipment": {
        "id": ("text", ["编号", "设备编号", "物品编号"]),
        "kind": ("code", ["类别", "种类", "设备类别", "类型"]),
        "holder": ("text", ["使用人", "使用人工号", "领用人", "持有人", "工号"]),
        "batch": ("text", ["批次", "批号", "生产批次"]),
        "manufactured": ("month", ["生产日期", "出厂日期"]),
        "in_service": ("date", ["启用日期", "领用日期", "发放日期"]),
        "retired": ("date", ["报废日期"]),
        "note": ("text", ["备注"]),
    },
    # equipment checks: a second sheet of equipment.xlsx, or a file of their own
    "checks": {
        "item": ("text", ["编号", "设备编号", "物品编号"]),
        "date": ("date", ["日期", "检查日期", "检测日期"]),
        "type": ("code", ["类型", "检查类型", "检查方式"]),
        "result": ("code", ["结果", "检查结果", "检测结果"]),
        "note": ("text", ["备注"]),
    },
    # checks of a batch's sample (批次抽检): a sheet of equipment.xlsx, or a file of its own
    "batch_checks": {
        "batch": ("text", ["批次", "批号", "生产批次"]),
        "kind": ("code", ["类别", "种类", "设备类别"]),
        "date": ("date", ["日期", "检查日期", "检测日期"]),
        "type": ("code", ["类型", "检查类型", "检查方式"]),
        "result": ("code", ["结果", "检查结果", "检测结果"]),
        "sampled": ("int", ["抽检数量", "样本数", "抽样数量", "数量"]),
        "note": ("text", ["备注"]),
    },
}


TABLE_SECTIONS = tuple(COLUMNS)          # staff, work_orders, equipment, checks, batch_checks
ID_FIELD = {"staff": "id", "work_orders": "id", "equipment": "id", "checks": "item",
            "batch_checks": "batch"}
REQUIRED = {
    "staff": ("id", "name"),
    "work_orders": ("id", "kind", "received", "customer.name"),
    "equipment": ("id", "kind"),
    "checks": ("item", "date", "type", "result"),
    "batch_checks": ("batch", "kind", "date", "type", "result"),
}
# sheet names of equipment.xlsx that hold the checks, and the batch checks
CHECK_SHEETS = {"checks", "check", "检查记录", "检测记录", "检查", "检测", "点检记录"}
BATCH_CHECK_SHEETS = {"batch_checks", "batchchecks", "批次抽检", "批次抽检记录", "批次检测"}


_REMARK = re.compile(r"[（(【\[][^（()）【】\[\]]*[)）】\]]$")
_SPACE = re.compile(r"\s+")


LONGEST_HEADER = 200  # no known header is longer; a longer cell is compared as it is


def normalize(header: Any) -> str:
    """The comparable form of a header: no spaces, no trailing * or (remark), lower case."""
    text = _SPACE.sub("", str(header))
    if len(text) > LONGEST_HEADER:
        return text.lower()  # (remarks are stripped one at a time: never on a long text)
    while True:
        stripped = _REMARK.sub("", text).rstrip("*＊:：")
        if stripped == text:
            break
        text = stripped
    return text.lower()


def header_for(section: str, field: str) -> str | None:
    """The Chinese header templates write for a field (照片 for staff photo); None for a
    field not in the table."""
    columns = COLUMNS.get(section, {})
    return columns[field][1][0] if field in columns else None


def field_word(section: str, field: str) -> str:
    """How a message names a field of `section`: in Chinese the header templates write (照片),
    in English the field's own name (photo); a name not in the table as it is."""
    from ..i18n import language
    header = header_for(section, field)
    return header if header is not None and language() == "zh" else field


def field_named(section: str, field: str) -> str:
    """A field as a message to the office names it: in Chinese only the header templates write
    (接单时间: no English key beside it), in English the key in quotes ('received'); a part
    of a field by its first column's header (appointment: 预约时间)."""
    from ..i18n import language
    header = header_for(section, field) or next(
        (header_for(section, f) for f in COLUMNS.get(section, {})
         if f.startswith(field + ".")), None)
    return header if header is not None and language() == "zh" else repr(field)


def kind_of(section: str, field: str) -> str:
    """How a section's column becomes a value (text, date, month, datetime ...: COLUMNS). Raises
    KeyError for an unknown section or column."""
    return COLUMNS[section][field][0]


def alias_map(section: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """normalized header -> field, for one section; `extra` (the company's words) wins."""
    out: dict[str, str] = {}
    for field, (_, words) in COLUMNS[section].items():
        out[normalize(field)] = field
        out[normalize(field.replace(".", "_"))] = field
        for word in words:
            out.setdefault(normalize(word), field)
    for word, field in (extra or {}).items():
        out[normalize(word)] = field
    return out


def likely_typo(section: str, header: str, extra: dict[str, str] | None = None,
                taken=frozenset()) -> tuple[str, str] | None:
    """(field, known header) when `header`, a header `section` does not know, is most likely a
    typo of a known one (性名 for 姓名): one edit away (a character wrong, missing or extra, or
    two swapped), or, for headers of five characters or more, very close (difflib ratio of at
    least 0.8). The closest wins; the fields in `taken` (another column gives them) are not
    offered. None when no known header is that close: then the column is another thing
    (one to map in company.yaml `columns:`)."""
    import difflib
    typed = normalize(header)
    if len(typed) < 2:
        return None
    best = None
    for field, (_kind, known) in COLUMNS[section].items():
        if field in taken:
            continue
        for word in dict.fromkeys([*known, field, field.replace(".", "_")]):
            if typed.rstrip("0123456789") == normalize(word):
                continue   # 备注2 beside 备注: a second column of its own, not a typo
            distance = _edits(typed, normalize(word))
            close = distance <= 1 or (min(len(typed), len(word)) >= 5 and difflib.SequenceMatcher(
                None, typed, normalize(word)).ratio() >= 0.8)
            if close and (best is None or distance < best[0]):
                best = (distance, field, word)
    for word, field in (extra or {}).items():
        if field not in taken and _edits(typed, normalize(word)) <= 1 and best is None:
            best = (1, field, word)
    return None if best is None else (best[1], best[2])


def _edits(a: str, b: str) -> int:
    """How many single-character edits (change, insert, delete, swap two neighbours) make `a`
    into `b` (optimal string alignment distance); 2 stands for "two or more"."""
    if abs(len(a) - len(b)) > 1:
        return 2
    if a == b:
        return 0
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]):
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return min(previous[-1], 2)
