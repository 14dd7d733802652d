"""The data a company keeps, as pydantic models: company, staff, work orders, equipment.

Every model rejects unknown keys. Text fields take what YAML or a spreadsheet made a number
back as the text the user typed (MarkedInt.raw), so `id: 00123` stays "00123".
Labels for codes (kind, service, cause, rating) live here too, so every output says the same.
"""
# No `from __future__ import annotations` here: pydantic would read every field's type back
# from its text (eval) when the classes are made, 3 ms of every command's start.

import datetime as dt
import re
from collections import deque
from itertools import repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      ValidationInfo, field_validator, model_validator)

from ..dates import parse_date, parse_datetime
from ..errors import Problem
from .headers import field_named
from ..i18n import _, words
from ..i18n import words as words_of   # `_labelled` has a parameter named words

# ---------------------------------------------------------------- labels printed for codes
KIND_LABELS = {"install": "装机", "move": "移机", "repair": "修障"}
SERVICE_LABELS = {"broadband": "宽带", "phone": "固话", "iptv": "IPTV", "mobile": "移动",
                  "fttr": "FTTR 全屋光网", "wifi": "全屋 Wi-Fi", "camera": "天翼看家",
                  "line": "专线"}
CAUSE_LABELS = {"ours": "我方原因（局端）", "third_party": "第三方原因（如物业、停电）",
                "customer": "用户方原因（如自行改线、路由器）", "unknown": "原因不明 / 正在调查"}
# What people write for each kind (SPEC §3: 修障/维修 are both the standard's words).
KIND_WORDS = {"install": ("安装", "新装", "装机单"), "move": ("移装", "迁移", "移机单"),
              "repair": ("维修", "报修", "故障", "修障单", "维修单")}
# The short words of the standard (`000`, `001` §6) and what people write, for each cause.
CAUSE_WORDS = {"ours": ("我方", "我方原因", "局端", "局端原因"),
               "third_party": ("第三方", "第三方原因"),
               "customer": ("用户方", "用户方原因", "用户原因", "客户原因", "客户方原因"),
               "unknown": ("原因不明", "不明", "正在调查")}
# Of those, the words that name a place, not whose cause it was: 局端 (the exchange side) is
# read as ours (the label says 我方原因（局端）), which is right for the operator's own
# engineers; the user is told, so a contractor for whom 局端 is someone else can change it.
CAUSE_TOLD = ("局端", "局端原因")
RATING_LABELS = {"very_satisfied": "非常满意", "satisfied": "满意", "neutral": "一般",
                 "dissatisfied": "不满意"}
EQUIPMENT_LABELS = {"helmet": "安全帽", "insulated_shoes": "绝缘鞋"}
CHECK_TYPE_LABELS = {"test": "检测", "visual": "外观检查"}
# The other words for a test: the standard's own for the insulated-shoe test (预防性试验, as
# the report says it) and for a helmet's spot-check test (抽检).
CHECK_TYPE_WORDS = {"test": ("预防性试验", "试验", "抽检", "检验")}
RESULT_LABELS = {"pass": "合格", "fail": "不合格"}


# ---------------------------------------------------------------- field types
# What is stripped from both ends of a text: Unicode's White_Space, as the models' own
# `str_strip_whitespace` strips. Python's str.strip() also takes U+001C-U+001F (separators,
# control characters that print nothing), which would make the same text read differently by
# the two routes a record can take through validation (see clean_list_validator).
SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
         "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _as_text(value: Any, info: ValidationInfo) -> Any:
    """Numbers become the text as typed; a warning when YAML would have changed it."""
    raw = getattr(value, "raw", None)
    if raw is not None:
        if raw != str(value) and info.context is not None:
            info.context.setdefault("warnings", []).append(Problem(
                _("{raw} was read as text {text!r} (YAML would make it the number {value}); "
                  "put it in quotes to say it is text").format(raw=raw, text=raw, value=value),
                getattr(value, "loc", None), info.field_name or ""))
        return raw
    if isinstance(value, bool):
        return value  # let pydantic say it should be text
    if isinstance(value, (int, float)):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, str):
        return value.strip(SPACE)
    return value


# '1.38E+10', '1.38001E+10', '8.61381E+12': a long number Excel shows in a General column and
# saves so in CSV. The digits behind the first few are gone; nothing can bring them back.
_SCIENTIFIC = re.compile(r"[+-]?[0-9](?:[.,][0-9]*)?[eE][+]?[0-9]{1,3}")


