"""What the web app prints: the same core calls as the CLI, from the workspace's files.

Each task takes (params, folder, progress) and returns (file name written into folder,
summary, warnings: the run's own Problems, said with the finished job as the command line says
them after its run: a placeholder printed, a photo too small, a holiday estimated);
UserError carries the problems. Tasks run in a worker process (`jobs.py`); they
touch only the workspace named in params and their own folder.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

from ..errors import Location, Problem, UserError
from ..form_kinds import KINDS as FORM_KINDS
from ..i18n import _, ngettext, words
from .workspace import Workspace


class CardKind(NamedTuple):
    """A card printed for people, as its command prints it by default."""

    layout: str          # the default layout
    what: str            # the sheet's label (CardRun.what)
    copies: int          # cards per person
    duplex: bool         # one double-sided card
    phrases: bool = False   # the cards print the `phrases` section (phrases.yaml)
    manifest: bool = True   # a print list is offered (badges handed out are checked off)


CARD_KINDS = {   # as `fieldprint badges` / `service-cards` / `phrase-cards`
    "badges": CardKind("badge", "badge", 1, False),
    "service-cards": CardKind("service-card", "service card", 10, True),
    "phrase-cards": CardKind("phrase-card", "phrase card", 1, True, phrases=True,
                             manifest=False),
}
# Whether a person's photo (and QR picture) is checked is read from the layout, as the command
# line's card engine does: a service-card layout of the company's own with a photo on it has
# its photos checked like a badge's (`shows_photos`, `Staff.blocking`).


def shows_photos(layout, sides=("front", "back")) -> bool:
    """Whether a compiled card layout has a photo element on one of `sides`."""
    return any(element.type == "photo" for side in sides for element in layout.sides[side])


def own_layouts(ws: Workspace) -> list[str]:
    """The company's own card layouts, the YAML files of the workspace's layouts/ folder, as
    `layouts/NAME.yaml` (what `layout_path` takes)."""
    folder = ws.root / "layouts"
    if not folder.is_dir():
        return []
    return [f"layouts/{p.name}" for p in sorted(folder.iterdir())
            if p.suffix in (".yaml", ".yml") and p.is_file() and ws.inside(p)]


_NOBODY = object()   # a problem of no person's row (`Staff._whose`)


@dataclass
class Staff:
    """The people of the workspace, ready for the card engine."""

    company: object
    people: list
    origins: dict
    problems: list[Problem]          # always blocking: a staff row's mistake, a company file
    #                                  outside the workspace
    missing: list[Problem]           # people without a photo: blocking unless placeholders
    match: object                    # PhotoMatch
    warnings: list[Problem]
    context: dict = field(default_factory=dict)   # more names for the layout (phrases)
    refused: list[Problem] = field(default_factory=list)   # a photo or QR picture outside
    #                                                        the workspace

    def blocking(self, layout, sides=("front", "back"), allow_missing_photos: bool = False,
                 people: list | None = None) -> list[Problem]:
        """The problems that stop printing `sides` of `layout`: the photos' only when the
        layout shows a photo, a QR picture's only when it prints one. `people`: those the
        print covers (None: everyone): a problem in the row of a person not among them does
        not stop it, nor does a row left out for its own mistake (a repeated 工号) when
        the print does not cover everyone, as the command's --only (the card engine checks
        the people printed all the same)."""
        photos = shows_photos(layout, sides)
        qr = layout.mentions("person.qr_image")
        refused = [p for p in self.refused
                   if (photos if p.path == "staff.photo" else qr)]
        missing = self.missing if photos and not allow_missing_photos else []
        found = self.problems + refused + missing
        if people is None or len(people) == len(self.people):
            return found
        chosen = {p.id for p in people}
        return [p for p in found if (who := self._whose(p)) is _NOBODY or who in chosen]

    def _whose(self, problem: Problem):
        """The id of the person whose row `problem` is in; _NOBODY for a problem of no row
        (the file's, the company's); None for a row no person loaded from (left out)."""
        loc = problem.location
        if loc is None or loc.line is None:
            return _NOBODY
        best = None
        for pid, origin in self.origins.items():
            if origin is None or origin.file != loc.file or origin.sheet != loc.sheet \
                    or origin.line is None:
                continue
            if loc.sheet is not None or loc.file.endswith(".csv"):   # a row: that row
                if origin.line == loc.line:
                    return pid
            elif origin.line <= loc.line and (best is None or origin.line > best[1]):
                best = (pid, origin.line)    # YAML: the record that starts last before it
        return best[0] if best else None

    @property
    def context_key(self) -> str:
        """The context as text: what changes a preview when the phrases do."""
        import json
        return json.dumps(self.context, sort_keys=True, ensure_ascii=False)


def load_staff(ws: Workspace, kind: CardKind = CARD_KINDS["badges"]) -> Staff:
    """Company and staff from the workspace, photos resolved, for cards of `kind` (with its
    phrases, `phrases.yaml`, when it prints them); UserError when the data itself is wrong
    (every problem). A person whose own record has a problem is left out, the problem among
    `problems` (which stop printing): the others can still be previewed. Whose photo is a
    problem depends on the layout: `Staff.blocking`."""
    dataset = ws.load("staff", *(("phrases",) if kind.phrases else ()), keep_valid_staff=True)
    if not dataset.staff:
        if dataset.refused_staff:
            raise UserError(dataset.refused_staff)
        raise UserError(_("no staff yet: upload the staff sheet (花名册)"))
    if dataset.company is None:
        raise UserError(_("no company details yet: fill in the 公司信息 page first"))
    context = {}
    if kind.phrases:
        if dataset.phrases is None:
            raise UserError(_("no phrases yet: upload phrases.yaml (what to say at each moment "
                              "of a visit); the Templates page has one to put in your own "
                              "words"))
        from ..phrases import card_context
        context = card_context(dataset.phrases, dataset.company)
    people, refused, missing, match = ws.resolve_photos(dataset)
    problems = dataset.refused_staff + ws.confine_company(dataset.company)
    origins = {p.id: dataset.origins.get(("staff", p.id)) for p in people}
    return Staff(dataset.company, people, origins, problems, missing, match,
                 list(dataset.warnings) + ws.replaced_warnings(dataset, match), context, refused)


def problem_text(problem: Problem) -> str:
    """A problem as the web page shows it: as the problems table says it (`where_parts`), in
    one line: the file's name (never the server's folder), sheet, row, the column's header
    (not the field's name), the message."""
    from dataclasses import replace
    parts = where_parts(problem)
    loc = problem.location
    if loc is None:
        return str(Problem(parts["message"], None, problem.path))
    header = parts["column"] or None
    return str(Problem(parts["message"], replace(loc, file=parts["file"], header=header),
                       "" if header else problem.path))


def selection(form) -> dict | None:
    """The people a card page's form chose, as `chosen` takes it: its `selection` field (the
    page's script keeps the ticks of every page of people: {"mode": "all_but" or "only",
    "ids": [...]}, JSON), else the boxes ticked on the page shown (`people`, without the
    script: the field is there, empty). None (everyone) for a post that has neither field,
    not from the page (a script of the office's own)."""
    import json
    if form.get("selection") is None and not form.getlist("people"):
        return None
    try:
        said = json.loads(str(form.get("selection") or ""))
    except ValueError:
        said = None
    if isinstance(said, dict) and said.get("mode") in ("all_but", "only") \
            and isinstance(said.get("ids"), list):
        return {"mode": said["mode"], "ids": [str(i) for i in said["ids"]]}
    return {"mode": "only", "ids": [str(p) for p in form.getlist("people")]}


def chosen(people: list, selection: dict | None) -> tuple[list, list[str]]:
    """(the people of `people` a print covers, in their order; the ids it names that are not
    among them). `selection`: None for everyone; {"mode": "all_but", "ids": unticked} (everyone
    but them: "select all" is all, not the page shown) or {"mode": "only", "ids": ticked}."""
    if selection is None:
        return list(people), []
    ids = set(selection["ids"])
    if selection["mode"] == "all_but":
        return [p for p in people if p.id not in ids], []
    known = {p.id for p in people}
    return ([p for p in people if p.id in ids],
            [i for i in dict.fromkeys(selection["ids"]) if i not in known])


def _card_run(params: dict):
    from ..card import CardRun, load_card_layout
    ws = Workspace(Path(params["workspace"]))
    kind = CARD_KINDS[params["kind"]]
    staff = load_staff(ws, kind)
    people, gone = chosen(staff.people, params.get("selection"))
    if gone:
        raise UserError(_("people ticked that the staff sheet no longer has: {ids}; reload the "
                          "page to see the list as it is now").format(ids=words(gone, "plain")))
    if not people:
        raise UserError(_("nobody chosen: tick at least one person"))
    allow = bool(params.get("allow_missing_photos"))
    layout = load_card_layout(layout_path(ws, params.get("layout") or kind.layout))
    sides = (tuple(s for s in ("front", "back") if layout.sides[s])   # as the preview shows
             if params.get("side", "both") == "both" else (params["side"],))
    blocking = staff.blocking(layout, sides, allow, people)
    if blocking:
        raise UserError(blocking)
    return CardRun(layout, staff.company, people, staff.origins, sides=sides,
                   sheet=params.get("sheet", "a4"), copies=int(params.get("copies") or kind.copies),
                   duplex=bool(params.get("duplex", kind.duplex)),
                   start=int(params.get("start") or 1),
                   allow_missing_photos=allow, allow_missing_qr=bool(params.get("allow_missing_qr")),
                   jobs=int(params.get("jobs") or 0), what=kind.what, medium="web",
                   context=staff.context), people


def print_count(layout, people: int, copies: int, side: str = "both", sheet: str = "a4",
                duplex: bool = False, start: int = 1, shared_back: bool = False) -> str:
    """What a print of these choices makes, said on the page before the download: people ×
    copies = cards, and the pages, planned as the print plans them (`impose.plan`). A back
    the same for everyone printed alone is the company's card: `copies` of it. Raises
    UserError when the choices cannot be planned (a first slot the sheet does not have, a card
    too large for A4), said in the web's words (`advice`)."""
    from ..card.impose import plan
    sides = tuple(s for s in (("front", "back") if side == "both" else (side,))
                  if layout.sides[s])
    cards = copies if sides == ("back",) and shared_back else people * copies
    pages, _grid = plan(cards, sides, layout.size, layout.model.bleed, layout.model.sheet,
                        sheet, duplex=duplex, start=start)
    n_pages = ngettext("{n} page", "{n} pages", len(pages)).format(n=len(pages))
    if sides == ("back",) and shared_back:
        return _("{copies} of the company's back, {pages}").format(
            copies=ngettext("{n} copy", "{n} copies", cards).format(n=cards), pages=n_pages)
    return _("{people} × {copies} = {cards}, {pages}").format(
        people=ngettext("{n} person", "{n} people", people).format(n=people),
        copies=ngettext("{n} copy each", "{n} copies each", copies).format(n=copies),
        cards=ngettext("{n} card", "{n} cards", cards).format(n=cards), pages=n_pages)


def layout_path(ws: Workspace, name: str):
    """A built-in layout name, or a layout file in the workspace's layouts/ folder."""
    own = ws.root / "layouts" / Path(name).name
    if own.suffix in (".yaml", ".yml") and own.is_file() and ws.inside(own):
        return own
    return Path(name).name if "/" in name or "\\" in name else name


def execute(run, pdf, png_dir, progress):
    """`generator.card.execute` for the web: a worker that died is said with what the web's
    user can do (the command line's advice names its --jobs option)."""
    from ..card import execute as run_cards
    from ..card.document import WorkerDied
    try:
        return run_cards(run, pdf, png_dir, progress=progress)
    except WorkerDied:
        raise UserError(WorkerDied.says("web")) from None


def card_pdf(params: dict, folder: Path, progress: Callable[[int, int], None]):
    """A print job: the cards' PDF in `folder`; returns (file name, a line for the page). Raises
    UserError when the data has problems."""
    run, people = _card_run(params)
    from dataclasses import replace
    name = f"{params['kind']}.pdf"
    result = execute(replace(run, manifest=False), folder / name, None, progress)
    return (name, _("{n} people, {pages} pages").format(n=len(people), pages=len(result.pages)),
            _run_warnings(result))


def card_pngs(params: dict, folder: Path, progress: Callable[[int, int], None]):
    """A print job: one PNG per person and side, zipped in `folder`; returns (file name, a line for
    the page). Raises UserError when the data has problems."""
    from dataclasses import replace
    run, people = _card_run({**params, "sheet": "none", "copies": 1, "start": 1})
    png_dir = folder / "png"
    result = execute(replace(run, manifest=False), None, png_dir, progress)
    name = f"{params['kind']}-png.zip"
    from ..output import atomic_path
    with atomic_path(folder / name) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
            for path in result.pngs:
                archive.write(path, path.name)
    return name, _("{n} PNG files").format(n=len(result.pngs)), _run_warnings(result)


def card_manifest(params: dict, folder: Path, progress: Callable[[int, int], None]):
    """The print manifest (generator.card.manifest: sheet, slot, side, id, name, layout, hash),
    as the PDF of the same choices would have it."""
    from dataclasses import replace
    run, people = _card_run(params)
    name = f"{params['kind']}-manifest.csv"
    scratch = folder / "scratch"
    scratch.mkdir()
    run = replace(run, manifest=folder / name)
    result = execute(run, scratch / f"{params['kind']}.pdf", None, progress)
    import shutil
    shutil.rmtree(scratch, ignore_errors=True)
    return name, _("{n} people").format(n=len(people)), _run_warnings(result)


def _run_warnings(result) -> list[Problem]:
    """What a card run says after printing (`RunResult`): its warnings, then the people it
    refused and why, as `fieldprint badges` reports them."""
    from ..errors import in_reading_order
    return list(result.warnings) + in_reading_order(result.skipped)


def form_records(ws: Workspace, kind: str, wanted=None, mask_phones: bool = False,
                 include_open: bool = False):
    """(layout, records, fonts, orders, (stopping, warnings, orders left out, notes)) for a
    form kind from the workspace's orders (`wanted`: their ids, empty for every order, None
    for the page's list, not a print). Follow-ups are for completed orders: the others are
    left out unless `include_open`, and said among `notes` (`orders.open_orders_note`, the
    command's words). An id ticked that the data no longer has (the sheet uploaded again
    since the page was shown) stops the print; deadlines counted on estimated holidays are
    among `notes` too. A staff row with a problem of its own is
    left out: its problems stop the print of the orders naming that engineer (when
    `wanted` is given: a print), else they are warnings, as `Dataset.left_out_engineers`.
    An order with a problem of its own is left out of the list, its problems warnings when
    the print names the orders it prints (the orders ticked, as the command's --only:
    `orders.orders_not_named`, the one rule of both), else they stop it."""
    from dataclasses import replace
    from ..fonts import font_set
    from ..form import Record, load_form
    from ..orders import (WorkingCalendar, iter_contexts, open_orders, open_orders_note,
                          orders_not_named)
    dataset = ws.load("work_orders", "staff", keep_valid_staff=True, keep_valid_orders=True)
    refused = [p for found in dataset.refused_orders.values() for p in found]
    if not dataset.work_orders:
        if refused:
            raise UserError(refused)
        raise UserError(_("no work orders yet: upload the work-order sheet"))
    named = [o.id for o in dataset.work_orders] if wanted is None else wanted
    not_named = orders_not_named(dataset, named)
    if len(not_named) < len(refused):   # a print of every order, or naming one left out
        kept = {id(p) for p in not_named}
        raise UserError([p for p in refused if id(p) not in kept])
    not_named = [replace(p, message=_("this order is left out of the list and not printed: "
                                      "{problem}").format(problem=p.message))
                 for p in not_named]
    if dataset.company is None:
        raise UserError(_("no company details yet: fill in the 公司信息 page first"))
    problems = ws.confine_company(dataset.company)
    if problems:
        raise UserError(problems)
    if wanted:
        gone = sorted(set(wanted) - {o.id for o in dataset.work_orders})
        if gone:
            raise UserError(_("orders ticked that the work-order sheet no longer has: {ids}; "
                              "reload the page to see the list as it is now").format(
                ids=words(gone, "plain")))
    orders = [o for o in dataset.work_orders if not wanted or o.id in set(wanted)]
    notes = []
    if kind == "follow-ups" and not include_open:   # for completed orders, as the command
        note = open_orders_note(open_orders(orders))
        notes = [note] if note is not None else []
        orders = [o for o in orders if o.completed is not None]
    if not orders:
        raise UserError(notes + [Problem(_("no work orders match the selection; nothing to "
                                           "print"))])
    if wanted is not None:   # a print: the orders chosen may not name a staff row left out
        stopping, _warned = dataset.left_out_engineers(orders)
        if stopping:
            raise UserError(stopping)
    calendar = WorkingCalendar.for_company(dataset.company)
    contexts = iter_contexts(dataset, orders, calendar, mask_phones=mask_phones)
    records = [Record(ctx, f"work_orders {o.id}", dataset.origins.get(("work_orders", o.id)))
               for o, ctx in zip(orders, contexts)]
    from ..orders import order_shape
    stopping, warned = dataset.left_out_engineers(orders)
    notes += calendar.warnings()   # deadlines counted on estimated holidays (records made)
    return (load_form(FORM_KINDS[kind].layout, order_shape()), records, font_set(dataset.company),
            orders, (stopping, warned, not_named, notes))


def form_file(params: dict, folder: Path, progress: Callable[[int, int], None]):
    """A print job: the forms (PDF, or Word files zipped) in `folder`; returns (file name, a line
    for the page, warnings). Raises UserError when the data has problems."""
    ws = Workspace(Path(params["workspace"]))
    kind = params["kind"]
    layout, records, fonts, orders, (_stopping, _warned, _left_out, notes) = form_records(
        ws, kind, params.get("orders") or [], bool(params.get("mask_phones")),
        bool(params.get("include_open")))
    count = [0]

    def advance():
        count[0] += 1
        progress(count[0], len(records))
    if params.get("format") == "docx":
        from ..content import content_dir
        from ..docx.template import WordTemplate
        template = FORM_KINDS[kind].template
        if template is None:
            raise UserError(_("there is no Word template for this form; download the PDF"))
        word = WordTemplate(content_dir("templates") / template)
        name = f"{kind}.docx"
        contexts = [(o.id, r.context, r.location) for o, r in zip(orders, records)]
        problems = word.write_combined(contexts, folder / name, advance, True)
        return name, _("{n} documents").format(n=len(records)), notes + list(problems or [])
    from ..form import render_pdf
    name = f"{kind}.pdf"
    result = render_pdf(layout, records, folder / name, fonts, title=FORM_KINDS[kind].title,
                        on_document=advance)
    return (name, _("{n} documents, {pages} pages").format(n=result.documents,
                                                            pages=result.pages),
            notes + result.problems)


TASKS = {"card_pdf": card_pdf, "card_pngs": card_pngs, "card_manifest": card_manifest,
         "form_file": form_file}


def where_parts(problem: Problem) -> dict:
    """A problem as the columns of the problems table: file, sheet, row, column (a company
    field by its name, data/headers.py), record."""
    from ..company_fields import named_path
    from ..data.headers import header_for
    loc: Location | None = problem.location
    column = loc.header if loc is not None and loc.header else ""
    record = ""
    if problem.path.startswith("company.") and not column:   # 投诉电话（complaint_phone）
        column = named_path(problem.path, key=False)
    elif problem.path:
        head, _dot, field = problem.path.partition(".")
        section = head.split("[", 1)[0]
        record = head if "[" in head else ""
        if not column:
            column = header_for(section, field) or field or problem.path
    message = problem.message
    if loc is not None and loc.file:   # another place in the workspace, as the file's name
        message = message.replace(str(Path(loc.file).parent / "x")[:-1], "")
    return {"file": Path(loc.file).name if loc is not None else "",
            "sheet": (loc.sheet or "") if loc is not None else "",
            "row": (loc.line or "") if loc is not None else "",
            "column": column, "record": record, "message": message}
