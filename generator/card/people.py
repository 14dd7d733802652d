"""Choosing and preparing the people of a card run: one team, an order, photos from a folder.

Pure functions over Person records (the data models); the only I/O is listing a photo
folder. Messages name files and people so HR can fix the folder in one go.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location, Problem, UserError, display_path, suggest
from ..i18n import N_, _, words

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".jfif"}
UNREADABLE_PHOTOS = {".heic", ".heif"}   # iPhone photos: said, with how to make them readable
SORT_KEYS = ("team", "id", "name")


def by_team(people: list, team: str | None) -> list:
    """The people of one team (as the `team` field spells it); UserError naming the teams
    there are when none matches."""
    if not team:
        return list(people)
    chosen = [p for p in people if (p.team or "") == team]
    if not chosen:
        teams = sorted({p.team for p in people if p.team})
        raise UserError(Problem(_("--team {team}: nobody is in that team{hint} (teams: "
                                  "{teams})").format(team=team, hint=suggest(team, teams),
                                                     teams=words(teams) or "-")))
    return chosen


def sorted_people(people: list, key: str | None) -> list:
    """People in data order (None), or by team (then data order; no team last), id or name.
    Stable. Names go in pinyin order (李 before 王, as in a Chinese staff list), by each
    character's common reading (pypinyin), so a polyphonic surname (曾 zēng, 单 shàn) goes by
    its common reading, as Excel's pinyin sort does; names in Latin letters go among them by
    their letters. UserError for an unknown key."""
    if not key:
        return list(people)
    if key not in SORT_KEYS:
        raise UserError(Problem(_("--sort {key}: use one of {keys}").format(
            key=key, keys=words(SORT_KEYS, "or"))))
    if key == "name":
        return sorted(people, key=lambda p: pinyin_key(p.name or ""))
    if key == "id":
        return sorted(people, key=lambda p: p.id or "")
    return sorted(people, key=lambda p: (p.team is None, p.team or ""))


def pinyin_key(text: str) -> tuple:
    """A sort key putting Chinese text in pinyin order (syllables with tone numbers, then the
    characters themselves to separate homophones); Latin letters case-folded among them."""
    from pypinyin import Style, lazy_pinyin
    return [syllable.casefold() for syllable in lazy_pinyin(text, style=Style.TONE3)], text


# Why a person has no photo, the one table of the command line and the web app: kind ->
# (what is wrong, {where it is said: what to do}). "folder": a folder of photos the command was
# given (--photos); "upload": the web app, whose photos are uploaded. An empty advice: the
# fact says it.
NO_PHOTO: dict[str, tuple[str, dict[str, str]]] = {
    "none": (N_("no photo given, and none in {folder} named {id}.jpg or {name}.jpg (any "
                "picture suffix)"),
             {"folder": "", "upload": N_("upload one named so")}),
    "shared_name": (N_("{folder}: {count} people are called {name}"),
                    {"folder": N_("name the photo {file} by employee ID ({id}.jpg)"),
                     "upload": N_("upload their photo again named by employee ID ({id}.jpg)")}),
    "several": (N_("{folder}: {files} all match"),
                {"folder": N_("keep one of them"),
                 "upload": N_("keep one of them: remove the others from the workspace's "
                              "photos folder")}),
    "not_found": (N_("photo file not found: {path}"),
                  {"folder": N_("put the file there, or correct the photo's name in the data"),
                   "upload": N_("upload that file, or correct the photo's name in the sheet")}),
}
MEDIA = ("folder", "upload")
_HEIC = N_("{file} is an iPhone (HEIC) photo fieldprint cannot read: save it as JPEG (on the "
           "iPhone: Settings > Camera > Formats > Most Compatible)")


@dataclass(frozen=True)
class NoPhoto:
    """Why one person has no photo: a `kind` of NO_PHOTO with the values its words take
    (folder, id, name, file, files, count, path), and an iPhone photo of theirs that cannot be
    read (`heic`, its file name), if any."""

    kind: str
    values: dict = field(default_factory=dict, hash=False)
    heic: str | None = None

    def says(self, medium: str) -> str:
        """The reason in the user's language, with the advice of `medium` (one of MEDIA: the
        command's photo folder, or the web app's uploads)."""
        fact, advice = NO_PHOTO[self.kind]
        text = _(fact).format(**self.values)
        if self.heic:
            text = _("{what}; {advice}").format(what=text, advice=_(_HEIC).format(
                file=self.heic))
        if advice[medium]:
            text = _("{what}; {advice}").format(what=text,
                                                advice=_(advice[medium]).format(**self.values))
        return text


@dataclass
class PhotoMatch:
    people: list                                   # with photos filled in where matched
    matched: int = 0
    unused_files: list[Path] = field(default_factory=list)
    # person id -> why the folder gave them no photo (none named so, or two that match): said
    # with the advice of where it is shown (`NoPhoto.says`): the command's card, where it would
    # say "no photo given" (CardRun.photo_reasons), once; the web app's list of problems
    reasons: dict[str, NoPhoto] = field(default_factory=dict)
    # person id -> (name（id）, the photo file their record names, not there; the folder's
    # file used instead)
    replaced: dict[str, tuple[str, Path, Path]] = field(default_factory=dict)

    def warnings(self) -> list[Problem]:
        """The files that name nobody, and the people whose named photo was not there and
        whose photo came from the folder instead, as warnings."""
        return [Problem(_("no one on the staff list has this id or name (name the file "
                          "<id>.jpg or <name>.jpg)"), Location(str(path)))
                for path in self.unused_files] + [
            Problem(replaced_photo(who, display_path(named), found))
            for who, named, found in self.replaced.values()]


def replaced_photo(who: str, named: str, found: Path) -> str:
    """What is said of a person whose named photo was not there and whose photo came from the
    folder (the command's --photos, the web's uploads)."""
    return _("{who}: photo file not found: {path}; printed {file} from the photos folder "
             "instead (correct the photo's name in the data if that is not the one)").format(
        who=who, path=named, file=found.name)


def match_photos(people: list, folder: Path, everyone: list | None = None,
                 also_named: Iterable[str] = ()) -> PhotoMatch:
    """Photos from a folder the way HR keeps them: `工号.jpg` or `姓名.jpg` (any common picture
    suffix, any case), for the people whose record gives no photo, or names one that is not
    there (then the folder's is used and said in `replaced`, a warning; with none there either,
    the reason is the named file not found). A person the folder gives
    no photo (none named so, two files that match, a name two people share) is left
    unmatched, with the reason in `reasons`. A file
    is reported unused only when it names nobody in `everyone` (the whole staff list, when
    `people` is a team or a few IDs), nor any id or name of `also_named` (people left out of
    the list for a mistake in their record), and is not the photo a record names. Raises
    UserError when the folder does not exist."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(Problem(_("--photos {folder}: no such folder").format(folder=folder)))
    files: dict[str, list[Path]] = {}
    unreadable: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.suffix.lower() in PHOTO_SUFFIXES:
            files.setdefault(path.stem.strip().casefold(), []).append(path)
        elif path.suffix.lower() in UNREADABLE_PHOTOS:
            unreadable.setdefault(path.stem.strip().casefold(), path)

    def named_by(person) -> list[Path]:
        """The folder's file a person's record names as their photo, if it is one of them."""
        if person.photo is None:
            return []
        stem = Path(person.photo).stem.strip().casefold()
        return [p for p in files.get(stem, []) if _same_file(p, person.photo)]

    names: dict[str, int] = {}
    for person in people:
        names[person.name.casefold()] = names.get(person.name.casefold(), 0) + 1
    used: set[Path] = set()
    result = PhotoMatch([])
    for person in people:
        named = person.photo
        if named is not None and Path(named).is_file():
            result.people.append(person)
            used.update(files.get(person.id.casefold(), []))   # this person's, even if unused
            used.update(named_by(person))
            continue
        if named is not None:            # named but not there: the folder's, as if none named
            person = person.model_copy(update={"photo": None})
        by_id = files.get(person.id.casefold(), [])
        by_name = files.get(person.name.casefold(), [])
        found = by_id or by_name
        if by_name and not by_id and names[person.name.casefold()] > 1:
            result.reasons[person.id] = NoPhoto("shared_name", {
                "folder": folder, "file": by_name[0].name, "id": person.id,
                "count": names[person.name.casefold()], "name": person.name})
            used.update(by_name)
        elif len(found) > 1:
            result.reasons[person.id] = NoPhoto("several", {
                "folder": folder, "files": words((p.name for p in found), "plain")})
            used.update(found)
        elif not found and named is not None:
            result.reasons[person.id] = NoPhoto("not_found", {"path": display_path(named),
                                                              "named": named})
        elif not found:
            iphone = unreadable.get(person.id.casefold()) or unreadable.get(person.name.casefold())
            result.reasons[person.id] = NoPhoto(
                "none", {"folder": folder, "id": person.id, "name": person.name},
                iphone.name if iphone else None)
        if person.id in result.reasons:
            result.people.append(person)
            continue
        used.add(found[0])
        result.matched += 1
        if named is not None:
            result.replaced[person.id] = (f"{person.name}（{person.id}）", Path(named), found[0])
        result.people.append(person.model_copy(update={"photo": found[0].resolve()}))
    for other in everyone or ():
        used.update(files.get(other.id.casefold(), []))
        used.update(files.get(other.name.casefold(), []))
        used.update(named_by(other))
    for name in also_named:
        used.update(files.get(name.casefold(), []))
    result.unused_files = [p for group in files.values() for p in group if p not in used]
    result.unused_files.sort()
    return result


def _same_file(a: Path, b) -> bool:
    try:
        return Path(a).samefile(b)
    except OSError:
        return False