def _not_scientific(value: Any) -> Any:
    """An identifier (phone, account, staff or item id) that Excel already turned into
    scientific notation is refused: printing '1.38E+10' as a phone number helps nobody."""
    if isinstance(value, str) and len(value) <= 24 and _SCIENTIFIC.fullmatch(value):
        raise ValueError(_(
            "{value!r} is a long number that Excel shortened to scientific notation; its digits "
            "are lost. In Excel, format the column as 文本 (Text), type the number again, and "
            "save").format(value=value))
    return value


# what a phone number is written with besides its digits: spaces, dashes, brackets, +86, 转 (an
# extension), and the separators between two numbers
_PHONE_SIGNS = re.compile(r"[0-9０-９\s\-－—+＋()（）转,，;；/、]*")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9][0-9]*)")


# digits and signs typed in full width (a Chinese input method's １３８): printed half width
_HALF_WIDTH = str.maketrans("０１２３４５６７８９＋－（）", "0123456789+-()")


def _phone_like(value: str | None, info: ValidationInfo) -> str | None:
    """A phone number with its full-width digits made half width (１３８ prints as 138). One no
    one could dial (letters in it, a mobile number without its 11 digits, fewer than 5 digits:
    10000 is the shortest) is said as a warning: it still prints as typed, but a customer's card
    or a work order should not go out with it."""
    if value is None:
        return value
    value = value.translate(_HALF_WIDTH)
    if info.context is None:
        return value
    if not value:     # written as "" (YAML): not a number to dial, nothing at all
        info.context.setdefault("warnings", []).append(Problem(
            _("left empty: where it goes prints blank; fill it in"), None,
            info.field_name or ""))
        return value
    digits = re.sub(r"\D", "", value)
    mobile = _MOBILE.fullmatch(re.sub(r"[\s\-－—]", "", value))
    if not _PHONE_SIGNS.fullmatch(value):
        why = _("it has letters or signs a phone number does not")
    elif len(digits) < 5:
        why = _("it has fewer than 5 digits")
    elif mobile and len(mobile.group(1)) not in (5, 11):
        why = _("a mobile number has 11 digits, this one {n}").format(n=len(mobile.group(1)))
    else:
        return value
    info.context.setdefault("warnings", []).append(Problem(
        _("{value!r} does not look like a phone number: {why}; it is printed as typed, check "
          "it").format(value=value, why=why), None, info.field_name or ""))
    return value


def _known_service(value: str, info: ValidationInfo) -> str:
    """A service that is neither a code nor a label prints as typed (宽带+IPTV is fine); one that
    looks like a misspelt code (boradband) is said, so the form does not go out with it."""
    if value not in SERVICE_LABELS and info.context is not None:
        import difflib
        close = difflib.get_close_matches(value.lower(), SERVICE_LABELS, n=1, cutoff=0.75)
        if close:
            info.context.setdefault("warnings", []).append(Problem(
                _("{value!r} is not a service fieldprint knows; did you mean {close!r}? It is "
                  "printed as typed (services: {services}, or their Chinese names)").format(
                    value=value, close=close[0], services=words(SERVICE_LABELS)),
                None, info.field_name or ""))
    return value


def _minute(value: dt.datetime) -> str:
    """'2026-11-02 08:41': a time as the data files write it, for messages."""
    return f"{value:%Y-%m-%d %H:%M}"


def _labelled(labels: dict[str, str], words: dict[str, tuple[str, ...]] | None = None,
              told: tuple[str, ...] = ()):
    """Accept a code or its Chinese label (安全帽 -> helmet), or one of `words`, the short
    forms people write (我方 -> ours). A word of `told` is read so with a warning naming
    what it was read as (局端原因 -> 我方原因（局端）)."""
    by_label = {label: code for code, label in labels.items()}
    for code, forms in (words or {}).items():
        by_label.update((form, code) for form in forms)

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip(SPACE)
            return by_label.get(value, value)
        return value

    def convert_telling(value: Any, info: ValidationInfo) -> Any:
        code = convert(value)
        if isinstance(value, str) and value.strip(SPACE) in told and info.context is not None:
            info.context.setdefault("warnings", []).append(Problem(
                _("{value!r} was read as {label!r}; if that is not what you mean, write "
                  "one of {choices}").format(value=value.strip(SPACE), label=labels[code],
                                             choices=words_of(labels.values(), "or")),
                None, info.field_name or ""))
        return code
    if told:   # (a validator taking `info` costs more per value: only where it is used)
        convert_telling.labels = labels  # type: ignore[attr-defined]
        return convert_telling
    convert.labels = labels  # type: ignore[attr-defined]  (see clean_list_validator)
    return convert


