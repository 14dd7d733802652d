"""The form layout file, as pydantic models: every key checked, unknown ones refused.

Sizes are millimetres, font sizes points (as in Word). Texts are Jinja2 templates
("{{ order.customer.name }}") or plain words; `rows`, `when`, `selected`, `checked` and
`for_each` are expressions whose value is used (a list, a condition, an option's code).
See docs/forms.md for a guide.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator,
                      ValidationError, ValidationInfo, WrapValidator, model_validator)

from ..data.dataset import unknown_field_message
from ..i18n import _, words
from ..layoutfile import typed_model
from ..data.models import CAUSE_LABELS, KIND_LABELS, RATING_LABELS, SERVICE_LABELS
from .values import Text, Value

PAGE_SIZES = {"A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0),
              "A6": (105.0, 148.0), "B5": (176.0, 250.0)}
LABEL_SETS = {"kind": KIND_LABELS, "service": SERVICE_LABELS, "cause": CAUSE_LABELS,
              "rating": RATING_LABELS}


def _text(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(_("should be text"))
    if isinstance(value, (int, float)):
        value = getattr(value, "raw", None) or str(value)
    if not isinstance(value, str):
        raise ValueError(_("should be text, not {kind}").format(kind=type(value).__name__))
    return Text(value)


def _value(value: Any) -> Value:
    if isinstance(value, Value):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("should be an expression such as order.materials"))
    return Value(value)


def _colour(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value.strip()):
        raise ValueError(_("{value!r} is not a colour; write it like #1F3864").format(value=value))
    return value.strip().upper()


TextValue = Annotated[Text, PlainValidator(_text)]
Expr = Annotated[Value, PlainValidator(_value)]
Colour = Annotated[str, BeforeValidator(_colour)]
Mm = Annotated[float, Field(ge=0, le=1000)]
Pt = Annotated[float, Field(ge=4, le=72)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ------------------------------------------------------------------------------ page
class Margins(Model):
    top: Mm = 12
    right: Mm = 12
    bottom: Mm = 14
    left: Mm = 12


def _page_size(value: Any) -> Any:
    """A page size as a layout may write it: a name (A4, a4) or [width, height] in mm; anything
    else is one mistake said once, with what to write (not once per form of the value)."""
    if isinstance(value, str) and value.strip().upper() in PAGE_SIZES:
        return value.strip().upper()
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in value):
        return value
    raise ValueError(_("{value!r} is not a page size: write one of {names}, or the width and "
                       "height in mm, e.g. [210, 297]").format(
        value=value, names=words(PAGE_SIZES, "plain")))


class Page(Model):
    size: Annotated[Literal["A3", "A4", "A5", "A6", "B5"] | tuple[Mm, Mm],
                    BeforeValidator(_page_size)] = "A4"
    orientation: Literal["portrait", "landscape"] = "portrait"
    margins: Margins = Margins()

    @property
    def size_mm(self) -> tuple[float, float]:
        w, h = PAGE_SIZES[self.size] if isinstance(self.size, str) else self.size
        if (self.orientation == "landscape") != (w > h):
            w, h = h, w
        return w, h


class Style(Model):
    font_size: Pt = 9.5          # body text
    small_size: Pt = 7.5         # footers, hints
    title_size: Pt = 18          # the form's title
    accent: Colour = "#1F3864"   # titles, rules, ticks
    band: Colour = "#E6ECF5"     # block title bands
    label_fill: Colour = "#EDF1F7"  # label cells
    border: Colour = "#5A6270"
    text: Colour = "#111111"
    muted: Colour = "#5F6670"


class Header(Model):
    title: TextValue
    company: TextValue | None = None      # a small line above the title
    subtitle: TextValue | None = None
    # the following pages' short header, between '标题（续）' and the number, e.g. the team
    # of a report's section (its first page says it in the subtitle)
    continued: TextValue | None = None
    number: TextValue | None = None       # the document number
    number_label: str = "编号"
    barcode: bool = True                  # Code 128 of the number
    qr: bool | TextValue = True           # QR of the number (true) or of this text
    height: Mm = 24
    barcode_module: Annotated[float, Field(ge=0.19, le=1)] = 0.3   # mm per narrow bar
    barcode_height: Annotated[float, Field(ge=4, le=40)] = 9
    title_spacing: Annotated[float, Field(ge=0, le=10)] = 1.2     # mm between title characters


class Footer(Model):
    text: TextValue | None = None        # left, small
    page_numbers: bool = True            # "第 x 页 / 共 y 页" at the right
    # the page numbers' wording instead, over the record's values and `page`, `pages` (of this
    # record's document) and `file_page` (the page in the whole PDF): several documents in
    # one file (the equipment report's teams) say both, e.g.
    # "{{ team.team }} 第 {{ page }} 页 / 共 {{ pages }} 页　全册第 {{ file_page }} 页"
    numbers: TextValue | None = None


# ------------------------------------------------------------------------------ blocks
class BlockBase(Model):
    title: TextValue | None = None
    when: Expr | None = None             # print the block only when this is true
    gap: Mm = 3                          # space above the block
    join: bool = False                   # no gap: attach to the block above
    page_break: bool = False             # start the block on a new page
    size: Pt | None = None               # font size of this block (default style.font_size)


class FieldItem(Model):
    label: TextValue
    value: TextValue = Text("")
    span: Annotated[int, Field(ge=1, le=6)] = 1
    bold: bool = False


class FieldsBlock(BlockBase):
    type: Literal["fields"]
    columns: Annotated[int, Field(ge=1, le=6)] = 2
    label_width: Mm = 22
    row_height: Mm = 7
    fields: list[FieldItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _spans(self):
        for i, f in enumerate(self.fields):
            if f.span > self.columns:
                raise ValueError(_("fields[{number}] spans {span} columns but the block has "
                                   "{columns}").format(number=i + 1, span=f.span,
                                                       columns=self.columns))
        return self


class Column(Model):
    header: TextValue
    value: TextValue = Text("")
    width: Mm | None = None              # mm; columns without a width share what is left
    align: Literal["left", "center", "right"] = "left"
    fill: TextValue | None = None        # a background colour per row, e.g. "{{ row.colour }}"


class TableBlock(BlockBase):
    type: Literal["table"]
    rows: Expr                           # a list from the context, e.g. order.materials
    as_: str = Field("row", alias="as", pattern=r"^[A-Za-z_]\w*$")
    numbered: bool = False               # a 序号 column
    number_header: str = "序号"
    min_rows: Annotated[int, Field(ge=0, le=200)] = 0   # blank rows for handwriting
    row_height: Mm = 7
    empty: str | None = None             # printed when there are no rows and no blank rows
    columns: list[Column] = Field(min_length=1)


class CheckItem(Model):
    label: TextValue
    checked: Expr | None = None


def _check_item(value: Any) -> Any:
    return {"label": value} if isinstance(value, str) else value


class ChecklistBlock(BlockBase):
    type: Literal["checklist"]
    label: TextValue | None = None             # a label cell at the left
    label_width: Mm = 22
    columns: Annotated[int, Field(ge=1, le=8)] = 4
    row_height: Mm = 7
    items: list[Annotated[CheckItem, BeforeValidator(_check_item)]] = Field(min_length=1)


class Option(Model):
    value: str
    label: str


class ChoiceBlock(BlockBase):
    type: Literal["choice"]
    label: TextValue
    label_width: Mm = 22
    options: Literal["kind", "service", "cause", "rating"] | list[Option]
    selected: Expr | None = None         # the code of the ticked option, e.g. order.cause
    columns: Annotated[int, Field(ge=1, le=8)] | None = None   # options per line (default all)
    row_height: Mm = 7

    @property
    def option_list(self) -> list[Option]:
        if isinstance(self.options, str):
            return [Option(value=k, label=v) for k, v in LABEL_SETS[self.options].items()]
        return list(self.options)


class TextBlock(BlockBase):
    type: Literal["text"]
    label: TextValue | None = None
    label_position: Literal["top", "left"] = "top"
    label_width: Mm = 22
    value: TextValue | None = None
    lines: Annotated[int, Field(ge=0, le=60)] = 0      # ruled lines for handwriting (at least)
    line_height: Annotated[float, Field(ge=3, le=30)] = 8


class Signature(Model):
    label: TextValue
    name: TextValue | None = None        # printed under the line, e.g. the engineer's name
    date: Literal["date", "datetime", "none"] = "date"


class SignaturesBlock(BlockBase):
    type: Literal["signatures"]
    height: Annotated[float, Field(ge=10, le=80)] = 21
    items: list[Signature] = Field(min_length=1, max_length=4)


class NoteBlock(BlockBase):
    type: Literal["note"]
    text: TextValue
    box: bool = False
    align: Literal["left", "center"] = "left"
    muted: bool = True


class GroupBlock(BlockBase):
    type: Literal["group"]
    for_each: Expr                       # a list, e.g. groups
    as_: str = Field("group", alias="as", pattern=r"^[A-Za-z_]\w*$")
    blocks: list[Block] = Field(min_length=1)


BLOCK_TYPES: dict[str, type[BlockBase]] = {
    "fields": FieldsBlock, "table": TableBlock, "checklist": ChecklistBlock,
    "choice": ChoiceBlock, "text": TextBlock, "signatures": SignaturesBlock, "note": NoteBlock,
    "group": GroupBlock}


def _block(value: Any, handler, info: ValidationInfo):
    """Dispatch on `type`; errors keep the block's own path (blocks[3].min_rows)."""
    if isinstance(value, BlockBase):
        return value
    model = typed_model(value, BLOCK_TYPES, "block")
    try:
        return model.model_validate(value, context=info.context)
    except ValidationError as exc:
        raise _with_known_fields(exc, model) from None


def _with_known_fields(exc: ValidationError, model: type) -> ValidationError:
    """Unknown keys said with 'did you mean' and the known ones, at the key's own line."""
    details = []
    for error in exc.errors(include_url=False):
        if error["type"] == "extra_forbidden":
            message = unknown_field_message(model, tuple(error["loc"]))
            details.append({"type": "value_error", "loc": error["loc"],
                            "input": error["input"], "ctx": {"error": ValueError(message)}})
        else:
            details.append(error)
    return ValidationError.from_exception_data(exc.title, details)


Block = Annotated[Any, WrapValidator(_block)]
GroupBlock.model_rebuild()


class FormLayout(Model):
    """A whole form: page, style, header, blocks, footer."""

    name: str                            # what the form is, for messages and the PDF title
    description: str = ""
    page: Page = Page()
    style: Style = Style()
    header: Header
    blocks: list[Block] = Field(min_length=1)
    footer: Footer = Footer()
