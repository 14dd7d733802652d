"""The company section's fields (the keys of company.yaml) as people name them: the 公司信息
page's labels, and how messages name a field (投诉电话（complaint_phone）), in the card engine,
`fieldprint validate` and the web alike. Below everything that says a problem
(generator.errors names a problem's company field with `named_path`)."""
from __future__ import annotations

import re

from .i18n import N_, _, language

# key -> its name (an English message id, the Chinese in the catalog: 投诉电话)
COMPANY_FIELDS: dict[str, str] = {
    "name": N_("Company name"), "short_name": N_("Short name"),
    "unit": N_("Unit on badges"), "partner_label": N_("Partner label"),
    "hotline": N_("Hotline"), "consult_phone": N_("Consultation phone"),
    "complaint_phone": N_("Complaint phone"), "address": N_("Address"),
    "website": N_("Website"), "feedback_qr": N_("Feedback QR (service card)"),
    "service_promise": N_("Service promise"),
    "qr_codes": N_("Official-account QR codes (badge backs)"), "logo": N_("Logo"),
    "fonts": N_("Fonts"),
}
_KEY = re.compile(r"[A-Za-z_]\w*")
_REMARK = re.compile(r"[（(【\[][^（()）【】\[\]]*[)）】\]]$")   # 评价二维码（服务卡）


def company_word(key: str) -> str | None:
    """The name of a company field (`complaint_phone`) in the user's language, as a sentence
    says it (投诉电话; "the complaint phone": `in_sentence`, where the 公司信息 page's label is
    "Complaint phone"); None for a key not in COMPANY_FIELDS."""
    label = COMPANY_FIELDS.get(key)
    return in_sentence(_(label)) if label is not None else None


def in_sentence(label: str) -> str:
    """A label (a form field's, a column's: "Complaint phone") as a word inside a sentence:
    in English its first letter in lower case ("with the complaint phone after the colon"),
    unless the first word is an abbreviation ("QR codes"); Chinese has no case."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and not any(c.isupper() for c in first[1:]):
        return label[0].lower() + label[1:]
    return label


def named_path(path: str, key: bool = True) -> str:
    """A problem's path as a message shows it: a company field by its name first, then the
    key to write in company.yaml (`company.complaint_phone（反面）` -> 投诉电话（complaint_phone，
    反面）; without the `key` where the user never writes one, on the web, as the form labels
    it: 投诉电话; the
    name without its remark: 评价二维码（feedback_qr）); any
    other path, and every path in English, as it is."""
    found = _KEY.match(path or "", len("company.")) if (path or "").startswith(
        "company.") else None
    if found is None or language() != "zh" or found.group() not in COMPANY_FIELDS:
        return path
    name, rest = found.group(), path[found.end():]
    bracketed = rest.strip()   # the card's side: 投诉电话（complaint_phone，反面）
    side = bracketed[1:-1] if len(bracketed) > 1 and bracketed[0] in "（(" and \
        bracketed[-1] in "）)" else None
    inside = [name, side if side is not None else rest] if key else \
        ["" if side is not None else rest]
    inside = [part for part in inside if part]
    said = "，".join(inside) if side is not None else "".join(inside)
    word = _REMARK.sub("", str(company_word(name)))   # 评价二维码, not 评价二维码（服务卡）
    return f"{word}（{said}）" if said else word