class FileMissing(ValueError):
    """A file a record names does not exist (or is a folder): `path`, as resolved."""

    def __init__(self, why: str, path: Path):
        super().__init__(why)
        self.path = path


def _file(value: Any, info: ValidationInfo) -> Any:
    """A path relative to the data file that names it; must exist (FileMissing) unless the
    context's missing_files is "ignore" (see load_dataset)."""
    if value is None or value == "":
        return None
    if not isinstance(value, (str, Path)):
        raise ValueError(_("should be a file path"))
    context = info.context or {}
    path = Path(context.get("base", "."), value)   # an absolute value stays as it is
    if context.get("missing_files", "error") != "ignore" and not path.is_file():
        why = (_("is a folder, not a file: {path}") if path.is_dir()
               else _("file not found: {path}")).format(path=value)
        raise FileMissing(why, path)
    return path


def _date(value: Any) -> Any:
    return None if value in (None, "") else parse_date(value)


def _month_or_date(value: Any) -> Any:
    return None if value in (None, "") else parse_date(value, allow_month=True)


def _datetime(value: Any) -> Any:
    return None if value in (None, "") else parse_datetime(value)


def parse_offset(value: Any) -> tuple[float, float]:
    """A printer offset in mm, x to the right and y down: "0.5,-0.3", "0.5 -0.3" or [0.5, -0.3].
    Raises ValueError with what to write."""
    from ..i18n import _
    parts: Any = value
    if isinstance(value, str):
        parts = value.replace("，", ",").replace(",", " ").split()
    if isinstance(parts, (list, tuple)) and len(parts) == 2:
        try:
            x, y = (float(getattr(v, "raw", v)) for v in parts)
        except (TypeError, ValueError):
            pass
        else:
            if abs(x) <= 20 and abs(y) <= 20:
                return (x, y)
            raise ValueError(_("{value!r}: an offset of more than 20 mm is not a printer's "
                               "error; measure again with fieldprint calibrate").format(
                value=value))
    raise ValueError(_("should be two numbers in mm, x then y, like \"0.5,-0.3\", not "
                       "{value!r}").format(value=value))


Text = Annotated[str, BeforeValidator(_as_text)]
Offset = Annotated[tuple[float, float], BeforeValidator(parse_offset)]
# phones, accounts, ids: text whose digits matter (never Excel's 1.38E+10)
# The 备注 of the example row in every blank spreadsheet (generator/data/blank_sheets.py): a row
# that still says it is refused (`_not_example`), so a forgotten example does not print.
EXAMPLE_NOTE = "示例行：照着填写，打印前删除本行"


def _not_example(value: str) -> str:
    """The 备注 of the template's example row (EXAMPLE_NOTE) is refused: the template's
    sample person, order or item must not print as a real one (a company.yaml still 【…】 is
    refused likewise: `Company._filled_in`)."""
    if value == EXAMPLE_NOTE:
        raise ValueError(_("this is the template's example row (its 备注 says {note!r}): delete "
                           "the example row, or type your own data over all of it, 备注 too")
                         .format(note=EXAMPLE_NOTE))
    return value


Note = Annotated[str, BeforeValidator(_as_text), AfterValidator(_not_example)]
Digits = Annotated[str, BeforeValidator(_as_text), AfterValidator(_not_scientific)]
Phone = Annotated[Digits, AfterValidator(_phone_like)]   # said when no one could dial it
FileRef = Annotated[Path, BeforeValidator(_file)]
Date = Annotated[dt.date, BeforeValidator(_date)]
MonthOrDate = Annotated[dt.date, BeforeValidator(_month_or_date)]
DateTime = Annotated[dt.datetime, BeforeValidator(_datetime)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              defer_build=True)


def empty_list() -> list:
    """A new empty list: the default_factory of list fields. (With `list` itself pydantic reads
    the builtin's signature by tokenizing its text, ~2 ms of every start-up.)"""
    return []


def empty_dict() -> dict:
    """A new empty dict: the default_factory of mapping fields (see `empty_list`)."""
    return {}


