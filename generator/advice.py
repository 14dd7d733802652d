"""Advice in the words of where it is said: the command line's options, or the web page's.

A message that tells the user what to do names a way to do it: in a command, its options
(`--sheet none`); on the web, the page's own fields and choices (纸张: 卡片尺寸（证卡打印机）),
since the web has no options. Each such advice is an `Advice` here, its two wordings side by
side; `Advice.says` gives the one of the current medium. The medium is the command line's
unless the web app set it (`set_medium("web")`: per request, and in its job processes), a
context variable as the language is (generator.i18n), so core code deep in a run (placing
cards on a sheet, reading a CSV) says the right words without being told where it runs.

(Older tables of the same kind, chosen by an explicit medium: REFUSED_PHOTO and REFUSED_QR in
card/render.py, WORKER_DIED_ADVICE in card/document.py, NO_PHOTO in card/people.py.
tests/test_web_advice.py checks that no message naming an option can reach a web page.)
"""
from __future__ import annotations

import contextvars
from dataclasses import dataclass

from .i18n import N_, _

MEDIA = ("command", "web")
_medium: contextvars.ContextVar[str] = contextvars.ContextVar("fieldprint_medium",
                                                              default="command")


def set_medium(medium: str) -> None:
    """Say every later message of this context in the words of `medium` (one of MEDIA).
    Raises ValueError for another."""
    if medium not in MEDIA:
        raise ValueError(f"medium {medium!r}: one of {MEDIA}")
    _medium.set(medium)


def medium() -> str:
    """Where messages are said now: 'command' (the default) or 'web'."""
    return _medium.get()


@dataclass(frozen=True)
class Advice:
    """One piece of advice in two wordings: `command` names the command line's options, `web`
    the web page's fields and choices, whose own labels it takes as `web_words`
    ((placeholder, the page's message id) pairs), so the advice says exactly what the page
    shows."""

    command: str
    web: str
    web_words: tuple[tuple[str, str], ...] = ()

    def says(self, **values) -> str:
        """The advice of the current medium, in the user's language, `values` filled in
        (each wording takes the ones it names)."""
        if medium() == "web":
            return _(self.web).format(**values, **{k: _(v) for k, v in self.web_words})
        return _(self.command).format(**values)


# a card too large for an A4 sheet (card/impose.py)
SHEET_NONE = Advice(N_("use --sheet none"), N_("choose “{choice}” under “{field}”"),
                    (("choice", N_("card size (card printer)")), ("field", N_("Paper"))))
# a layout asking for more cards across an A4 sheet than fit (card/impose.py): the layout's
# own sheet: rows or columns, or the card printer's paper
FEWER_ON_SHEET = Advice(N_("write {key}: {n} under the layout's sheet:, or use --sheet none"),
                        N_("choose “{choice}” under “{field}”, or another layout under "
                           "“{layout}”"),
                        (("choice", N_("card size (card printer)")), ("field", N_("Paper")),
                         ("layout", N_("Layout"))))
# a first slot the sheet does not have (card/impose.py)
START_SLOT = Advice(N_("--start {start}: this sheet has slots 1 to {n}"),
                    N_("{field} {start}: this sheet has slots 1 to {n}"),
                    (("field", N_("Start at slot")),))
# a side the layout does not have (card/job.py)
OTHER_SIDE = Advice(N_("use --side {other}"), N_("choose “{other}” under “{field}”"),
                    (("field", N_("Side")),))
# a Uyghur name the chosen layout does not print (card/job.py)
BILINGUAL = Advice(N_("--layout {bilingual} prints it under the Chinese one"),
                   N_("the layout “{title}” prints it under the Chinese one: choose it under "
                      "“{field}”"), (("field", N_("Layout")),))
# a run with nobody in it (card/job.py)
NOBODY = Advice(N_("no staff to print: the data has no 'staff' records (or --only or --team "
                   "matched none)"),
                N_("nobody to print: tick at least one person"))
# a card that must show a photo, none given (card/render.py)
NO_PHOTO_GIVEN = Advice(
    N_("no photo given: fill in the 照片 (photo) column or field with the picture's file, "
       "e.g. photos/<id>.jpg, or pass --photos FOLDER with pictures named by 工号 or 姓名"),
    N_("no photo given: upload the photos on this page, named by 工号 or 姓名 (e.g. "
       "<id>.jpg), or fill in the 照片 (photo) column of the staff sheet"))
# a CSV file in an encoding not recognised (data/tables.py)
ENCODING = Advice(N_("save it as 'CSV UTF-8', or name the encoding with --encoding"),
                  N_("save it as 'CSV UTF-8' in Excel and upload it again"))
# characters a font has no glyph for (form/text.py)
UNPRINTABLE_CHARS = Advice(
    N_("change the text, or ask whoever set up fieldprint to add a font that has it (fonts: in "
       "company.yaml); --allow-unprintable prints the rest, an empty box for it"),
    N_("change the text in the sheet, or upload a font that has it on the “{page}” page"),
    (("page", N_("Company")),))
# control characters pasted into the data, that neither a form nor a Word document can hold
# (form/text.py, docx/template.py)
UNPRINTABLE_CONTROLS = Advice(
    N_("remove them (--allow-unprintable prints the rest: control characters left out)"),
    N_("remove them from the sheet and upload it again"))
# orders not completed yet, left out of the follow-up sheets (orders.open_orders_note)
INCLUDE_OPEN = Advice(N_("--include-open prints them too"), N_("tick “{choice}” to print them "
                                                               "too"),
                      (("choice", N_("Also list orders not completed yet")),))
