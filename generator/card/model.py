"""The card layout file, as pydantic models: size and bleed in mm, and the elements of each side.

A layout is a list of typed elements positioned in mm from the card's top-left corner, like
pretix's badge layouts. Every model rejects unknown keys; values that print data are Jinja2
expressions (``"{{ person.name }}"``) evaluated in the sandbox of `generator.templating`.

    width: 75            # mm (a number), or text with a unit: "7.5cm", "212.6pt", "2.95in"
    height: 100
    bleed: 2             # colour that touches the edge is printed this far beyond it
    colours: {blue: "#0b5cad"}
    front:
      - {type: rect, x: 0, y: 0, width: 75, height: 22, fill: [blue, "#1677d2"]}
      - {type: text, x: 5, y: 58, width: 65, height: 9, text: "{{ person.name }}",
         size: 22, min_size: 14, bold: true, align: center}
    back: [...]

Element types: rect, text, image, photo, qr, barcode, line (see each model below). Every
element may carry `name` (used in messages), `when` (an expression: drawn only when true),
`each` (an expression giving a list: the element's box is divided into one cell per item,
and `item` names the item inside the element) and `stack` (a name: the elements of one stack
are the rows of a list, a row being the elements with the same y; when a row prints nothing,
say a person without a phone, the rows below it move up into its place).
"""
# No `from __future__ import annotations` here: pydantic would read every field's type back
# from its text (eval) when the classes are made, 3 ms of every command's start.

import re
from typing import Annotated, Any, Literal, Union

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo,
                      WrapValidator, model_validator)

from ..layoutfile import typed_model
from ..data.models import Text, empty_dict, empty_list
from ..errors import suggest
from ..i18n import _, words

# ------------------------------------------------------------------------------ units
_UNITS = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
_LENGTH = re.compile(r"^\s*+(-?\d+(?:\.\d+)?)\s*+([a-z]*)\s*+$")


def _length(value: Any) -> Any:
    """A length in mm: a number is millimetres; text may carry a unit (mm, cm, in, pt)."""
    if isinstance(value, bool):
        raise ValueError(_("should be a length in mm, not true/false"))
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        match = _LENGTH.match(value.lower())
        if match:
            number, unit = match.groups()
            unit = unit or "mm"
            if unit in _UNITS:
                return float(number) * _UNITS[unit]
            raise ValueError(_("unknown unit {unit!r} in {value!r}: use mm (the default), "
                               "cm, pt or in, e.g. 12.5 or '12.5mm'").format(unit=unit, value=value))
        raise ValueError(_("should be a length such as 12.5 (mm) or '12.5mm', not {value!r}")
                         .format(value=value))
    return value


def _font_size(value: Any) -> Any:
    """A font size in points: a number is points; text may say '10pt' or '3.5mm'."""
    if isinstance(value, str):
        match = _LENGTH.match(value.lower())
        if match and match.group(2) in ("", "pt"):
            return float(match.group(1))
        return _length(value) * 72 / 25.4
    if isinstance(value, bool):
        raise ValueError(_("should be a font size in points"))
    return value


_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z_][a-zA-Z0-9_-]*)$")


def _colour(value: Any) -> Any:
    if isinstance(value, str) and _COLOUR.match(value.strip()):
        return value.strip()
    raise ValueError(_("should be a colour: '#1a5fb4', '#fff' or a name from 'colours', "
                       "not {value!r}").format(value=value))


Length = Annotated[float, BeforeValidator(_length)]
PositiveLength = Annotated[float, BeforeValidator(_length), Field(gt=0)]
FontSize = Annotated[float, BeforeValidator(_font_size), Field(gt=0, le=200)]
Colour = Annotated[str, BeforeValidator(_colour)]


def _hex_colour(value: Any) -> Any:
    """A colour of the layout's palette (`colours`): '#rrggbb' or '#rgb', not a name."""
    if isinstance(value, str) and value.strip().startswith("#"):
        return _colour(value)
    raise ValueError(_("give a hex colour such as '#0b5cad', not {value!r}").format(
        value=value))