# ---------------------------------------------------------------- company
class QrCode(Model):
    caption: Text
    data: Text | None = None          # payload: a URL or text
    image: FileRef | None = None      # or an existing QR image

    @model_validator(mode="after")
    def _one_source(self):
        if not self.data and not self.image:
            raise ValueError(_("give the QR code's 'data' (a URL or text) or an 'image' file"))
        return self


class Fonts(Model):
    """One entry of company.fonts: a regular file, optionally its bold, and the face index in
    a collection (.ttc/.otc)."""
    regular: FileRef
    bold: FileRef | None = None
    index: int = Field(default=0, ge=0)


def _font_list(value: Any) -> Any:
    """company.fonts: one {regular, bold} or a list of them (a fallback chain, first first)."""
    return [value] if isinstance(value, dict) else value


def webhook_problem(url: str) -> bool:
    """True when `url` cannot be a robot's webhook address (http(s), a host, no spaces)."""
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(url)
    except ValueError:
        return True
    return parts.scheme not in ("https", "http") or not parts.hostname or any(
        c.isspace() for c in url)


def _webhook(value: str) -> str:
    if webhook_problem(value):
        raise ValueError(_("should be the robot's webhook address as the chat app shows it, "
                           "starting https://"))
    return value


class NotifyGroup(Model):
    """A chat group's robot that hears the equipment report (`fieldprint equipment --notify
    company`): `app` wecom, dingtalk or feishu; `url` the webhook address; `secret` for a
    signed robot; `team` to tell this group only its team's items (none: every team)."""
    app: Literal["wecom", "dingtalk", "feishu"]
    url: Annotated[str, BeforeValidator(_as_text), AfterValidator(_webhook)]
    secret: Text | None = None
    team: Text | None = None


class Printer(Model):
    """What `fieldprint calibrate` measured on the company's printer: shifts in mm (x to the
    right, y down) of the front and the back of a sheet."""
    offset: Offset = (0.0, 0.0)
    back_offset: Offset = (0.0, 0.0)


_PLACEHOLDER = re.compile(r"【[^】]*】")   # what templates/company.yaml leaves to fill in
PLACEHOLDER_FIELDS = ("name", "short_name", "unit", "partner_label", "hotline", "consult_phone",
                      "complaint_phone", "service_promise", "address", "website", "feedback_qr",
                      "qr_codes")


class Company(Model):
    name: Text
    short_name: Text | None = None
    unit: Text | None = None               # default unit printed on badges
    partner_label: Text = "电信特约服务商"
    hotline: Phone = "10000"
    consult_phone: Phone | None = None    # 咨询电话; the hotline when not given
    complaint_phone: Phone | None = None
    service_promise: Text = ""
    address: Text | None = None
    website: Text | None = None
    logo: FileRef | None = None
    feedback_qr: Text | None = None        # payload for the service card's QR code
    qr_codes: list[QrCode] = Field(default_factory=empty_list)
    fonts: Annotated[list[Fonts], BeforeValidator(_font_list)] = Field(default_factory=empty_list)
    # Minutes before the appointment the engineer is at the door: 5 in `001` §9.2 (the
    # default), 10 in `002`; a company follows its own standard.
    arrive_early_minutes: int = Field(default=5, ge=0, le=60)
    printer: Printer | None = None         # offsets measured with `fieldprint calibrate`
    # Extra working days and holidays, for years the official calendar does not know yet.
    holidays: list[Date] = Field(default_factory=empty_list)
    workdays: list[Date] = Field(default_factory=empty_list)
    # Spreadsheet column headers a company uses: {section: {header: field}}.
    columns: dict[Text, dict[Text, Text]] = Field(default_factory=empty_dict)
    # Group robots for the equipment report (issue 20), each with its webhook address.
    notify: list[NotifyGroup] = Field(default_factory=empty_list)

    @field_validator(*PLACEHOLDER_FIELDS, mode="before")
    @classmethod
    def _filled_in(cls, value: Any) -> Any:
        """A value still 【…】, as `fieldprint template company.yaml` wrote it, is refused:
        the template's words must not print on badges and forms."""
        texts = [value] if isinstance(value, str) else [
            text for item in value if isinstance(item, dict) for text in item.values()
        ] if isinstance(value, list) else []
        for text in texts:
            if isinstance(text, str) and _PLACEHOLDER.fullmatch(text.strip()):
                raise ValueError(_(
                    "{text} is still the template's placeholder: write your company's own (or "
                    "delete the line, if it is not needed)").format(text=text.strip()))
        return value


