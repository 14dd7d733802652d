"""The equipment report as group-robot messages for WeCom, DingTalk and Feishu (issue 20).

Pure: a `Report` and the groups to tell (`Target`) -> `Message`s, each with the exact JSON the
app's robot takes. Nothing here touches the network; `generator.webhook` posts them.

What a message says: a title with the date (and the team, for a team's group), the counts of
every status, then the overdue, due-today and due-soon items, grouped by team, each with the
holder's name and employee ID, the item, its due date and what to do (and "data to fix" when
its record has a value that could not be read), and the invalid items (数据有误: their record
decides nothing safe) with the fields to fix, as the file names them. Items of no team (a holder not on the staff
list, or left out of it for a mistake in their record; a helmet not issued) reach someone:
the whole-company group when there is one, else every team's group, under "(no team)". The most urgent items are
kept when the list is cut to the app's size limit, and the cut says "…and N more" with the full
report's file name. Privacy: names and employee IDs only, never phone or ID-card numbers (the
staff records' other fields are never read here).

The apps' documented formats and limits (group robots, "custom robots"):
- WeCom (企业微信) group robot: https://developer.work.weixin.qq.com/document/path/91770
  POST {"msgtype": "markdown", "markdown": {"content": ...}}; markdown content at most 4096
  bytes of UTF-8 (longer is refused with errcode 40058); its markdown is a subset: headings,
  bold, links, `>` quotes and <font color="info|comment|warning">; no lists.
- DingTalk (钉钉) custom robot: https://open.dingtalk.com/document/robots/custom-robot-access
  POST {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}; the title is what the
  notification shows. Signed robots ("加签"),
  https://open.dingtalk.com/document/robots/customize-robot-security-settings : the string
  timestamp + "\\n" + secret (timestamp in milliseconds) signed with HMAC-SHA256 keyed by the
  secret, Base64-encoded, then URL-encoded, sent as the `timestamp` and `sign` query
  parameters; the timestamp must be within an hour of DingTalk's clock. The page states no
  length for markdown; we keep the request under 20,000 bytes, as for Feishu.
- Feishu (飞书) custom bot: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
  POST {"msg_type": "interactive", "card": {...}} with a `markdown` element; the request body
  at most 20 KB. Signed bots: the key is timestamp + "\\n" + secret (timestamp in seconds), the
  HMAC-SHA256 of an empty message, Base64-encoded, sent as `timestamp` and `sign` in the body.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from ..i18n import _
from .problems import field_said
from .report import NO_HOLDER_WORDS, NO_TEAM_WORDS, Report, failure_lines
from .rules import STATUSES, URGENCY, Status, urgent_first

APPS = ("wecom", "dingtalk", "feishu")
# Statuses a message lists, most urgent first; the others are only counted. An invalid item
# is listed too: its record decides nothing safe, so someone must look (issue 19).
ATTENTION = ("overdue", "due_today", "due_soon", "invalid")
# Bytes each app takes (see the module docstring): WeCom counts the markdown content, the
# others the whole request body (a Feishu signature adds about 80 bytes, kept free here).
LIMITS = {"wecom": 4096, "dingtalk": 20000, "feishu": 19900}
URGENT = frozenset({"overdue", "due_today"})   # in red; due soon and invalid are not


@dataclass(frozen=True)
class Target:
    """One group robot: `app` one of APPS, `url` its webhook address as the app shows it,
    `secret` for signed robots (DingTalk, Feishu), `team` to send only that team's items
    (None: every team). `where` says where it was given (for messages)."""

    app: str
    url: str
    secret: str | None = None
    team: str | None = None
    where: str = ""


@dataclass(frozen=True)
class Message:
    """What one group gets: `payload` is the JSON object the app's robot takes; `listed`
    items were listed, `left_out` more were cut for the size limit."""

    target: Target
    title: str
    payload: dict = field(hash=False)
    listed: int = 0
    left_out: int = 0


# ------------------------------------------------------------------------------ labels
def app_name(app: str) -> str:
    """The chat application's name for people ('wecom' -> 企业微信 / WeCom). Raises KeyError for an
    unknown app."""
    return {"wecom": _("WeCom"), "dingtalk": _("DingTalk"), "feishu": _("Feishu")}[app]


def _status_label(status: str) -> str:
    return {"ok": _("ok"), "due_soon": _("due soon"), "due_today": _("due today"),
            "overdue": _("overdue"), "scrapped": _("scrapped"),
            "not_in_service": _("not in service"), "in_stock": _("in stock"),
            "invalid": _("invalid")}[status]


def _kind_label(kind: str) -> str:
    return {"helmet": _("helmet"), "insulated_shoes": _("insulated shoes"),
            "unknown": _("unknown kind")}[kind]


def _action_label(s: Status) -> str:
    if s.action == "test":
        return _("spot-check test") if s.kind == "helmet" else _("preventive test")
    if s.action == "replace":
        return _("replace")
    return ""


# Characters that are markup in one of the three markdown dialects, and their full-width
# forms: a name or ID typed with them prints as typed but never turns into formatting.
_MARKUP = str.maketrans({"\\": "＼", "`": "｀", "*": "＊", "_": "＿", "[": "［", "]": "］",
                         "<": "＜", ">": "＞", "#": "＃", "~": "～", "|": "｜",
                         "\n": " ", "\r": " ", "\t": " "})


def plain(text: str) -> str:
    """Data text made safe for the apps' markdown (see _MARKUP)."""
    return text.translate(_MARKUP)


