"""The company's files in one folder: what the web app reads and replaces.

    WORKSPACE/
      company.yaml                     the company section (the 公司信息 page writes it)
      staff.xlsx | staff.csv | staff.yaml
      work_orders.xlsx | .csv | .yaml
      phrases.yaml                     the service-phrase pocket card's words
      equipment.xlsx | .csv | .yaml    (checks recorded in the web app: its 检查记录 and
                                        批次抽检 sheets, or checks.csv and batch_checks.csv
                                        beside a CSV or YAML register)
      photos/                          staff photos, matched by 工号 or name in the file name
      layouts/                         the company's own layouts (optional)
      .history/                        every replaced file, with the time it was replaced
      .fieldprint/                     the server's own: secret key, password hash, downloads

The same files the CLI reads: `fieldprint badges WORKSPACE/staff.xlsx` prints what the web app
previews. Every write is atomic (`generator.output`) and keeps the previous version.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from ..card.people import PhotoMatch
from ..data.dataset import Dataset, load_dataset
from ..errors import Location, Problem, UserError
from ..i18n import _
from ..output import write_bytes

SECTIONS = ("staff", "work_orders", "equipment", "checks")
SUFFIX_ORDER = (".xlsx", ".csv", ".yaml", ".yml")
PRIVATE = ".fieldprint"
HISTORY = ".history"


class Workspace:
    """One company's folder. Paths it hands out are inside `root`."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.private = self.root / PRIVATE
        self.private.mkdir(mode=0o700, exist_ok=True)
        self.photos_dir = self.root / "photos"

    # -------------------------------------------------------------------------- files
    @property
    def company_file(self) -> Path:
        return self.root / "company.yaml"

    def data_file(self, section: str) -> Path | None:
        """The current file of a section (staff.xlsx before staff.csv before staff.yaml)."""
        for suffix in SUFFIX_ORDER:
            path = self.root / f"{section}{suffix}"
            if path.is_file():
                return path
        return None

    def stamp(self, *sections: str) -> tuple:
        """What changes when the files of these sections (and the company, the photos) do:
        names, sizes and modification times."""
        paths = [self.company_file, self.photos_dir] + [self.data_file(s) for s in sections]
        out = []
        for path in paths:
            try:
                st = path.stat() if path is not None else None
            except OSError:
                st = None
            out.append((str(path), st.st_size, st.st_mtime_ns) if st else (str(path),))
        return tuple(out)

    def inside(self, path: Path) -> bool:
        """Whether `path`, with every link followed, is inside the workspace (and not in its
        private folder)."""
        try:
            real = Path(os.path.realpath(path))
            rel = real.relative_to(self.root)
        except (ValueError, OSError):
            return False
        return not rel.parts or rel.parts[0] != PRIVATE

    def replace(self, name: str, content: bytes) -> Path:
        """Write `name` (a plain file name in the workspace) atomically, keeping the old one."""
        target = self.root / name
        self._keep(target)
        write_bytes(target, content)
        return target

    def replace_section(self, section: str, suffix: str, content: bytes) -> Path:
        """The section's file becomes `content`; its files of other types move to history,
        so one file per section is current."""
        for other in SUFFIX_ORDER:
            path = self.root / f"{section}{other}"
            if other != suffix and path.is_file():
                self._keep(path, move=True)
        return self.replace(f"{section}{suffix}", content)

    def add_photos(self, photos: list[tuple[str, bytes]]) -> list[str]:
        """Write photos into photos/ (a file of the same name is kept in history first)."""
        self.photos_dir.mkdir(exist_ok=True)
        names = []
        for name, content in photos:
            target = self.photos_dir / name
            self._keep(target)
            write_bytes(target, content)
            names.append(name)
        return names

    def photo_names(self) -> list[str]:
        from .uploads import PHOTO_SUFFIXES
        if not self.photos_dir.is_dir():
            return []
        return sorted(p.name for p in self.photos_dir.iterdir()
                      if p.is_file() and not p.is_symlink()
                      and p.suffix.lower() in PHOTO_SUFFIXES)

    def remove_photo(self, name: str) -> Path:
        """Take the uploaded photo `name` (a file name in photos/, as `photo_names` lists it) out
        of photos/: it is moved into history, not deleted, so it can be put back. Returns where
        it was kept. UserError when photos/ has no such photo."""
        if name not in self.photo_names():
            raise UserError(Problem(_("{name}: there is no such photo in the workspace's "
                                      "photos folder (it may have been deleted already)")
                                    .format(name=name)))
        return self._keep(self.photos_dir / name, move=True)

    def _keep(self, path: Path, move: bool = False) -> Path | None:
        if not path.is_file():
            return None
        history = self.root / HISTORY
        history.mkdir(exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        rel = path.relative_to(self.root).as_posix().replace("/", "_")
        keep = history / f"{stamp}-{rel}"
        if move:
            os.replace(path, keep)
        else:
            shutil.copy2(path, keep)
        return keep

    # -------------------------------------------------------------------------- loading
    def load(self, *sections: str, keep_valid_staff: bool = False,
             keep_incomplete: bool = False, keep_valid_orders: bool = False,
             staff_beside: bool = True) -> Dataset:
        """The company and the named sections, validated; UserError with every problem (but,
        keep_valid_staff, those of staff records: they are left out, their problems in
        `Dataset.refused_staff`; keep_valid_orders, likewise a work order's, in
        `Dataset.refused_orders`; keep_incomplete, those of equipment records: they are in
        `Dataset.incomplete`). Photos, logos and fonts are not required here; `confine`
        checks them. staff_beside False: no staff list is read unless `staff` is named (the
        company file's folder holds it)."""
        paths = []
        if self.company_file.is_file():
            paths.append(self.company_file)
        for section in sections:
            path = self.data_file(section)
            if path is not None:
                paths.append(path)
            if section == "equipment":   # the checks recorded beside a CSV or YAML register
                for kind in ("checks", "batch_checks"):
                    checks = self.data_file(kind)
                    if checks is not None:
                        paths.append(checks)
        if not paths:
            raise UserError(_("the workspace has no data yet: upload the files first"))
        return load_dataset(paths, missing_files="ignore", keep_valid_staff=keep_valid_staff,
                            keep_incomplete=keep_incomplete, keep_valid_orders=keep_valid_orders,
                            staff_beside=staff_beside)

    def resolve_photos(self, dataset: Dataset
                       ) -> tuple[list, list[Problem], list[Problem], PhotoMatch]:
        """Staff with their photo paths checked and completed: a photo (or QR picture) named
        in the data must be inside the workspace, else it is refused (a problem, the file never
        opened); a person whose photo is not given, or not there, gets the one matched by 工号 or
        name in photos/ (`generator.card.people.match_photos`). Returns (people, refused,
        missing, match): missing names the people left without a photo, why (for one whose named
        file is not there: that file, as the sheet names it), said as the command line says it
        (`card.people.NO_PHOTO`) with the web app's advice (upload). A person whose named
        file is not there but whose photo is in photos/ gets that one, as the command line's
        --photos does (`match.replaced`, said as a warning by `replaced_warnings`)."""
        from ..card.people import NoPhoto, match_photos
        refused: list[Problem] = []
        refused_ids: set[str] = set()
        people = []
        for person in dataset.staff:
            where = dataset.origins.get(("staff", person.id))
            photo = person.photo
            if photo is not None and not self.inside(photo):
                refused.append(_outside(where, person, photo))
                refused_ids.add(person.id)
                photo = None
            qr_image = getattr(person, "qr_image", None)
            if qr_image is not None and not self.inside(qr_image):
                refused.append(_problem(where, "qr_image", _(
                    "{who}: the QR picture {path} is outside the workspace; upload it "
                    "instead").format(who=_who(person), path=_shown(qr_image))))
                person = person.model_copy(update={"qr_image": None})
            people.append(person if photo == person.photo
                          else person.model_copy(update={"photo": photo}))
        if self.photos_dir.is_dir():   # a named photo not there: theirs in photos/, if any
            found = match_photos(people, self.photos_dir, also_named=dataset.left_out_names)
        else:
            without = [p for p in people if p.photo is None or not Path(p.photo).is_file()]
            found = PhotoMatch(
                [p.model_copy(update={"photo": None}) if p in without else p for p in people],
                reasons={p.id: NoPhoto("none", {"folder": self.photos_dir, "id": p.id,
                                                "name": p.name}) if p.photo is None
                         else NoPhoto("not_found", {"path": p.photo, "named": p.photo})
                         for p in without})
        people, missing = [], []
        for person in found.people:
            where = dataset.origins.get(("staff", person.id))
            if person.photo is not None and not self.inside(person.photo):   # a link elsewhere
                if person.id not in refused_ids:
                    refused.append(_outside(where, person, person.photo))
                person = person.model_copy(update={"photo": None})
            elif person.photo is None and person.id not in refused_ids:
                reason = found.reasons[person.id]
                if reason.kind == "not_found":     # the file as the sheet names it
                    reason = NoPhoto("not_found", {"path": self.written(reason.values["named"])})
                missing.append(_problem(where, "photo", _("{who}: {why}").format(
                    who=_who(person), why=reason.says("upload"))))
            people.append(person)
        return people, refused, missing, found

    def replaced_warnings(self, dataset: Dataset, match: PhotoMatch) -> list[Problem]:
        """The people whose named photo was not there and whose photo came from photos/, as
        warnings at their rows (the file as the sheet names it)."""
        from ..card.people import replaced_photo
        return [_problem(dataset.origins.get(("staff", person_id)), "photo",
                         replaced_photo(who, self.written(named), found))
                for person_id, (who, named, found) in match.replaced.items()]

    def written(self, path) -> str:
        """A path as the data names it: relative to the workspace (where its files are)
        when inside it."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def confine_company(self, company) -> list[Problem]:
        """Problems for company files (logo, fonts, QR images) outside the workspace."""
        if company is None:
            return []
        named = [("logo", company.logo)]
        for i, entry in enumerate(getattr(company, "fonts", None) or []):   # a fallback chain
            named += [(f"fonts[{i + 1}].regular", entry.regular),
                      (f"fonts[{i + 1}].bold", entry.bold)]
        for i, code in enumerate(getattr(company, "qr_codes", None) or []):
            named.append((f"qr_codes[{i + 1}].image", getattr(code, "image", None)))
        return [Problem(_("{path} is outside the workspace; upload the file instead").format(
                    path=_shown(path)), Location(str(self.company_file)), f"company.{field}")
                for field, path in named if path is not None and not self.inside(path)]


def _outside(where: Location | None, person, photo) -> Problem:
    return _problem(where, "photo", _("{who}: the photo {path} is outside the workspace; "
                                      "upload the photo instead").format(who=_who(person),
                                                                         path=_shown(photo)))


def _who(person) -> str:
    return f"{person.name}（{person.id}）"


def _shown(path) -> str:
    return str(path)


def _problem(where: Location | None, field: str, message: str) -> Problem:
    return Problem(message, where, f"staff.{field}")