# ---------------------------------------------------------------- staff
class Person(Model):
    id: Digits = Field(min_length=1)
    name: Text = Field(min_length=1)
    name_ug: Text | None = None            # the name in Uyghur (Arabic script), bilingual badges
    unit: Text | None = None
    team: Text | None = None
    title: Text = "智慧家庭工程师"
    phone: Phone | None = None
    photo: FileRef | None = None
    qr: Text | None = None                 # payload: a WeChat link or text
    qr_image: FileRef | None = None        # or an existing QR image
    stars: int | None = Field(default=None, ge=0, le=5)
    gender: Text | None = None
    note: Note | None = None


# ---------------------------------------------------------------- work orders
class Customer(Model):
    name: Text
    phone: Phone | None = None
    address: Text | None = None
    account: Digits | None = None           # broadband account / phone number served


class Appointment(Model):
    start: DateTime
    end: DateTime | None = None

    @model_validator(mode="after")
    def _order(self):
        if self.end is not None and self.end < self.start:
            raise ValueError(_("the appointment ends before it starts"))
        return self


class Material(Model):
    item: Text
    qty: float | None = None
    unit: Text | None = None
    note: Note | None = None


class WorkOrder(Model):
    id: Digits = Field(min_length=1)
    kind: Annotated[Literal["install", "move", "repair"],
                    BeforeValidator(_labelled(KIND_LABELS, KIND_WORDS))]
    service: Annotated[Text, BeforeValidator(_labelled(SERVICE_LABELS)),
                       AfterValidator(_known_service)] = "broadband"
    received: DateTime
    customer: Customer
    fault: Text | None = None
    prepare: Text | None = None
    appointment: Appointment | None = None
    engineer: Digits | None = None         # a staff id
    completed: DateTime | None = None
    materials: list[Material] = Field(default_factory=empty_list)
    work_done: Text | None = None
    speed_test: Text | None = None
    cause: Annotated[Literal["ours", "third_party", "customer", "unknown"] | None,
                     BeforeValidator(_labelled(CAUSE_LABELS, CAUSE_WORDS, CAUSE_TOLD))] = None
    rating: Annotated[Literal["very_satisfied", "satisfied", "neutral", "dissatisfied"] | None,
                      BeforeValidator(_labelled(RATING_LABELS))] = None
    note: Note | None = None

    @field_validator("completed", mode="after")
    @classmethod
    def _completed_in_order(cls, value: dt.datetime | None, info: ValidationInfo):
        """An order completed before it was received is impossible data: refused, naming
        the order and both fields (the standard's order of events: received, then the
        customer contacted and the visit agreed, then the work, `001` §9, SPEC §3).
        Completed before the appointment starts is possible (the visit moved earlier with
        the customer's agreement, `001` §9 2); a fault cleared at the exchange) but most
        often a typing mistake, and the forms would print an appointment that did not
        happen: a warning, not a refusal."""
        if value is None:
            return value
        data = info.data
        received = data.get("received")
        if received is not None and value < received:
            raise ValueError(_(
                "order {id}: {completed_field} {completed} is before {received_field} "
                "{received}; an order cannot be completed before it is received: check both "
                "times").format(id=data.get("id", "?"), completed=_minute(value),
                                received=_minute(received),
                                completed_field=field_named("work_orders", "completed"),
                                received_field=field_named("work_orders", "received")))
        appointment = data.get("appointment")
        if appointment is not None and value < appointment.start \
                and info.context is not None:
            info.context.setdefault("warnings", []).append(Problem(_(
                "order {id}: {completed_field} {completed} is before the {appointment_field} "
                "starts, {start}; if the visit was moved, write the new appointment time, else "
                "check both times").format(
                    id=data.get("id", "?"), completed=_minute(value),
                    start=_minute(appointment.start),
                    completed_field=field_named("work_orders", "completed"),
                    appointment_field=field_named("work_orders", "appointment")),
                None, info.field_name or "completed"))
        return value

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def service_label(self) -> str:
        return SERVICE_LABELS.get(self.service, self.service)


# ---------------------------------------------------------------- equipment
class Check(Model):
    date: Date
    type: Annotated[Literal["test", "visual"],
                    BeforeValidator(_labelled(CHECK_TYPE_LABELS, CHECK_TYPE_WORDS))]
    result: Annotated[Literal["pass", "fail"], BeforeValidator(_labelled(RESULT_LABELS))]
    note: Note | None = None


