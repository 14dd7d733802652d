"""The one context shape that PDF layouts and Word templates read: plain dicts of text.

    company  - the company's fields, plus `consult_phone` defaulted to the hotline
    person   - a staff member, plus `unit` defaulted to the company's, `stars_text`
    order    - a work order with labels and deadlines (see generator.orders)
    item     - an equipment item with its status (see generator.equipment)
    today    - the as-of date (a datetime.date)

Values are text or None (dates stay dates, for the `date`/`cn_date` filters), so a
template can never call a method of our models.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from .dates import source_date


def plain(model: BaseModel | None) -> dict[str, Any] | None:
    """A model as plain dicts and lists (paths as text)."""
    if model is None:
        return None
    return model.model_dump(mode="python", round_trip=False, exclude_none=False,
                            fallback=lambda v: str(v))


def company_context(company) -> dict[str, Any]:
    """The company as template values (a plain dict; empty without a company), with `consult_phone`
    (the hotline when none is given) and `display_name` (short name or name)."""
    if company is None:
        return {}
    out = plain(company)
    out["consult_phone"] = company.consult_phone or company.hotline
    out["display_name"] = company.short_name or company.name
    return out


def person_context(person, company=None) -> dict[str, Any]:
    """A person as template values (a plain dict), with `unit` (the company's unit or name when the
    person has none) and `stars_text` (★★★☆☆, empty without stars)."""
    out = plain(person)
    if not out.get("unit") and company is not None:
        out["unit"] = company.unit or company.name
    out["stars_text"] = "★" * (person.stars or 0) + "☆" * (5 - (person.stars or 0)) \
        if person.stars is not None else ""
    return out


# ------------------------------------------------------------------------------ shapes
# A shape is a context with every key it can have (values None, or nested shapes): what the
# load-time check of layouts and templates (generator.templating.name_problems) compares
# their names with.
def company_shape() -> dict[str, Any]:
    """Every key of `company_context`."""
    from .data.models import Company
    return {**{k: None for k in Company.model_fields}, "consult_phone": None,
            "display_name": None}


def person_shape() -> dict[str, Any]:
    """Every key of `person_context`."""
    from .data.models import Person
    return {**{k: None for k in Person.model_fields}, "stars_text": None}


def card_shape() -> dict[str, Any]:
    """What a card layout reads: company, person, today, and the pocket card's `phrases`
    (generator.phrases.phrases_context; an element's `each` adds `item` and `index`)."""
    return {"company": company_shape(), "person": person_shape(), "today": None,
            "phrases": {"title": None, "moments": None, "forbidden": None,
                        "forbidden_title": None}}


def today() -> dt.date:
    """Today, or the day SOURCE_DATE_EPOCH names (reproducible builds and tests)."""
    return source_date() or dt.date.today()


def base_context(dataset, as_of: dt.date | None = None) -> dict[str, Any]:
    """What every template sees: `company` and `today` (`as_of`, or today's date)."""
    return {"company": company_context(dataset.company), "today": as_of or today()}
