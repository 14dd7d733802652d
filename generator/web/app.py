"""The print desk's routes (Starlette). `create_app(workspace)` gives the ASGI app.

Pages render Jinja2 templates (generator/web/templates) with htmx (vendored in static/) for
the parts that update in place: card previews, the job progress bar. Every POST checks the
session's CSRF token; when a password is set, every page but the login page needs a session.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import (FileResponse, HTMLResponse, PlainTextResponse,
                                 RedirectResponse, Response)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..advice import set_medium
from ..card_kinds import CARD_LAYOUTS, MAX_COPIES
from ..errors import Problem, UserError
from ..i18n import _, language, set_language
from . import security
from .jobs import Jobs
from .previews import FORM_DPI, FORM_LARGE_DPI, Previews
from .tasks import (CARD_KINDS, FORM_KINDS, chosen, layout_path, form_records, load_staff,
                    own_layouts, print_count, selection, shows_photos, where_parts)
from .uploads import YAML_SECTIONS, Limits, check_data_file, photos_from_upload
from .workspace import HISTORY, Workspace

HERE = Path(__file__).parent
log = logging.getLogger("fieldprint.web")

CARDS_PER_PAGE = 60
CARD_LAYOUTS_ALL = frozenset(name for names in CARD_LAYOUTS.values() for name in names)


@dataclass
class Settings:
    workspace: Path
    require_login: bool = False
    limits: Limits = Limits()
    download_ttl: float = 1800.0
    lang: str | None = None
    https: bool = False


# ---------------------------------------------------------------------------- middleware
class SizeLimit:
    """Refuses a request body larger than `limit` bytes (413), by its Content-Length and by
    counting what arrives (a client may lie or stream)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                return await _too_large(self.limit, scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message
        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(self.limit, scope, receive, send)


class _TooLarge(Exception):
    pass


async def _too_large(limit, scope, receive, send):
    text = _("The upload is too large: at most {mb} MB at a time. Upload fewer photos at "
             "once, or smaller copies.").format(mb=limit // (1024 * 1024))
    await PlainTextResponse(text, status_code=413)(scope, receive, send)


# ------------------------------------------------------------------------------- the app
def create_app(workspace: Path | Settings, **options) -> Starlette:
    """The `fieldprint serve` application (Starlette) for a workspace folder (or Settings): pages,
    uploads, previews, print jobs, login and CSRF protection."""
    settings = workspace if isinstance(workspace, Settings) else Settings(Path(workspace),
                                                                          **options)
    ws = Workspace(settings.workspace)
    jobs = Jobs(ws.private / "jobs", ttl=settings.download_ttl)
    previews = Previews(ws.private / "scratch")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True)
    env.globals["_"] = _

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        context.update(request=request, csrf=security.csrf_token(request.session),
                       lang=language(), logged_in=bool(request.session.get("user")),
                       require_login=settings.require_login, nav=_nav())
        return HTMLResponse(env.get_template(template).render(**context), status_code=status)

    def owner(request: Request) -> str:
        sid = request.session.get("sid")
        if not sid:
            sid = request.session["sid"] = secrets.token_urlsafe(24)
        return sid

    async def posted(request: Request):
        """The form of a POST, after its CSRF token was checked."""
        form = await request.form(max_files=settings.limits.files, max_fields=2000)
        sent = form.get("csrf") or request.headers.get("x-csrf-token")
        if not security.csrf_ok(request.session, sent):
            raise _Forbidden()
        return form

    # ------------------------------------------------------------------ home, login, lang
    async def home(request: Request):
        files = {s: ws.data_file(s) for s in ("staff", "work_orders", "equipment")}
        return page(request, "home.html", files=files, company=ws.company_file.is_file(),
                    photos=len(ws.photo_names()), root=ws.root)

    async def login(request: Request):
        if request.method == "GET":
            return page(request, "login.html")
        form = await posted(request)
        stored = security.password_hash(ws.private)
        ok = await run_in_threadpool(security.check_password, stored,
                                     str(form.get("password") or ""))
        if not ok:
            return page(request, "login.html", status=401,
                        error=_("Wrong password."))
        request.session.clear()
        request.session["user"] = "office"
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request):
        await posted(request)
        request.session.clear()
        return RedirectResponse("/login" if settings.require_login else "/", status_code=303)

    async def sample(request: Request):
        """Copy the bundled example company into an empty workspace (a first look)."""
        await posted(request)
        from ..content import content_dir
        examples = content_dir("examples")
        for name in ("company.yaml", "logo.png", "staff.xlsx", "work_orders.yaml",
                     "equipment.xlsx", "phrases.yaml"):
            if (examples / name).is_file() and not (ws.root / name).exists():
                if name == "work_orders.yaml":
                    data = (examples / name).read_bytes()
                    ws.replace_section("work_orders", ".yaml", data)
                else:
                    ws.replace(name, (examples / name).read_bytes())
        photos = sorted((examples / "photos").glob("*.jpg"))
        ws.add_photos([(p.name, p.read_bytes()) for p in photos
                       if not (ws.photos_dir / p.name).exists()])
        return RedirectResponse("/", status_code=303)

    # ------------------------------------------------------------------ company
    async def company(request: Request):
        from .company import (LABELS, CheckFirst, company_fields, company_warnings, field_of,
                              save_company, service_card_problems)

        def warned(found):   # the table of warnings, and each beside its field
            by_field: dict[str, list[str]] = {}
            for p in found:
                by_field.setdefault(field_of(p), []).append(p.message)
            return {"warnings": [where_parts(p) for p in found], "field_notes": by_field}
        if request.method == "GET":
            try:
                values = company_fields(ws)
                cards = await run_in_threadpool(service_card_problems, ws)
                found = await run_in_threadpool(company_warnings, ws)
                return page(request, "company.html", labels=LABELS, values=values, problems=[],
                            card_problems=[where_parts(p) for p in cards], **warned(found))
            except UserError as exc:   # company.yaml cannot be read: said, not shown empty
                return page(request, "company.html", labels=LABELS, values={},
                            problems=[where_parts(p) for p in exc.problems])
        form = await posted(request)
        uploads = {k: (v.filename, await v.read()) for k, v in form.multi_items()
                   if isinstance(v, UploadFile) and v.filename}
        values = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        try:
            await run_in_threadpool(save_company, ws, values, uploads, settings.limits,
                                    bool(form.get("confirm")))
        except UserError as exc:
            return page(request, "company.html", labels=LABELS, status=422, values=values,
                        problems=[where_parts(p) for p in exc.problems])
        except CheckFirst as held:   # what was typed, shown again with what to check
            return page(request, "company.html", labels=LABELS, status=422, values=values,
                        problems=[], check_first=True, files_again=bool(uploads),
                        **warned(held.warnings))
        return RedirectResponse("/company?saved=1", status_code=303)

    # ------------------------------------------------------------------ uploads
    async def upload(request: Request):
        section = request.path_params["section"]
        if section not in ("staff", "work_orders", "equipment", "phrases", "photos"):
            raise HTTPException(status_code=404)
        form = await posted(request)
        files = [(f.filename or "", await f.read()) for f in form.getlist("files")
                 if isinstance(f, UploadFile) and f.filename]
        back = _safe_back(str(form.get("back") or "/"))
        if not files:
            return await _message(request, back, [Problem(_("choose a file first"))])
        try:
            if section == "photos":
                photos, notes = photos_from_upload(files, settings.limits)
                names = await run_in_threadpool(ws.add_photos, photos)
                request.session["flash"] = _("{n} photos saved").format(n=len(names))
                request.session["notes"] = [str(p) for p in notes][:200]
            else:
                if len(files) != 1:
                    raise UserError(_("upload one file for this list"))
                name, content = files[0]
                suffix = check_data_file(name, content,
                                         yaml_only=section in YAML_SECTIONS)
                kept = ws.data_file(section)
                saved = await run_in_threadpool(ws.replace_section, section, suffix, content)
                request.session["flash"] = (_(
                    "{name} saved as {file}; the previous {old} is kept in {history}")
                    if kept else _("{name} saved as {file}")).format(
                    name=Path(name).name, file=saved.name, old=kept.name if kept else "",
                    history=HISTORY + "/")
                request.session["notes"] = []
        except UserError as exc:
            return await _message(request, back, exc.problems)
        return RedirectResponse(back, status_code=303)

    async def photo_file(request: Request):
        """An uploaded photo, as it is in photos/ (the photo list's thumbnails)."""
        name = request.path_params["name"]
        if name not in ws.photo_names() or not ws.inside(ws.photos_dir / name):
            raise HTTPException(status_code=404)
        return FileResponse(ws.photos_dir / name, headers={"Cache-Control": "no-store"})

    async def photo_delete(request: Request):
        """Delete an uploaded photo: first a page asking to confirm (the photo, whose it is),
        then, confirmed, the photo moved to history and the page it was asked from says so."""
        form = await posted(request)
        name = str(form.get("name") or "")
        back = _safe_back(str(form.get("back") or "/"))
        if name not in ws.photo_names():
            return await _message(request, back, [Problem(_(
                "{name}: there is no such photo in the workspace's photos folder (it may have "
                "been deleted already)").format(name=name))])
        if not form.get("confirmed"):
            users = await run_in_threadpool(_photo_users, name)
            return page(request, "photo_delete.html", name=name, back=back, users=users)
        kept = await run_in_threadpool(ws.remove_photo, name)
        request.session["flash"] = _(
            "Deleted the photo {name}; it was moved to {history} in the workspace folder, "
            "from where it can be put back").format(name=name, history=f"{HISTORY}/{kept.name}")
        request.session["notes"] = []
        return RedirectResponse(back, status_code=303)

    def _photo_users(name: str) -> list[str]:
        """Who the photo `name` is on the cards of (name（工号）), as the badges see it."""
        try:
            staff = staff_now("badges")
        except UserError:
            return []
        return [f"{p.name}（{p.id}）" for p in staff.people if _in_photos(p.photo, name)]

    def _in_photos(photo, name: str) -> bool:
        return photo is not None and Path(photo).name == name and \
            Path(photo).resolve().parent == ws.photos_dir.resolve()

    async def _message(request, back, problems):
        return page(request, "upload_failed.html", status=422, back=back,
                    problems=[where_parts(p) for p in problems])

    # ------------------------------------------------------------------ cards
    async def cards(request: Request):
        kind = request.path_params["kind"]
        if kind not in CARD_KINDS:
            raise HTTPException(status_code=404)
        layout_name = _choice(request.query_params.get("layout"), layout_names(kind))
        start = _int(request.query_params.get("from"), 0)
        context = await run_in_threadpool(_cards_context, kind, layout_name, start)
        titles = await run_in_threadpool(_layout_titles, ws, layout_names(kind))
        return page(request, "cards.html", kind=kind, card=CARD_KINDS[kind],
                    title=_card_titles()[kind], layouts=titles,
                    layout=layout_name, max_copies=MAX_COPIES, flash=request.session.pop("flash", None),
                    notes=request.session.pop("notes", []), **context)

    def layout_names(kind: str) -> list[str]:
        """The layouts offered for a card kind: the built-in ones, then (for the cards of
        people's own details) the company's own in layouts/."""
        return CARD_LAYOUTS[kind] + ([] if CARD_KINDS[kind].phrases else own_layouts(ws))

    def _cards_context(kind, layout_name, start):
        from ..card import load_card_layout
        from ..card.job import unprinted_uyghur
        layout = None
        try:
            layout = load_card_layout(layout_path(ws, layout_name))
            staff = staff_now(kind)
        except UserError as exc:
            return {"people": [], "problems": [where_parts(p) for p in exc.problems],
                    "match": None, "warnings": [], "sides": [], "noted": {},
                    "company_problems": [],
                    "shows_photos": layout is None or shows_photos(layout),
                    "photos": [(name, []) for name in ws.photo_names()]}
        renderer = previews.renderer(layout, staff.company, _company_key(ws, staff.company),
                                     staff.context, staff.context_key)
        stopping = staff.blocking(layout)
        problems = [where_parts(p) for p in stopping]
        per_person: dict[str, list] = {}
        by_place = {where: person_id for person_id, where in staff.origins.items() if where}
        for p in stopping:
            per_person.setdefault(by_place.get(p.location, ""), []).append(where_parts(p))
        noted: dict[str, list] = {}
        for p in staff.warnings:
            noted.setdefault(by_place.get(p.location, ""), []).append(where_parts(p))
        shown = staff.people[start:start + CARDS_PER_PAGE]
        for person in shown:
            card = renderer.prepare(person, staff.origins.get(person.id))
            for p in card.problems:
                parts = where_parts(p)
                problems.append(parts)
                per_person.setdefault(person.id, []).append(parts)
        used: dict[str, list[str]] = {}
        for person in staff.people:
            if person.photo is not None and _in_photos(person.photo, Path(person.photo).name):
                used.setdefault(Path(person.photo).name, []).append(
                    f"{person.name}（{person.id}）")
        return {"people": [(start + i, p) for i, p in enumerate(shown)],
                "photos": [(name, used.get(name, [])) for name in ws.photo_names()],
                "all_people": staff.people, "problems": problems, "per_person": per_person,
                "noted": noted,
                # what the layout refuses of the company (a complaint phone the service card
                # must show): said before the download, fixed on the 公司信息 page
                "company_problems": [where_parts(p) for p in renderer.static_problems],
                "match": staff.match, "warnings": [where_parts(w) for w in staff.warnings],
                # Uyghur names the layout does not print, and the layout that does: by the
                # layout choice
                "layout_notes": [p.message for p in unprinted_uyghur(layout, staff.people)],
                "sides": list(renderer.sides), "total": len(staff.people), "start": start,
                # everyone is ticked at first, on every page of people, not only this one
                "count": _count(layout, renderer, len(staff.people), CARD_KINDS[kind].copies,
                                duplex=CARD_KINDS[kind].duplex),
                "shows_photos": shows_photos(layout),
                "per_page": CARDS_PER_PAGE}

    async def card_preview(request: Request):
        kind = request.path_params["kind"]
        if kind not in CARD_KINDS:
            raise HTTPException(status_code=404)
        layout_name = _choice(request.query_params.get("layout"), layout_names(kind))
        side = _choice(request.query_params.get("side"), ["front", "back"])
        index = request.path_params["index"]
        png = await run_in_threadpool(_card_preview, kind, layout_name, side, index)
        if png is None:
            raise HTTPException(status_code=404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    def staff_now(kind: str):
        """The workspace's staff for cards of `kind`, read again only when its files (or the
        page's language) changed."""
        card = CARD_KINDS[kind]
        sections = ("staff", "phrases") if card.phrases else ("staff",)
        # its problems and warnings are said in the page's language: read again in another
        return previews.keep((kind,) + ws.stamp(*sections) + (language(),),
                             lambda: load_staff(ws, card))

    def _card_preview(kind, layout_name, side, index):
        from ..card import load_card_layout
        try:
            staff = staff_now(kind)
        except UserError:
            return None
        if not 0 <= index < len(staff.people):
            return None
        try:
            layout = load_card_layout(layout_path(ws, layout_name))
        except UserError:
            return None
        if not layout.sides[side]:
            return None
        person = staff.people[index]
        company = _company_key(ws, staff.company)
        renderer = previews.renderer(layout, staff.company, company, staff.context,
                                     staff.context_key)
        key = (layout_name, _mtime(layout.path), person.model_dump_json(), _mtime(person.photo),
               company, staff.context_key)
        png, _problems, _warnings = previews.card(renderer, person,
                                                  staff.origins.get(person.id), side, key)
        return png

    def _count(layout, renderer, people, copies, **choices):
        """(what the print makes, or why it cannot be planned) for the page."""
        try:
            return print_count(layout, people, copies, shared_back=renderer.side_is_shared(
                "back") if layout.sides["back"] else False, **choices), None
        except UserError as exc:
            return None, "; ".join(p.message for p in exc.problems)

    async def card_count(request: Request):
        """How many cards and pages the print form's choices make (the form posts on each
        change): the line above the download buttons."""
        kind = request.path_params["kind"]
        if kind not in CARD_KINDS:
            raise HTTPException(status_code=404)
        form = await posted(request)
        card = CARD_KINDS[kind]

        def count():
            from ..card import load_card_layout
            try:
                layout = load_card_layout(layout_path(ws, _choice(form.get("layout"),
                                                                  layout_names(kind))))
                staff = staff_now(kind)
            except UserError as exc:
                return None, "; ".join(p.message for p in exc.problems)
            renderer = previews.renderer(layout, staff.company, _company_key(ws, staff.company),
                                         staff.context, staff.context_key)
            people, _gone = chosen(staff.people, selection(form))
            return _count(layout, renderer, len(people),
                          _int(form.get("copies"), card.copies, 1, MAX_COPIES),
                          side=_choice(form.get("side"), ["both", "front", "back"]),
                          sheet=_choice(form.get("sheet"), ["a4", "none"]),
                          duplex=bool(form.get("duplex")),
                          start=_int(form.get("start"), 1, 1, 100))
        said, problem = await run_in_threadpool(count)
        return page(request, "count.html", count=(said, problem))

    async def card_job(request: Request):
        kind = request.path_params["kind"]
        if kind not in CARD_KINDS:
            raise HTTPException(status_code=404)
        form = await posted(request)
        what = _choice(form.get("what"), ["pdf", "png"] + (["manifest"] if
                                                          CARD_KINDS[kind].manifest else []))
        params = {"workspace": str(ws.root), "kind": kind,
                  "layout": _choice(form.get("layout"), layout_names(kind)),
                  "side": _choice(form.get("side"), ["both", "front", "back"]),
                  "sheet": _choice(form.get("sheet"), ["a4", "none"]),
                  "selection": selection(form),
                  "allow_missing_photos": bool(form.get("allow_missing_photos")),
                  "copies": _int(form.get("copies"), CARD_KINDS[kind].copies, 1, MAX_COPIES),
                  "start": _int(form.get("start"), 1, 1, 100),
                  "duplex": bool(form.get("duplex")),
                  "lang": language()}
        task = {"pdf": "card_pdf", "png": "card_pngs", "manifest": "card_manifest"}[what]
        return _start(request, task, params)

    def _start(request, task, params):
        try:
            job = jobs.start(owner(request), task, params)
        except UserError as exc:
            return page(request, "job.html", job=None, problems=[where_parts(p)
                                                                 for p in exc.problems])
        return page(request, "job.html", job=job, problems=[])

    async def job_status(request: Request):
        job = jobs.get(owner(request), request.path_params["job"])
        if job is None:
            return PlainTextResponse(_("no such job (it may have expired)"), status_code=404)
        return page(request, "job.html", job=job, problems=[{"message": m}
                                                            for m in job.problems])

    async def job_cancel(request: Request):
        await posted(request)
        job = jobs.get(owner(request), request.path_params["job"])
        if job is None:
            return PlainTextResponse(_("no such job (it may have expired)"), status_code=404)
        jobs.cancel(job)
        return page(request, "job.html", job=job, problems=[])

    async def job_download(request: Request):
        job = jobs.get(owner(request), request.path_params["job"])
        if job is None or job.state != "done" or job.file is None or not job.file.is_file():
            return PlainTextResponse(_("no such file (it may have expired)"), status_code=404)
        return FileResponse(job.file, filename=job.file.name,
                            headers={"Cache-Control": "no-store"})

    # ------------------------------------------------------------------ forms
    async def forms(request: Request):
        kind = request.path_params["kind"]
        if kind not in FORM_KINDS:
            raise HTTPException(status_code=404)

        include_open = _include_open(request, kind)

        def context():
            try:
                _layout, _records, _fonts, orders, (stopping, warned, left_out, notes) = \
                    form_records(ws, kind, include_open=include_open)
                return {"orders": list(enumerate(orders)),
                        "problems": [where_parts(p) for p in stopping],
                        "warnings": [where_parts(p) for p in warned],
                        "left_out": [where_parts(p) for p in left_out],
                        "notes": [p.message for p in notes]}
            except UserError as exc:
                return {"orders": [], "problems": [where_parts(p) for p in exc.problems],
                        "warnings": [], "left_out": [], "notes": []}
        data = await run_in_threadpool(context)
        return page(request, "forms.html", kind=kind, kinds=FORM_KINDS,
                    has_word=FORM_KINDS[kind].template is not None,
                    include_open=include_open, open_query="?open=1" if include_open else "",
                    flash=request.session.pop("flash", None), **data)

    async def form_preview(request: Request):
        kind = request.path_params["kind"]
        if kind not in FORM_KINDS:
            raise HTTPException(status_code=404)
        index, number = request.path_params["index"], request.path_params["page"]
        dpi = FORM_LARGE_DPI if request.query_params.get("size") == "large" else FORM_DPI
        made = await run_in_threadpool(_form_page, kind, index, number, dpi,
                                       _include_open(request, kind))
        if made is None or not 0 <= number < made[1]:
            raise HTTPException(status_code=404)
        return Response(made[0], media_type="image/png", headers={"Cache-Control": "no-store"})

    def _form_page(kind, index, number, dpi, include_open=False):
        """(PNG, pages of the order, the order, how many orders) of one page of the order at
        `index` of the page's list (`include_open`: follow-ups of orders not completed too),
        or None."""
        try:
            layout, records, fonts, orders, _staff = form_records(ws, kind,
                                                                  include_open=include_open)
        except UserError:
            return None
        if not 0 <= index < len(records):
            return None
        # the fonts' names follow their files' content (generator.fonts): a font replaced
        # in the folder itself is another name
        key = (kind, orders[index].model_dump_json(), _company_key(ws), fonts.regular,
               fonts.bold)
        png, pages = previews.form_page(layout, records[index], fonts, number, key, dpi)
        return png, pages, orders[index], len(orders)

    async def form_view(request: Request):
        """One order's form enlarged, every page, to read before printing; the orders before
        and after it a click away."""
        kind, index = request.path_params["kind"], request.path_params["index"]
        if kind not in FORM_KINDS:
            raise HTTPException(status_code=404)

        include_open = _include_open(request, kind)
        made = await run_in_threadpool(_form_page, kind, index, 0, FORM_LARGE_DPI, include_open)
        if made is None:
            raise HTTPException(status_code=404)
        _png, pages, order, total = made
        return page(request, "form_view.html", kind=kind, kinds=FORM_KINDS, index=index,
                    order=order, pages=pages, total=total,
                    open_query="?open=1" if include_open else "")

    async def form_job(request: Request):
        kind = request.path_params["kind"]
        if kind not in FORM_KINDS:
            raise HTTPException(status_code=404)
        form = await posted(request)
        params = {"workspace": str(ws.root), "kind": kind,
                  "format": _choice(form.get("format"), ["pdf", "docx"]),
                  "orders": [str(o) for o in form.getlist("orders")],
                  "mask_phones": bool(form.get("mask_phones")),
                  "include_open": kind == "follow-ups" and bool(form.get("include_open")),
                  "lang": language()}
        if form.get("listed") and not params["orders"]:   # the page's boxes, none ticked
            return page(request, "job.html", job=None, problems=[
                {"message": _("no order ticked: tick at least one order")}])
        return _start(request, "form_file", params)

    # ------------------------------------------------------------------ equipment
    async def equipment(request: Request):
        from .equipment import dashboard
        as_of = _date(request.query_params.get("as_of"))
        data = await run_in_threadpool(dashboard, ws, as_of)
        return page(request, "equipment.html", flash=request.session.pop("flash", None),
                    **data)

    async def equipment_check(request: Request):
        from .equipment import record_check
        form = await posted(request)
        values = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}
        try:
            text = await run_in_threadpool(record_check, ws, values)
        except UserError as exc:
            return await _message(request, "/equipment", exc.problems)
        request.session["flash"] = text
        return RedirectResponse("/equipment", status_code=303)

    async def equipment_download(request: Request):
        from .equipment import report_file
        fmt = request.path_params["fmt"]
        if fmt not in ("xlsx", "pdf", "ics", "json", "csv"):
            raise HTTPException(status_code=404)
        as_of = _date(request.query_params.get("as_of"))
        try:
            name, content, media = await run_in_threadpool(report_file, ws, fmt, as_of)
        except UserError as exc:
            return await _message(request, "/equipment", exc.problems)
        return Response(content, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store"})

    # ------------------------------------------------------------------ templates
    async def templates_page(request: Request):
        return page(request, "templates.html")

    async def template_file(request: Request):
        from ..data.blank_sheets import template_bytes
        section = request.path_params["section"]
        if section not in ("staff", "work_orders", "equipment"):
            raise HTTPException(status_code=404)
        content = await run_in_threadpool(template_bytes, section, ".xlsx")
        return Response(content, media_type="application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet", headers={
                            "Content-Disposition": f'attachment; filename="{section}.xlsx"'})

    async def phrases_template(request: Request):
        """phrases.yaml to put in the company's words: what `fieldprint template
        phrases.yaml` writes."""
        from ..content import yaml_template
        return Response(yaml_template("phrases"), media_type="application/yaml", headers={
            "Content-Disposition": 'attachment; filename="phrases.yaml"'})

    async def lang(request: Request):
        form = await posted(request)
        request.session["lang"] = _choice(form.get("lang"), ["zh", "en"])
        return RedirectResponse(_safe_back(str(form.get("back") or "/")), status_code=303)

    routes = [
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/lang", lang, methods=["POST"]),
        Route("/sample", sample, methods=["POST"]),
        Route("/company", company, methods=["GET", "POST"]),
        Route("/upload/{section}", upload, methods=["POST"]),
        Route("/photos/delete", photo_delete, methods=["POST"]),
        Route("/photos/{name}", photo_file),
        Route("/cards/{kind}", cards),
        Route("/cards/{kind}/preview/{index:int}.png", card_preview),
        Route("/cards/{kind}/jobs", card_job, methods=["POST"]),
        Route("/cards/{kind}/count", card_count, methods=["POST"]),
        Route("/jobs/{job}", job_status),
        Route("/jobs/{job}/cancel", job_cancel, methods=["POST"]),
        Route("/jobs/{job}/download", job_download),
        Route("/forms/{kind}", forms),
        Route("/forms/{kind}/preview/{index:int}/{page:int}.png", form_preview),
        Route("/forms/{kind}/view/{index:int}", form_view),
        Route("/forms/{kind}/jobs", form_job, methods=["POST"]),
        Route("/equipment", equipment),
        Route("/equipment/checks", equipment_check, methods=["POST"]),
        Route("/equipment/report.{fmt}", equipment_download),
        Route("/templates", templates_page),
        Route("/templates/{section}.xlsx", template_file),
        Route("/templates/phrases.yaml", phrases_template),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def forbidden(request, exc):
        return PlainTextResponse(_("This form has expired or did not come from this page; "
                                   "reload the page and try again."), status_code=403)

    async def not_found(request, exc):
        return page(request, "not_found.html", status=404)

    async def user_error(request, exc: UserError):
        return PlainTextResponse("\n".join(str(p) for p in exc.problems), status_code=422)

    app = Starlette(routes=routes, middleware=[
        Middleware(SizeLimit, limit=settings.limits.request_bytes),
        Middleware(SessionMiddleware, secret_key=security.secret_key(ws.private),
                   session_cookie="fieldprint", same_site="strict", https_only=settings.https,
                   max_age=12 * 3600),
        Middleware(_Gate, settings=settings),
    ], exception_handlers={_Forbidden: forbidden, UserError: user_error,
                           404: not_found},
        lifespan=_lifespan(jobs))
    app.state.settings, app.state.workspace, app.state.jobs = settings, ws, jobs
    app.state.previews = previews
    return app


def _lifespan(jobs: Jobs):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            jobs.close()
    return lifespan


class _Forbidden(Exception):
    pass


class _Gate:
    """Per request: the language of the session, the web's words (`advice.set_medium`); and,
    when a password is set, a login."""

    def __init__(self, app, settings: Settings):
        self.app, self.settings = app, settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        session = scope.get("session", {})
        set_language(session.get("lang") or self.settings.lang, process=False)
        set_medium("web")   # advice names the page's fields, not the command's options
        path = scope["path"]
        if self.settings.require_login and not session.get("user") \
                and path != "/login" and not path.startswith("/static/"):
            response = RedirectResponse("/login", status_code=303)
            if scope["method"] != "GET":
                response = PlainTextResponse(_("log in first"), status_code=401)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


# ------------------------------------------------------------------------------ helpers
def _nav():
    return [("/company", _("Company")),
            *((f"/cards/{kind}", title) for kind, title in _card_titles().items()),
            ("/forms/work-orders", _("Work orders")),
            ("/forms/confirmations", _("Confirmations")),
            ("/forms/follow-ups", _("Follow-ups")),
            ("/equipment", _("Safety equipment")), ("/templates", _("Templates"))]


def _card_titles() -> dict[str, str]:
    return {"badges": _("Badges"), "service-cards": _("Service cards"),
            "phrase-cards": _("Phrase cards")}


def _layout_titles(ws: Workspace, names: list[str]) -> list[tuple[str, str]]:
    """(name, title) of layouts (built-in names, or the company's own `layouts/NAME.yaml`):
    the title is what people read; a layout of the company's own that does not load is
    offered by its file name (choosing it shows its problems)."""
    from ..card import load_card_layout
    titles = []
    for name in names:
        try:
            title = load_card_layout(layout_path(ws, name)).model.title
        except UserError:
            title = name
        titles.append((name, title if name in CARD_LAYOUTS_ALL else f"{title} ({name})"))
    return titles


def _include_open(request: Request, kind: str) -> bool:
    """Whether the follow-ups page lists the orders not completed yet too (its box “也列出未完工的
    工单”, the command's --include-open): `?open=1`, kept by its previews' addresses."""
    return kind == "follow-ups" and request.query_params.get("open") == "1"


def _choice(value, choices):
    value = str(value) if value is not None else ""
    return value if value in choices else choices[0]


def _int(value, default: int, low: int = 0, high: int = 10**9) -> int:
    try:
        return max(low, min(high, int(str(value))))
    except (TypeError, ValueError):
        return default


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _safe_back(path: str) -> str:
    """Only a path of this site (never another host) to go back to."""
    return path if path.startswith("/") and not path.startswith("//") else "/"


def _mtime(path) -> float | None:
    try:
        return Path(path).stat().st_mtime_ns if path else None
    except OSError:
        return None


def _company_key(ws: Workspace, company=None) -> tuple:
    """What a preview drawn with `company` depends on beyond the records: company.yaml and
    every file it names (the logo, the fonts, QR pictures), by modification time. A logo or
    font replaced in the workspace folder itself, not through the 公司信息 page (which
    rewrites company.yaml), is drawn anew."""
    return (_mtime(ws.company_file), *(_mtime(path) for path in _files_named(company)))


def _files_named(value):
    """Every file path in a record (a pydantic model, its lists and sub-records)."""
    if isinstance(value, Path):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _files_named(item)
    elif hasattr(type(value), "model_fields"):
        for name in type(value).model_fields:
            yield from _files_named(getattr(value, name))