class EquipmentItem(Model):
    id: Digits = Field(min_length=1)
    kind: Annotated[Literal["helmet", "insulated_shoes"],
                    BeforeValidator(_labelled(EQUIPMENT_LABELS))]
    holder: Digits | None = None           # a staff id
    batch: Text | None = None
    manufactured: MonthOrDate | None = None
    in_service: Date | None = None
    retired: Date | None = None
    checks: list[Check] = Field(default_factory=empty_list)
    note: Note | None = None

    @model_validator(mode="after")
    def _has_start(self):
        if self.manufactured is None and self.in_service is None:
            raise ValueError(_("give {manufactured} or {in_service}").format(
                manufactured=field_named("equipment", "manufactured"),
                in_service=field_named("equipment", "in_service")))
        return self


class BatchCheck(Model):
    """A check of a sample of one batch (抽查/抽验, SPEC §5): the sample decides for its batch.
    A passing test counts for every item of that kind and batch as the item's own passing test
    would (unless the policy's `batch_checks_extend` is false); a failing one scraps them all."""

    batch: Text = Field(min_length=1)
    kind: Annotated[Literal["helmet", "insulated_shoes"],
                    BeforeValidator(_labelled(EQUIPMENT_LABELS))]
    date: Date
    type: Annotated[Literal["test", "visual"],
                    BeforeValidator(_labelled(CHECK_TYPE_LABELS, CHECK_TYPE_WORDS))]
    result: Annotated[Literal["pass", "fail"], BeforeValidator(_labelled(RESULT_LABELS))]
    sampled: int | None = Field(default=None, ge=1)
    note: Note | None = None


# ---------------------------------------------------------------- validating clean records fast
_CLEANERS = (_as_text, _date, _month_or_date)
_clean_validators: dict[Any, Any] = {}


def clean_list_validator(model: type[Model]):
    """A validator of a list of records (plain dicts) giving the same `model` instances as
    `model.model_validate` on each, whenever it succeeds, but without calling Python for values
    that are already clean; on a failure (or a warning) the caller validates the records again,
    one by one, with `model.model_validate`, which says what is wrong and where. Property-tested
    against the model (tests/test_validation_routes.py).

    Text, dates and coded fields take their values through Python BeforeValidators
    (`_as_text`, `_date`, `_labelled`), and identifiers through `_not_scientific` after,
    which cost more than the rest of validating a record.
    Most values of a big register or spreadsheet need none of them: text is already a `str`, a
    date a `date`, a code written as the code. Here each of those validators is tried after
    the strict form of the schema it feeds: a `str` (stripped by the model's config, as
    `_as_text` strips), a `date` (not a datetime, not text), the code's literal. A value the
    strict form refuses ('2023-05', 安全帽, 00123 typed as a number) goes through the Python
    validator as before, warnings included; so does an identifier that `_NOT_SCIENTIFIC` does
    not prove is not in scientific notation. Only the error messages differ.
    """
    validator = _clean_validators.get(model)
    if validator is None:
        if not model.__pydantic_complete__:   # built when first used (defer_build)
            model.model_rebuild()
        whole = _without_cleaners(model.__pydantic_core_schema__)
        validator = _clean_validators[model] = _DatesLater.of(
            _list_validator(whole), whole)
    return validator


def _list_validator(schema: dict):
    """A pydantic-core validator of a list of `schema`, this schema itself. pydantic-core
    validates a 'model' node by its class's own validator when that class is complete (its
    'prebuilt' validator, unless that one starts with an after- or wrap-validator), which
    would silently put back the Python cleaners taken out here (a staff list and the checks
    of each item went through them): while it is built, the classes of its model nodes are
    marked incomplete, then complete again. Built once per model and process
    (clean_list_validator)."""
    from pydantic_core import SchemaValidator, core_schema
    classes = [cls for cls in dict.fromkeys(_model_classes(schema))
               if cls.__dict__.get("__pydantic_complete__") is True]
    try:
        for cls in classes:
            type.__setattr__(cls, "__pydantic_complete__", False)
        return SchemaValidator(core_schema.list_schema(schema))
    finally:
        for cls in classes:
            type.__setattr__(cls, "__pydantic_complete__", True)