# ------------------------------------------------------------------------------ content
def scope(report: Report, team: str | None) -> list[Status]:
    """The statuses a group hears about: all, or one team's (by the holder's team)."""
    if team is None:
        return report.statuses
    return [s for s in report.statuses if report.team(s) == team]


def needing_attention(statuses: list[Status]) -> list[Status]:
    """Overdue, due today, due soon and invalid, most urgent first."""
    return urgent_first(s for s in statuses if s.status in ATTENTION)


def counts_line(statuses: list[Status]) -> str:
    """Every status with its count (zeros too, in urgency order) and the total:
    '已超期 7 · 今日到期 2 · … · 共 47 件'."""
    counts = dict.fromkeys(STATUSES, 0)
    for s in statuses:
        counts[s.status] += 1
    order = sorted(STATUSES, key=URGENCY.get)
    parts = [_("{status} {count}").format(status=_status_label(k), count=counts[k])
             for k in order]
    parts.append(_("{count} in all").format(count=len(statuses)))
    return " · ".join(parts)


def item_line(report: Report, s: Status) -> str:
    """'周雨婷（SZ10026）安全帽 H-0005，2026-09-15 到期，需抽检' (no status: the app's own
    markup adds it). No holder: '（未发放）安全帽 …'."""
    name = report.holder_name(s)
    if s.holder and name:
        holder = _("{name} ({id})").format(name=plain(name), id=plain(s.holder))
    elif s.holder:   # not on the staff list (a warning when loading)
        holder = _("{name} ({id})").format(name="", id=plain(s.holder)).strip()
    else:
        holder = _(NO_HOLDER_WORDS)
    if s.status == "invalid":   # no due date nor action to say: what to fix
        return _("{holder} {kind} {id}: data to fix ({fields})").format(
            holder=holder, kind=_kind_label(s.kind), id=plain(s.id),
            fields=_(", ").join(dict.fromkeys(plain(field_said(p)) for p in s.problems)))
    line = _("{holder} {kind} {id}, due {due}: {action}").format(
        holder=holder, kind=_kind_label(s.kind), id=plain(s.id),
        due=s.due.isoformat() if s.due else "", action=_action_label(s))
    if s.problems:   # its status stands, and its record needs fixing (issue 19)
        line = _("{line}; data to fix").format(line=line)
    return line


