"""The service-phrase pocket card's context: the `phrases` section of the data (what the
engineer says at each moment of a visit, and what is never said; SPEC §6, seeds `000`-`003`)
with the company's words filled in.

    phrases_context(book, company) -> {"title", "moments": [{"moment", "say"}],
                                       "forbidden": [...], "forbidden_title"}

【公司】 and 【热线】 are filled here (the company's short name, its hotline); 【姓名】 and
【工号】 are the engineer's and are filled per card by the layout (badges/phrase-card.yaml:
`say | replace('【姓名】', person.name)`), so what is shared by every card is built once.
"""
from __future__ import annotations

from typing import Any

from .data.models import Company, PhraseBook


def fill(text: str, company: Company | None) -> str:
    """`text` with 【公司】 and 【热线】 replaced by the company's name and hotline."""
    if company is None:
        return text
    name = company.short_name or company.name
    return text.replace("【公司】", name).replace("【热线】", company.hotline)


def phrases_context(book: PhraseBook, company: Company | None) -> dict[str, Any]:
    """Plain data for the card layout (see the module's docstring)."""
    return {"title": fill(book.title, company),
            "moments": [{"moment": fill(p.moment, company), "say": fill(p.say, company)}
                        for p in book.moments],
            "forbidden": [fill(text, company) for text in book.forbidden],
            "forbidden_title": fill(book.forbidden_title, company)}


def card_context(book: PhraseBook, company: Company | None) -> dict[str, Any]:
    """What the pocket card's layout reads beyond person and company: `{"phrases": …}`
    (`CardRun.context`), for the command and the web app alike."""
    return {"phrases": phrases_context(book, company)}