def _model_classes(schema: Any):
    """The class of every 'model' node in a core schema."""
    if isinstance(schema, list):
        for item in schema:
            yield from _model_classes(item)
    elif isinstance(schema, dict):
        if schema.get("type") == "model":
            yield schema["cls"]
        for value in schema.values():
            yield from _model_classes(value)


class _DatesLater:
    """`validate_python` as the validator `whole`'s, for a model whose own fields read dates
    from text (`_date`, `_month_or_date`: a Python call per value, a register's 'manufactured:
    2023-05' in every record): a first validator (`first`) takes such text as it is, and
    runs neither them nor the model's after-validators (`after`); then, a field at a time
    over all the models (map, not a Python loop per model), each distinct text is read once
    with the same function and the dates written in their field, and the after-validators
    run on every model. When a text is no date, or an after-validator
    refuses, the records go through `whole`, which says so as before. Held to the model by
    tests/test_validation_routes.py, like `whole`."""

    __slots__ = ("whole", "first", "fields", "after")

    def __init__(self, whole, first, fields: list, after: list):
        self.whole, self.first, self.fields, self.after = whole, first, fields, after

    @classmethod
    def of(cls, whole, schema: dict):
        """`whole` itself when the model (its core `schema`, cleaners tried after strict
        forms) has no such field, or an after-validator that takes more than the model."""
        after = []
        while schema.get("type") == "function-after":
            if schema["function"]["type"] != "no-info":
                return whole
            after.insert(0, schema["function"]["function"])
            schema = schema["schema"]
        if schema.get("type") != "model" or schema["schema"].get("type") != "model-fields":
            return whole
        fields, first = [], {}
        for name, field in schema["schema"]["fields"].items():
            inner = field["schema"]
            path = []
            while inner.get("type") in ("default", "nullable"):
                path.append(inner)
                inner = inner["schema"]
            choices = inner.get("choices", ()) if inner.get("type") == "union" else ()
            cleaner = [c["function"]["function"] for c in choices
                       if c.get("type") == "function-before"
                       and c["function"]["function"] in (_date, _month_or_date)]
            if not cleaner:
                continue
            fields.append((name, cleaner[0]))
            taken = {**inner, "choices": [choices[0], {"type": "str", "strict": True},
                                          *choices[1:]]}
            for outer in reversed(path):
                taken = {**outer, "schema": taken}
            first[name] = {**field, "schema": taken}
        if not fields:
            return whole
        model = {**schema, "schema": {**schema["schema"],
                                      "fields": {**schema["schema"]["fields"], **first}}}
        return cls(whole, _list_validator(model), fields, after)

    def validate_python(self, records: list, context: dict | None = None) -> list:
        warnings = (context or {}).get("warnings")
        before = len(warnings) if warnings is not None else 0
        valid = self.first.validate_python(records, context=context)
        # each field of every model at once, without a Python loop over the models: a
        # register's 100,000 items have a handful of distinct texts in a field
        values = list(map(_DICT, valid))
        try:
            for name, clean in self.fields:
                texts = list(map(itemgetter(name), values))
                read = {text: clean(text) for text in set(texts) if text.__class__ is str}
                if None in read.values():   # '' is no date: the model refuses it
                    raise ValueError(name)
                if read:
                    deque(map(dict.__setitem__, values, repeat(name),
                              map(read.get, texts, texts)), 0)
            for check in self.after:
                deque(map(check, valid), 0)
        except ValueError:
            if warnings is not None:   # said again by `whole`
                del warnings[before:]
            return self.whole.validate_python(records, context=context)
        return valid


_DICT = attrgetter("__dict__")
_BUILTIN_FACTORY = {empty_list: list, empty_dict: dict}


# Text that `_not_scientific` surely lets through, as a pattern pydantic-core checks without
# Python: it does not start with a sign or digit, or it has no E. An identifier of a big
# register (E-000123, SZ10023, 00123) is checked so; the rest goes through the function.
_NOT_SCIENTIFIC = r"^(?:[^+\-0-9]|[^eE]*$)"
# A phone number that `_phone_like` surely takes without a word (a mobile number of 11 digits
# and nothing else), checked so by pydantic-core; any other goes through the function.
_SURE_MOBILE = r"^1[3-9][0-9]{9}$"