def title(report: Report, team: str | None) -> str:
    """The title of a chat message about `report`: company, date and, for one team's group, the
    team."""
    company = report.company
    who = (company.short_name or company.name) if company is not None else ""
    text = _("Safety equipment to check, {date}").format(date=report.as_of.isoformat())
    if who:
        text = f"{plain(who)} {text}"
    if team is not None:
        text = f"{text} · {plain(team)}"
    return text


# A file name keeps its underscores and tildes (one alone is not markup): people look it up.
_FILE_MARKUP = str.maketrans({k: v for k, v in
                              ((chr(c), _MARKUP[c]) for c in _MARKUP) if k not in "_~"})


def _more_line(left_out: int, report_file: str | None) -> str:
    if report_file:
        return _("…and {count} more: the full list is in {file}").format(
            count=left_out, file=report_file.translate(_FILE_MARKUP))
    return _("…and {count} more: see the full report").format(count=left_out)


# ------------------------------------------------------------------- each app's markup
def _status_markup(app: str, status: str) -> str:
    label = _status_label(status)
    if app == "wecom":   # orange-red for overdue and due today, grey for due soon, invalid
        colour = "warning" if status in URGENT else "comment"
        return f'<font color="{colour}">{label}</font>'
    if app == "feishu" and status in URGENT:
        return f"<font color='red'>{label}</font>"
    return f"**{label}**"


def _body(app: str, report: Report, statuses: list[Status], listed: list[Status],
          more: str, team: str | None, alerts: list[str] = ()) -> str:
    """The markdown under the title: counts, the `alerts` (failing checks that name nothing
    of the register, in bold: `report.failure_lines`), then the listed items grouped by team
    (teams in the order of their most urgent listed item), then the 'more' line."""
    lines = [f"> {counts_line(statuses)}" if app != "feishu" else counts_line(statuses)]
    if alerts:
        lines += ["", f"**{plain(alerts[0])}**"]
        lines += [(f"- {plain(a.strip().removeprefix('- '))}" if app == "dingtalk"
                   else plain(a.strip())) for a in alerts[1:]]
    groups: dict[str, list[Status]] = {}
    for s in listed:
        groups.setdefault(report.team(s), []).append(s)
    if not listed:
        lines += ["", _("Nothing is overdue, due today or due soon, and no record is invalid.")]
    for name, members in groups.items():
        lines.append("")
        if team is None or not name:   # a team's own group knows its name: in the title
            heading = plain(name) if name else _(NO_TEAM_WORDS)
            lines.append(f"#### {heading}" if app == "dingtalk" else f"**{heading}**")
            if app == "dingtalk":
                lines.append("")
        for s in members:
            prefix = "- " if app == "dingtalk" else ""
            lines.append(f"{prefix}{_status_markup(app, s.status)} {item_line(report, s)}")
    if more:
        lines += ["", more]
    return "\n".join(lines)


def payload(app: str, heading: str, body: str, colour: str = "red") -> dict:
    """The JSON object `app`'s robot takes for a markdown message (see the module docstring);
    `colour` is the Feishu card header's template (red, orange, green)."""
    if app == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": f"## {heading}\n{body}"}}
    if app == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": heading,
                                                    "text": f"## {heading}\n\n{body}"}}
    if app == "feishu":
        return {"msg_type": "interactive",
                "card": {"config": {"wide_screen_mode": True},
                         "header": {"template": colour,
                                    "title": {"tag": "plain_text", "content": heading}},
                         "elements": [{"tag": "markdown", "content": body}]}}
    raise ValueError(f"unknown app {app!r}")


def size(app: str, message: dict) -> int:
    """Bytes of what the app's limit counts (LIMITS): WeCom the markdown content, the others
    the request body as sent (`encode`)."""
    if app == "wecom":
        return len(message["markdown"]["content"].encode("utf-8"))
    return len(encode(message))