HexColour = Annotated[str, BeforeValidator(_hex_colour)]


def parse_hex(colour: str) -> tuple[float, float, float]:
    """'#1a5fb4' or '#fff' -> (r, g, b) in 0..1."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              defer_build=True)


# ------------------------------------------------------------------------------ elements
class Element(_Model):
    type: str
    name: str | None = None          # how messages name this element, e.g. "unit"
    when: Text | None = None         # expression: draw only when true, e.g. "person.stars"
    # why the card must show it (e.g. the service card's complaint phone, 001): a `when` that
    # is false is then a problem naming the empty field, not a card printed without it
    required: Text | None = None
    each: Text | None = None         # expression giving a list, e.g. "company.qr_codes"
    arrange: Literal["auto", "row", "column"] = "auto"   # how `each` divides the box
    gap: Length = Field(default=3.0, ge=0)                # between `each` cells
    stack: str | None = None     # rows of a list: a row that prints nothing closes up

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        """Unknown keys with 'did you mean' and the list of known ones (pydantic only says
        'extra inputs are not permitted')."""
        if isinstance(data, dict):
            unknown = [k for k in data if k not in cls.model_fields]
            if unknown:
                kind = data.get("type")
                what = (_("a {kind} element").format(kind=kind) if isinstance(kind, str)
                        else _("this element"))
                key = unknown[0]
                raise ValueError(_("unknown field {key!r} in {what}{hint} (known: {known})").format(
                    key=key, what=what, hint=suggest(str(key), cls.model_fields),
                    known=words(cls.model_fields)))
        return data


class BoxElement(Element):
    x: Length
    y: Length
    width: PositiveLength
    height: PositiveLength


class RectElement(BoxElement):
    """A filled and/or outlined rectangle (rounded with `radius`; a circle when radius is
    half a square's side). `fill` may be two colours: a gradient. A rect that touches the card
    edge extends into the bleed, so cutting never leaves a white sliver."""

    type: Literal["rect"]
    fill: Colour | list[Colour] | None = None
    gradient: Literal["vertical", "horizontal", "diagonal"] = "vertical"
    stroke: Colour | None = None
    stroke_width: Length = Field(default=0.3, ge=0)
    radius: Length = Field(default=0.0, ge=0)
    opacity: float = Field(default=1.0, ge=0, le=1)
    bleed: bool = True


class TextElement(BoxElement):
    """Text in a box: starts at `size` and shrinks down to `min_size` (points) until it fits in
    `lines` lines; what still does not fit is an error naming the person and field."""

    type: Literal["text"]
    text: Text
    size: FontSize = 10.0
    min_size: FontSize | None = None  # default: the same as size (no shrinking)
    lines: int = Field(default=1, ge=1, le=50)
    line_height: float = Field(default=1.25, ge=0.8, le=3)
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "middle"
    bold: bool = False
    colour: Colour = "#000000"
    letter_spacing: float = Field(default=0.0, ge=-2, le=20)   # points between characters
    balance: bool = True   # wrapped lines of similar length rather than one long, one short

    @model_validator(mode="after")
    def _sizes(self):
        if self.min_size is not None and self.min_size > self.size:
            raise ValueError(_("min_size ({min_size:g}) is larger than size ({size:g})").format(
                min_size=self.min_size, size=self.size))
        return self


class ImageElement(BoxElement):
    """A picture file (logo, artwork): PNG with transparency, JPEG, ... fitted into the box.
    A relative path is read from the layout's folder."""

    type: Literal["image"]
    source: Text
    fit: Literal["contain", "cover"] = "contain"
    align: Literal["left", "center", "right"] = "center"
    opacity: float = Field(default=1.0, ge=0, le=1)


class PhotoElement(BoxElement):
    """The person's photo, cropped to fill the box (never stretched), biased upward so faces
    stay in; `focus` 0 keeps the top, 0.5 crops evenly, 1 keeps the bottom."""

    type: Literal["photo"]
    source: Text = "{{ person.photo }}"
    focus: float = Field(default=0.3, ge=0, le=1)
    radius: Length = Field(default=0.0, ge=0)
    border: Colour | None = None
    border_width: Length = Field(default=0.5, ge=0)
    background: Colour = "#ffffff"   # behind transparent pixels


class QrElement(BoxElement):
    """A QR code (vector, with its 4-module quiet zone) as large as fits in the box above the
    caption. `data` is the payload; `image` an existing QR picture used when there is no data."""

    type: Literal["qr"]
    data: Text | None = None
    image: Text | None = None
    caption: Text | None = None
    caption_size: FontSize = 6.0
    caption_min_size: FontSize | None = None
    caption_colour: Colour = "#333333"
    colour: Colour = "#000000"
    background: Colour | None = "#ffffff"
    level: Literal["M", "Q", "H"] = "M"
    missing: Literal["skip", "warn", "error"] = "skip"   # when there is neither data nor image
    max_size: PositiveLength | None = None   # a single code need not fill a large box


class BarcodeElement(BoxElement):
    """A Code 128 barcode of `data` filling the box (bars only; add a text element for the
    human-readable line)."""

    type: Literal["barcode"]
    data: Text
    kind: Literal["code128"] = "code128"
    colour: Colour = "#000000"


class LineElement(Element):
    type: Literal["line"]
    x1: Length
    y1: Length
    x2: Length
    y2: Length
    colour: Colour = "#000000"
    width: Length = Field(default=0.3, gt=0)
    dash: list[PositiveLength] | None = None


ELEMENT_TYPES: dict[str, type[Element]] = {
    "rect": RectElement, "text": TextElement, "image": ImageElement, "photo": PhotoElement,
    "qr": QrElement, "barcode": BarcodeElement, "line": LineElement,
}
AnyElement = Union[RectElement, TextElement, ImageElement, PhotoElement, QrElement,
                   BarcodeElement, LineElement]


def _element(value: Any, handler, info: ValidationInfo):
    """Dispatch on `type`; errors keep the element's own path (front[3].size)."""
    if isinstance(value, Element):
        return value
    return typed_model(value, ELEMENT_TYPES, "element").model_validate(value,
                                                                       context=info.context)


ElementField = Annotated[Any, WrapValidator(_element)]


# ------------------------------------------------------------------------------ layout
class SheetSpec(_Model):
    """How cards are placed on an A4 sheet: as many as fit, centred, with gaps for cutting.
    `printer_margin` is the edge of the paper the printer cannot print (most office lasers
    lose the outer 4.2-5 mm): no ink, crop marks included, comes nearer to the edge. Asking for
    more `rows`/`columns` than fit with gaps butts the cards on shared cut lines."""

    gap: Length = Field(default=5.0, ge=0)        # smallest gap between cards
    max_gap: Length = Field(default=10.0, ge=0)   # spare room widens gaps up to this
    margin: Length = Field(default=3.0, ge=0)     # smallest distance from a card's trim to the edge
    printer_margin: Length = Field(default=5.0, ge=0, le=30)   # no ink nearer the paper edge
    columns: int | None = Field(default=None, ge=1)
    rows: int | None = Field(default=None, ge=1)


class CardLayout(_Model):
    title: Text
    description: Text = ""
    width: PositiveLength
    height: PositiveLength
    bleed: Length = Field(default=0.0, ge=0, le=5)
    colours: dict[str, HexColour] = Field(default_factory=empty_dict)
    sheet: SheetSpec = Field(default_factory=SheetSpec)
    front: list[ElementField]
    back: list[ElementField] = Field(default_factory=empty_list)

    def side(self, name: str) -> list[Element]:
        return list(getattr(self, name))


SIDES = ("front", "back")
