"""Choosing and preparing the people of a card run: one team, an order, photos from a folder.

Pure functions over Person records (the data models); the only I/O is listing a photo
folder. Messages name files and people so HR can fix the folder in one go.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location, Problem, UserError, suggest
from ..i18n import _, words

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


@dataclass
class PhotoMatch:
    people: list                                   # with photos filled in where matched
    matched: int = 0
    unused_files: list[Path] = field(default_factory=list)
    # person id -> why the folder gave them no photo (none named so, or two that match): the
    # card says it where it would say "no photo given" (CardRun.photo_reasons), once
    reasons: dict[str, str] = field(default_factory=dict)

    def warnings(self) -> list[Problem]:
        """The files that name nobody, as warnings."""
        return [Problem(_("no one on the staff list has this id or name (name the file "
                          "<id>.jpg or <name>.jpg)"), Location(str(path)))
                for path in self.unused_files]


def match_photos(people: list, folder: Path, everyone: list | None = None,
                 also_named: Iterable[str] = ()) -> PhotoMatch:
    """Photos from a folder the way HR keeps them: `工号.jpg` or `姓名.jpg` (any common picture
    suffix, any case), for the people whose record gives no photo. A person the folder gives
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
        if person.photo is not None:
            result.people.append(person)
            used.update(files.get(person.id.casefold(), []))   # this person's, even if unused
            used.update(named_by(person))
            continue
        by_id = files.get(person.id.casefold(), [])
        by_name = files.get(person.name.casefold(), [])
        found = by_id or by_name
        if by_name and not by_id and names[person.name.casefold()] > 1:
            result.reasons[person.id] = _(
                "{folder}: {count} people are called {name}; name the photo {file} by employee "
                "ID ({id}.jpg)").format(folder=folder, file=by_name[0].name, id=person.id,
                                        count=names[person.name.casefold()], name=person.name)
            used.update(by_name)
        elif len(found) > 1:
            result.reasons[person.id] = _("{folder}: {files} all match; keep one of them").format(
                folder=folder, files=words((p.name for p in found), "plain"))
            used.update(found)
        elif not found:
            iphone = unreadable.get(person.id.casefold()) or unreadable.get(person.name.casefold())
            result.reasons[person.id] = _(
                "no photo given, and none in {folder} named {id}.jpg or {name}.jpg (any picture "
                "suffix)").format(folder=folder, id=person.id, name=person.name) + (_(
                    "; {file} is an iPhone (HEIC) photo fieldprint cannot read: save it as JPEG "
                    "(on the iPhone: Settings > Camera > Formats > Most Compatible)").format(
                        file=iphone.name) if iphone else "")
        if person.id in result.reasons:
            result.people.append(person)
            continue
        used.add(found[0])
        result.matched += 1
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
