"""Writing the cards into one PDF: pages in print order, photos decoded on the way.

Photos are the expensive part (decoding a camera JPEG), then each person's QR code (choosing
its mask). Both are made in the order the pages need them, in worker processes when `jobs` > 1,
and streamed: each JPEG is embedded and dropped, so memory does not grow with the number of
people. Workers only turn files into JPEG bytes and payloads into QR codes (their dark modules as path operators),
deterministically; this process draws everything, so the PDF is byte-identical whatever the
number of workers.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import qr
from ..errors import Problem, UserError, display_path, os_reason
from ..output import stop_signals_held
from ..i18n import N_, _
from ..fonts import FontSet
from ..pdf import new_canvas
from ..units import pt
from .draw import Painter
from .images import EmbeddedImage, ImageProblem, PhotoJob, file_digest, process_photo
from .impose import Page
from .render import CardRenderer, PhotoOp, PreparedCard, QrOp, refused_photo

PARALLEL_FROM = 8      # fewer photos than this are not worth starting workers for
CHUNK_PAGES = 100      # pages (sheets) per part of a big run: ~800 cards
TASK_CARDS = 20        # cards' photos and QR codes per task for a worker, at most
MARK_WIDTH = 0.25      # points
SIDE_LABELS = {"front": "正面", "back": "反面"}   # the words of docs/术语表.md


def default_jobs() -> int:
    """How many worker processes prepare photos by default: the cores this process may run on (at
    least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_CANCELLED = None   # in a worker: the pool's Event, set when the run is stopped


def _quiet_worker(cancelled=None) -> None:
    """Workers leave Ctrl-C and SIGTERM to the main process (issue 15.13). A terminal's Ctrl-C
    and a service manager's stop (`kill -TERM -PGID`) reach the whole process group: a worker
    that died of it printed its own traceback, or died holding the pool's task-queue lock, and
    the main process then waited for ever (multiprocessing's Pool). The main process stops the
    pool by setting `cancelled` (PhotoSource.close): the tasks still waiting are then skipped,
    and the workers leave as the pool closes, none killed while it holds a lock. As they
    ignore SIGTERM, a worker whose main process is gone (killed with SIGKILL, say) is killed
    by the kernel (Linux), never left behind."""
    global _CANCELLED
    _CANCELLED = cancelled
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = os.getppid()
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # not Linux: the main process still stops the pool
        return
    if os.getppid() != parent:          # the main process died before prctl
        os._exit(1)


def _killing(context):
    """The fork `context` whose processes are stopped with SIGKILL by terminate(), as they
    ignore SIGTERM (_quiet_worker). ProcessPoolExecutor terminates its workers only when one
    of them died: it then joins them, and a worker ignoring SIGTERM would keep that join (and
    the run) waiting for ever. (A forked process is not pickled, so classes made in a
    function will do.)"""

    class Process(context.Process):
        def terminate(self) -> None:
            self.kill()

    class Context(type(context)):
        pass

    killing = Context()
    killing.Process = Process
    return killing


@dataclass(frozen=True)
class QrJob:
    """One QR code (hashable): what a worker makes of a card's QrOp."""

    payload: str
    level: str


def _work(job: PhotoJob | QrJob):
    """A QrJob: its `qr.module_rects` (the matrix made and drawn as path operators). A PhotoJob: (JPEG, None, digest of the file) or
    (None, why, None): the file is read once, for the decoder and for the manifest's digest
    (`images.file_digest`)."""
    if type(job) is QrJob:
        return qr.module_rects(qr.matrix.__wrapped__(job.payload, job.level))
    try:
        path = Path(job.path)
        data = path.read_bytes() if path.is_file() and path.stat().st_size else None
        jpeg = process_photo(job, data)
        return jpeg, None, file_digest(data) if data is not None else None
    except ImageProblem as exc:
        return None, str(exc), None
    except MemoryError:
        return None, _("{path} is too large to decode here").format(
            path=display_path(job.path)), None
    except OSError as exc:
        return None, _("cannot read {path}: {reason}").format(path=display_path(job.path),
                                                            reason=os_reason(exc)), None


def _nothing() -> None:
    """A task that starts the workers (PhotoSource)."""


def _work_all(jobs: tuple) -> list | None:
    """`_work` of each job, in order: one task for a worker; None once the run is stopped."""
    if _CANCELLED is not None and _CANCELLED.is_set():
        return None
    return [_work(job) for job in jobs]


class PhotoSource:
    """Photos processed (and QR matrices made) as soon as their card is prepared, in worker
    processes when there are enough of them, and handed over by job when the page needs them.

    Submitting while the rest of the cards are still being prepared keeps the workers busy
    from the start; each result is dropped once embedded, so memory stays flat.

    The workers are a concurrent.futures.ProcessPoolExecutor: when one of them dies (the
    kernel's out-of-memory killer, a crash in an image library, a kill -9), every task still
    waiting fails at once and get() raises UserError saying so; multiprocessing's Pool
    started a new worker and waited for the lost task for ever (the tool hung).
    """

    def __init__(self, jobs: int, expected: int):
        self._pool = None
        self._pending: dict[PhotoJob | QrJob, tuple] = {}   # job -> (task or None, index)
        self._unsent: list[PhotoJob | QrJob] = []           # jobs of the next task
        self._cards = 0                                     # cards they are for
        # tasks of up to TASK_CARDS cards, yet at least 8 tasks for each worker: the last
        # task of a small run keeps one worker busy while the other waits
        self._per_task = max(1, min(TASK_CARDS, expected // (8 * max(1, jobs))))
        if jobs > 1 and expected >= PARALLEL_FROM:
            # what every worker needs at its start, loaded once here before the fork
            # instead of once in each worker: Pillow's JPEG/PNG readers and ctypes
            # (_quiet_worker's prctl)
            import ctypes  # noqa: F401
            from PIL import Image
            Image.preinit()
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._cancelled = context.Event()
            if context.get_start_method() == "fork":   # (Windows: terminate() kills)
                context = _killing(context)
            self._pool = ProcessPoolExecutor(min(jobs, expected), mp_context=context,
                                             initializer=_quiet_worker,
                                             initargs=(self._cancelled,))
            # the workers start with the first task (forked then, before the executor's
            # own thread starts): one that does nothing, now, before the fonts and the
            # layout's pictures are read. A forked worker holds what its parent held; the
            # fonts (13 MB) were in each worker and counted in the tree's memory three times
            self._pool.submit(_nothing)

    def submit(self, *jobs: PhotoJob | QrJob) -> None:
        """Start `jobs`, one card's (its photo and QR code, say). The jobs of several cards
        go to the workers as one task (`_per_task` cards): each task costs this process a
        round trip through two threads of its own (0.6 s of 2.3 for 1,000 badges, one card
        a task). Jobs already waiting are not started again. Raises UserError when a worker
        has died."""
        for job in jobs:
            if job not in self._pending:
                self._pending[job] = (None, len(self._unsent))
                self._unsent.append(job)
        self._cards += 1
        if self._cards >= self._per_task:
            self._send()

    def _send(self) -> None:
        """The jobs not yet handed to the workers, as one task."""
        new, self._unsent, self._cards = tuple(self._unsent), [], 0
        if self._pool is None or not new:
            return
        try:
            task = self._pool.submit(_work_all, new)
        except BrokenProcessPool:
            raise WorkerDied() from None
        for index, job in enumerate(new):
            self._pending[job] = (task, index)

    def get(self, job: PhotoJob | QrJob):
        """What `_work` makes of the job. Raises UserError when a worker has died."""
        if job not in self._pending:
            self.submit(job)
        if self._pending[job][0] is None and self._unsent:
            self._send()                 # needed now: the jobs waiting for a full task go
        task, index = self._pending.pop(job)
        if task is None:
            return _work(job)
        try:
            return task.result()[index]
        except BrokenProcessPool:
            raise WorkerDied() from None

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: when their work is done, or soon (`cancel`: Ctrl-C, SIGTERM, an
        error): the tasks still waiting are skipped, a photo being decoded is finished. Never
        by killing them: a worker killed while it sent a result holds the results queue's
        lock (only a worker's death makes the pool kill the others, and it then waits for
        nothing they hold). A second Ctrl-C or SIGTERM waits until the pool is stopped (it
        would leave workers that ignore both behind) and is then raised."""
        if self._pool is not None:
            try:
                with stop_signals_held() if cancel else contextlib.nullcontext():
                    if cancel:
                        self._cancelled.set()
                    self._pool.shutdown(wait=True, cancel_futures=cancel)
            finally:
                self._pool = None
        self._pending.clear()
        self._unsent.clear()


# A worker that died, said where the run was started: what happened, and what the user can do
# there (the command line has --jobs; the web app has no such choice).
WORKER_DIED = N_("a worker process preparing the photos stopped unexpectedly, most likely "
                 "because the computer ran out of memory; {advice}")
WORKER_DIED_ADVICE = {
    "command": N_("run again with --jobs 1 (one worker), or print fewer people at a time"),
    "web": N_("close other programs and print again, or untick some people and print them "
              "in several rounds"),
}


class WorkerDied(UserError):
    """A worker process ended without a word (the system killed it, most likely for memory):
    not a fault of the data nor of fieldprint, and the user can act on it, as on a full disk
    (generator.output.disk_full_is_user_error). Said with the command line's advice;
    `says("web")` with the web app's."""

    def __init__(self):
        super().__init__(self.says("command"))

    @staticmethod
    def says(medium: str) -> str:
        """The message with the advice of `medium` (a key of WORKER_DIED_ADVICE), in the
        user's language."""
        return _(WORKER_DIED).format(advice=_(WORKER_DIED_ADVICE[medium]))


@dataclass
class Written:
    pages: list[Page]
    problems: list[Problem]       # photos that could not be decoded, when not allowed
    warnings: list[Problem]
    digests: dict[str, str] = field(default_factory=dict)   # photo path -> file_digest
    failed: set[str] = field(default_factory=set)   # Who labels of the cards with a problem


def write_pdf(target: Path, renderer: CardRenderer, cards: list[PreparedCard], pages: list[Page],
              *, title: str, fonts: FontSet, photos: PhotoSource | None = None,
              sheet_label: str = "", progress: Callable[[int], None] | None = None) -> Written:
    """Draw `cards` on `pages` (sheets from card.impose; sizes in mm) into a PDF at `target` (the
    caller's temporary path, see output.py). Photos come from `photos` (decoded in workers) or
    are decoded here. Returns the pages, the problems (photos that cannot be decoded, when
    placeholders are not allowed), the warnings and the photos' digests. `progress(n)` is called
    as cards are drawn. Raises OSError when the file cannot be written.

    More than CHUNK_PAGES pages are drawn in parts of that many, each saved to a temporary
    file as soon as it is full and joined at the end (generator.pdfjoin.Spool): reportlab
    keeps a document's pages, photos included, until it is saved, and 5,000 people's badges
    would all sit in memory. A run of one part is reportlab's own file, as it always was.
    Raises UserError when the system's temporary folder fills up while a part is saved."""
    from ..pdfjoin import Spool
    with Spool() as spool:         # its folder is removed at the end, error or not
        return _write_pages(target, renderer, cards, pages, spool, title=title, fonts=fonts,
                            photos=photos, sheet_label=sheet_label, progress=progress,
                            chunk=CHUNK_PAGES)


def _write_pages(target: Path, renderer: CardRenderer, cards: list[PreparedCard],
                 pages: list[Page], spool, *, title: str, fonts: FontSet,
                 photos: PhotoSource | None, sheet_label: str,
                 progress: Callable[[int], None] | None, chunk: int) -> Written:
    """write_pdf's work; parts (when there are more than `chunk` pages) in `spool`."""
    layout = renderer.layout
    card_w, card_h = layout.size
    bleed = layout.model.bleed
    in_parts = len(pages) > chunk

    def begin(first_size: tuple[float, float]):
        path = spool.next_path() if in_parts else target
        canvas = new_canvas(str(path), first_size, font=fonts.pdf_font(), title=title)
        painter = Painter(canvas, card_h)
        # shared runs (the same on every card) become form objects, defined before the
        # first page (of each part)
        for form in renderer.forms():
            canvas.beginForm(form.name, pt(-bleed), pt(-bleed), pt(card_w + bleed),
                             pt(card_h + bleed))
            painter.draw(form.ops)
            canvas.endForm(Resources=_form_resources(canvas))
        return canvas, painter

    ready: dict[PhotoJob, EmbeddedImage | None] = {}
    matrices: dict[QrJob, tuple[int, str]] = {}          # this part's QR codes, each made once
    digests: dict[str, str] = {}
    failed: set[str] = set()
    problems: list[Problem] = []
    warnings: list[Problem] = []
    own_source = photos is None
    if own_source:
        photos = PhotoSource(1, 0)

    def image_for(op: PhotoOp) -> EmbeddedImage | None:
        if op.job in ready:
            return ready[op.job]
        data, error, digest = photos.get(op.job)
        if digest is not None:
            digests[op.job.path] = digest
        if error is None:
            ready[op.job] = EmbeddedImage(op.job.key, jpeg=data)
        else:
            ready[op.job] = None
            where = op.who.location if op.who else None
            label = f"{op.who.label}: photo" if op.who else "photo"
            if renderer.allow_missing_photos:
                warnings.append(Problem(_("{error}; printed a placeholder instead").format(
                    error=error), where, label))
            else:
                problems.append(Problem(refused_photo(error, renderer.medium), where, label))
                if op.who is not None:
                    failed.add(op.who.label)
        return ready[op.job]

    canvas = painter = None
    in_part = 0
    for number, page in enumerate(pages, 1):
        if canvas is None:
            canvas, painter = begin(page.size)
            in_part = 0
            # a photo embedded in an earlier part is embedded again (its pixels were let go);
            # one that could not be read stays a known failure
            ready = {job: image for job, image in ready.items() if image is None}
            matrices.clear()    # a code drawn again in a later part is made again
        canvas.setPageSize((pt(page.size[0]), pt(page.size[1])))
        page_h = pt(page.size[1])
        if page.trim is not None:
            canvas.setTrimBox(_box_pt(page.trim, page.size))
            canvas.setBleedBox(_box_pt(page.bleed_box or page.trim, page.size))
        dx, dy = page.offset
        shifted = bool(dx or dy)
        if shifted:  # printer calibration: the whole page moves, marks and label included
            canvas.saveState()
            canvas.translate(pt(dx), -pt(dy))
        for slot in page.slots:
            canvas.saveState()
            canvas.translate(pt(slot.x), page_h - pt(slot.y + card_h))
            if page.trim is None:  # neighbours on a sheet: nothing spills beyond the bleed
                bl, bt, br, bb = slot.bleeds if slot.bleeds is not None else (bleed,) * 4
                path = canvas.beginPath()
                path.rect(pt(-bl), pt(-bb), pt(card_w + bl + br), pt(card_h + bt + bb))
                canvas.clipPath(path, stroke=0, fill=0)
            ops = cards[slot.card].sides[slot.side]
            for op in ops:
                if isinstance(op, PhotoOp) and op.job is not None:
                    image = image_for(op)
                    op.image = image
                    painter.draw([op])
                    op.image = None
                    if image is not None and image._jpeg is not None:
                        ready[op.job] = image.drop_pixels()  # reportlab has its copy now
                elif type(op) is QrOp:
                    job = QrJob(op.payload, op.level)
                    rects = matrices.get(job)
                    if rects is None:
                        rects = matrices[job] = photos.get(job)
                    painter.qr(op, rects)
                else:
                    painter.draw([op])
            canvas.restoreState()
        if page.marks:
            canvas.saveState()
            canvas.setStrokeColorRGB(0, 0, 0)
            canvas.setLineWidth(MARK_WIDTH)
            for x1, y1, x2, y2 in page.marks:
                canvas.line(pt(x1), page_h - pt(y1), pt(x2), page_h - pt(y2))
            canvas.restoreState()
            _slug(canvas, page, sheet_label, fonts)
        if shifted:
            canvas.restoreState()
        canvas.showPage()
        in_part += 1
        if in_parts and in_part >= chunk:
            spool.save(canvas)         # this part is written: its pages and photos go
            canvas = painter = None
        if progress:
            progress(number)
    if own_source:
        photos.close()
    if not in_parts:
        if canvas is None:             # no pages: an empty document, as before
            canvas, painter = begin(layout.size)
        canvas.save()
    else:                              # parts joined page by page: memory stays flat
        if canvas is not None:
            spool.save(canvas)
        with open(target, "wb") as out:
            spool.join_into(out)
    return Written(pages, problems, warnings, digests, failed)


def _form_resources(canvas):
    """The resources of the form being drawn. reportlab gives a form only fonts and images;
    transparency (ExtGState) and gradients (Shading) used inside it must be added, or viewers
    drop them."""
    from reportlab.pdfbase.pdfdoc import PDFResourceDictionary
    resources = PDFResourceDictionary()
    resources.basicFonts()
    resources.allProcs()
    if canvas._formsinuse:
        resources.XObject = canvas._doc.xobjDict(canvas._formsinuse)
    state = canvas._extgstate.getState()
    if state:
        resources.ExtGState = state
    resources.setShading(dict(canvas._shadingUsed))
    return resources


def _box_pt(box: tuple[float, float, float, float], page_mm: tuple[float, float]):
    """(x0, y0, x1, y1) in mm from the top-left -> a PDF box in points from the bottom-left."""
    x0, y0, x1, y1 = box
    return (pt(x0), pt(page_mm[1] - y1), pt(x1), pt(page_mm[1] - y0))


LABEL_SIZE = 6          # points
LABEL_LIFT = 1.0        # mm from the printer margin to the label's baseline


def label_text(page: Page, label: str) -> str:
    """The line telling the operator which sheet this is and how to print it (Chinese: it is
    printed on the sheet, for the print room)."""
    text = f"{label} · {SIDE_LABELS[page.side]} · 第 {page.sheet_number} / {page.sheets} 张"
    if page.duplex:
        return text + " · 双面打印：长边翻转，按实际大小（100%）打印"
    return text + " · 单面打印，按实际大小（100%）打印，正反面分别裁切"


def _slug(canvas, page: Page, label: str, fonts: FontSet) -> None:
    """The sheet's label in the bottom margin: its baseline LABEL_LIFT mm above the printer
    margin, below the crop marks (which stop short of it); left out without room."""
    if not page.slots or page.label_room < 3.0:
        return
    canvas.saveState()
    canvas.setFont(fonts.pdf_font(), LABEL_SIZE)
    canvas.setFillColorRGB(0.45, 0.45, 0.45)
    canvas.drawCentredString(pt(page.size[0] / 2), pt(page.printer_margin + LABEL_LIFT),
                             label_text(page, label))
    canvas.restoreState()