def _without_cleaners(schema: Any) -> Any:
    """The schema with a strict, Python-free first choice before each cleaning validator (and
    before `_phone_like`, for a plain mobile number), and the builtin itself as the default
    factory of a list or mapping field (`empty_list` is a Python call per record;
    pydantic-core calls `list` without one)."""
    if isinstance(schema, list):
        return [_without_cleaners(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "default" and schema.get("default_factory") in _BUILTIN_FACTORY:
        schema = {**schema, "default_factory": _BUILTIN_FACTORY[schema["default_factory"]]}
    if schema.get("type") == "function-after" and schema["function"]["function"] is _phone_like:
        inner = _without_cleaners(schema["schema"])
        as_before = {**schema, "schema": inner}
        first = inner["choices"][0] if inner.get("type") == "union" else {}
        if first.get("type") != "str" or first.get("pattern") != _NOT_SCIENTIFIC:
            return as_before
        return {"type": "union", "choices": [{**first, "pattern": _SURE_MOBILE}, as_before],
                "mode": "left_to_right"}
    if schema.get("type") == "function-after" and \
            schema["function"]["function"] is _not_scientific:
        inner = _without_cleaners(schema["schema"])
        as_before = {**schema, "schema": inner}
        first = inner["choices"][0] if inner.get("type") == "union" else {}
        if first.get("type") != "str" or "pattern" in first:
            return as_before
        return {"type": "union", "choices": [{**first, "pattern": _NOT_SCIENTIFIC}, as_before],
                "mode": "left_to_right"}
    if schema.get("type") == "function-before":
        inner = _without_cleaners(schema["schema"])
        function = schema["function"]["function"]
        strict = None
        if function in _CLEANERS and inner.get("type") in ("str", "date"):
            strict = {**inner, "strict": True}
        labels = getattr(function, "labels", None)
        codes = inner.get("expected", ()) if inner.get("type") == "literal" else ()
        if labels is not None and codes and all(
                isinstance(c, str) and c in labels and c not in labels.values() for c in codes):
            strict = inner  # only the codes themselves match, which `convert` keeps as they are
        as_before = {**schema, "schema": inner}
        if strict is None:
            return as_before
        return {"type": "union", "choices": [strict, as_before], "mode": "left_to_right"}
    return {key: _without_cleaners(value) for key, value in schema.items()}


def choices_text(model: type, field: str) -> str | None:
    """'我方原因（局端） / 我方、…或…' ('ours (我方原因（局端） / 我方), … or …' in English): the
    choices of a coded field of a section's records, for messages; None for other fields."""
    if model is WorkOrder:
        labels = {"kind": KIND_LABELS, "cause": CAUSE_LABELS, "rating": RATING_LABELS}.get(field)
    elif model in (EquipmentItem, Check, BatchCheck):
        labels = {"kind": EQUIPMENT_LABELS, "type": CHECK_TYPE_LABELS,
                  "result": RESULT_LABELS}.get(field)
    else:
        labels = None
    if labels is None:
        return None
    typed = ({"cause": CAUSE_WORDS, "kind": KIND_WORDS}.get(field, {}) if model is WorkOrder
             else {"type": CHECK_TYPE_WORDS}.get(field, {}))
    from ..i18n import language, words
    parts = []
    for code, label in labels.items():   # in Chinese the words typed; in English the code too
        said = label + (f" / {typed[code][0]}" if typed.get(code) else "")
        parts.append(said if language() == "zh" else f"{code} ({said})")
    return words(parts, "or")


# ---------------------------------------------------------------- service phrases
PLACEHOLDERS = ("【公司】", "【热线】", "【姓名】", "【工号】")


class Phrase(Model):
    moment: Text = Field(min_length=1)     # when it is said: 电话预约（装移机）
    say: Text = Field(min_length=1)        # the words; 【公司】【热线】【姓名】【工号】 filled in


class PhraseBook(Model):
    """The service-phrase pocket card's content (SPEC §6): what to say at each moment of a
    visit, and what never to say (服务忌语)."""

    title: Text = "装维服务用语"
    moments: list[Phrase] = Field(min_length=1, max_length=10)
    forbidden: list[Text] = Field(default_factory=empty_list, max_length=12)
    forbidden_title: Text = "服务忌语（禁止使用）"


SECTIONS: dict[str, type[Model]] = {
    "company": Company,
    "staff": Person,
    "work_orders": WorkOrder,
    "equipment": EquipmentItem,
    "phrases": PhraseBook,
    "batch_checks": BatchCheck,
}
