"""Posting messages to the chat apps' group robots (the edge of issue 20's notifications).

`send(message) -> None | str`: POST the message's JSON (urllib from the standard library,
HTTPS verified by Python's default context), a timeout per try, two more tries with back-off
when the app could not be reached or answered 5xx/429; None when the app accepted it, else
what went wrong, in the user's language, with the app's own answer (errcode and errmsg) and,
for the answers we know, what to do. An app's refusal (a wrong key, a bad signature) is not
retried: it would be refused again.

The apps answer HTTP 200 with a JSON body: WeCom and DingTalk {"errcode": 0, "errmsg": "ok"},
Feishu {"code": 0, "msg": "success"}; any other code is a refusal (see the docs cited in
`generator.equipment.notify`).
"""
from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from typing import Callable
from urllib.parse import urlsplit

from .equipment.notify import Message, app_name, request
from .i18n import _

TIMEOUT = 10.0            # seconds per try
RETRIES = 2               # tries after the first
BACKOFF = 2.0             # seconds before the first retry, doubled before the next


def _hint(app: str, code: int, text: str) -> str:
    """What to do about an app's refusal, for the codes its docs list."""
    wrong_address = _("the webhook address is not valid (a wrong or removed robot): copy it "
                      "again from the robot's settings in the group")
    signature = _("the signature does not match: give the robot's secret (starting SEC for "
                  "DingTalk) with --notify-secret or 'secret:' in the company file, and check "
                  "the computer's clock")
    keywords = _("the robot's security settings ask for a keyword the message lacks: add a "
                 "word of the message's title to the robot's keywords")
    address = _("the robot accepts only some IP addresses: add this computer's address to "
                "the robot's IP list")
    too_many = _("the robot was sent too many messages: the apps allow about 20 a minute; "
                 "try again later")
    if app == "wecom":
        return {93000: wrong_address, 45009: too_many}.get(code, "")
    if app == "dingtalk":
        if code == 310000:   # one code for keyword, signature and IP checks: the text says which
            lowered = text.lower()
            if "sign" in lowered:
                return signature
            if "keyword" in lowered:
                return keywords
            if "ip" in lowered:
                return address
            return ""
        if code in (300001, 300005) or "token" in text.lower():
            return wrong_address
        return {130101: too_many}.get(code, "")
    return {19001: wrong_address, 19021: signature, 19024: keywords, 19022: address,
            11232: too_many}.get(code, "")


def describe(message: Message) -> str:
    """Which group, without the webhook's key: '企业微信群（园区装维二班，qyapi.weixin.qq.com）'."""
    target = message.target
    host = urlsplit(target.url).netloc or target.url[:30]
    team = target.team if target.team is not None else _("all teams")
    return _("{app} group ({team}, {host})").format(app=app_name(target.app), team=team,
                                                    host=host)


def answer_error(app: str, status: int, body: bytes) -> str | None:
    """None when the app's answer says the message was taken; else the refusal, explained."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        shown = body[:200].decode("utf-8", "replace").strip()
        return _("the answer was not the app's JSON (HTTP {status}): {text}").format(
            status=status, text=shown or "-")
    if app == "feishu":
        code = answer.get("code", answer.get("StatusCode"))
        text = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code, text = answer.get("errcode"), answer.get("errmsg", "")
    if code == 0 and 200 <= status < 300:
        return None
    try:
        number = int(code)
    except (TypeError, ValueError):
        number = -1
    said = _("the app answered {code}: {text}").format(code=code, text=str(text)[:300])
    hint = _hint(app, number, str(text))
    return f"{said}; {hint}" if hint else said


def send(message: Message, *, timeout: float | None = None, retries: int | None = None,
         backoff: float | None = None, sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.time) -> str | None:
    """POST `message`; None when delivered, else why not (in the user's language).
    `timeout` seconds per try, `retries` more tries after `backoff`, 2×`backoff`… seconds
    (defaults: TIMEOUT, RETRIES, BACKOFF)."""
    timeout = TIMEOUT if timeout is None else timeout
    retries = RETRIES if retries is None else retries
    backoff = BACKOFF if backoff is None else backoff
    app = message.target.app
    problem = ""
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        url, body = request(message, clock())   # a fresh signature on every try
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "fieldprint"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as answer:
                return answer_error(app, answer.status, answer.read(65536))
        except urllib.error.HTTPError as exc:
            content = exc.read(65536) if exc.fp is not None else b""
            if exc.code >= 500 or exc.code == 429:
                problem = _("HTTP {status} from the app").format(status=exc.code)
                continue
            return answer_error(app, exc.code, content) or _("HTTP {status} from the app").format(
                status=exc.code)
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError,
                http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, (socket.timeout, TimeoutError)):
                problem = _("no answer within {seconds} seconds").format(seconds=int(timeout))
            else:
                problem = _("could not connect: {reason}").format(reason=reason)
    return _("{problem} (tried {tries} times)").format(problem=problem, tries=retries + 1)
