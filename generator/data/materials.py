"""The materials a work order used, as people write them in one spreadsheet cell:
'皮线光缆 20 米；水晶头×2 个（备用）' <-> [{item, qty, unit, note}, ...]."""
from __future__ import annotations

from typing import Any, Iterable


_MATERIAL_SEPARATORS = str.maketrans({"；": ";", "\n": ";", "、": ";"})
_TIMES = "×xX*＊"
_OPEN, _CLOSE = "（(", "）)"
_NOT_UNIT = frozenset("（(0123456789")


def parse_materials(text: str) -> list[dict[str, Any]]:
    """'皮线光缆 20 米；水晶头×2 个（备用）' -> [{item, qty, unit, note}, ...].

    Read from the right by hand, not by a regular expression, so that any text costs time in
    proportion to its length (issue 15.10): a part is `item [×] qty [unit] [(note)]`; a part
    without a quantity is `item (note)` or just `item`."""
    out = []
    for part in text.translate(_MATERIAL_SEPARATORS).split(";"):
        part = part.strip()
        if part:
            out.append(_material(part))
    return out


def _material(part: str) -> dict[str, Any]:
    rest, note = _split_note(part)
    entry = _quantity(rest) if rest else None
    if entry is None:
        return {"item": rest, "note": note} if note is not None and rest else {"item": part}
    if note is not None:
        entry["note"] = note
    return entry


def _split_note(part: str) -> tuple[str, str | None]:
    """'水晶头×2 个（备用）' -> ('水晶头×2 个', '备用'); no closing bracket at the end: no note."""
    if part[-1] not in _CLOSE:
        return part, None
    last_close = max(part.rfind(")", 0, len(part) - 1), part.rfind("）", 0, len(part) - 1))
    opens = [i for i in (part.find("(", last_close + 1), part.find("（", last_close + 1))
             if i != -1]
    if not opens:
        return part, None
    start = min(opens)
    return part[:start].rstrip(), part[start + 1:-1].strip()


def _quantity(rest: str) -> dict[str, Any] | None:
    """'水晶头×2 个' -> {item: 水晶头, qty: 2.0, unit: 个}; None without a quantity."""
    end = len(rest)
    start = end
    while start > 0 and not rest[start - 1].isspace() and rest[start - 1] not in _NOT_UNIT:
        start -= 1
    unit = rest[start:end]
    head = rest[:start].rstrip()
    i = len(head)
    while i > 0 and head[i - 1] in "0123456789":
        i -= 1
    if i < len(head) and i > 1 and head[i - 1] == "." and head[i - 2] in "0123456789":
        j = i - 1
        while j > 0 and head[j - 1] in "0123456789":
            j -= 1
        i = j
    qty_text = head[i:]
    if not qty_text or not qty_text[0].isdigit() or not qty_text[-1].isdigit():
        return None
    before = head[:i]
    stripped = before.rstrip()
    if (stripped and stripped[-1] in _TIMES and len(stripped) > 1
            and not (stripped[-1] in "xX" and stripped[-2].isascii() and stripped[-2].isalpha())):
        # 水晶头×2, 水晶头 x 2, RJ45x2; but 'box 3' is a box
        item = stripped[:-1].rstrip()
    elif len(stripped) < len(before):
        item = stripped
    else:
        return None
    if not item:
        return None
    entry: dict[str, Any] = {"item": item, "qty": float(qty_text)}
    if unit:
        entry["unit"] = unit
    return entry


def format_materials(materials: Iterable[dict]) -> str:
    """The inverse of parse_materials, for writing spreadsheets."""
    parts = []
    for m in materials:
        text = str(m["item"])
        qty = m.get("qty")
        if qty is not None:
            qty = float(qty)
            text += f" {int(qty) if qty.is_integer() else qty}"
            if m.get("unit"):
                text += f" {m['unit']}"
        if m.get("note"):
            text += f"（{m['note']}）"
        parts.append(text)
    return "；".join(parts)