def encode(message: dict) -> bytes:
    """The request body: compact JSON, UTF-8 (all three apps ask for UTF-8)."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build(report: Report, target: Target, report_file: str | None = None,
          always: bool = False, unassigned: bool = False) -> Message | None:
    """The message for one group, or None when none of its items needs attention (and not
    `always`). Cut to LIMITS[app]: as many of the most urgent items as fit, and a line
    '…and N more' naming `report_file` (the full report's file name) when given.
    `unassigned`: a team's group also lists the items of no team needing attention, after
    its own, under "(no team)" (its counts stay its own)."""
    app, team = target.app, target.team
    statuses = scope(report, team)
    urgent = needing_attention(statuses)
    if unassigned and team is not None:
        urgent += needing_attention([s for s in report.statuses if not report.team(s)])
    # a failing check that names nothing of the register: whoever hears of the items of no
    # team hears of it (it belongs to no team until corrected), first and always
    alerts = failure_lines(report) if team is None or unassigned else []
    if not urgent and not alerts and not always:
        return None
    heading = title(report, team)
    colour = ("red" if alerts or any(s.status in URGENT for s in urgent) else
              "orange" if urgent else "green")

    def make(n: int) -> dict:
        more = _more_line(len(urgent) - n, report_file) if n < len(urgent) else ""
        return payload(app, heading, _body(app, report, statuses, urgent[:n], more, team,
                                           alerts), colour)

    limit = LIMITS[app]
    n = len(urgent)
    message = make(n)
    if size(app, message) > limit:
        # grow from none: a big register may have thousands due, of which a few dozen fit
        n, message = 0, make(0)
        while n < len(urgent):
            bigger = make(n + 1)
            if size(app, bigger) > limit:
                break
            n, message = n + 1, bigger
    return Message(target, heading, message, n, len(urgent) - n)


def build_all(report: Report, targets: list[Target], report_file: str | None = None,
              always: bool = False) -> list[Message]:
    """A message per target that has something to say (see `build`), in the targets' order."""
    # no whole-company group: the items of no team go to every team's group
    unassigned = not any(t.team is None for t in targets)
    out = []
    for target in targets:
        message = build(report, target, report_file, always, unassigned)
        if message is not None:
            out.append(message)
    return out


def unrouted(report: Report, targets: list[Target]) -> list[Status]:
    """Items needing attention that no group hears about: every target is one team's, and
    the item's team has none. (Items of no team go to every team's group: `build_all`.)
    Said as a warning, never dropped silently."""
    if not targets or any(t.team is None for t in targets):
        return []
    teams = {t.team for t in targets}
    return [s for s in needing_attention(report.statuses)
            if (team := report.team(s)) and team not in teams]


# ------------------------------------------------------------------------------ signing
def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature (Base64, not yet URL-encoded): HMAC-SHA256 keyed by the secret of
    timestamp + "\\n" + secret, timestamp in milliseconds."""
    text = f"{timestamp_ms}\n{secret}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), text, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature (Base64): HMAC-SHA256 of an empty message, keyed by
    timestamp + "\\n" + secret, timestamp in seconds."""
    key = f"{timestamp_s}\n{secret}".encode("utf-8")
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def request(message: Message, now: float) -> tuple[str, bytes]:
    """(URL, body) to POST for `message` at time `now` (seconds since the epoch): a signed
    robot's signature added as its app asks (query for DingTalk, body for Feishu)."""
    target = message.target
    url, body = target.url, dict(message.payload)
    if target.secret and target.app == "dingtalk":
        ms = int(now * 1000)
        query = urlencode({"timestamp": ms, "sign": dingtalk_sign(target.secret, ms)})
        url = f"{url}{'&' if '?' in url else '?'}{query}"
    elif target.secret and target.app == "feishu":
        seconds = int(now)
        body = {"timestamp": str(seconds), "sign": feishu_sign(target.secret, seconds), **body}
    return url, encode(body)
