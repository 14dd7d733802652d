"""`fieldprint equipment --notify`: the report posted to WeCom, DingTalk and Feishu group robots.

A local HTTP server on 127.0.0.1 stands in for each app (never any other address): it records
what it receives and answers as the app would.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.equipment import notify
from generator.equipment.rules import STATUSES

ROOT = Path(__file__).resolve().parent.parent
OK = {"wecom": {"errcode": 0, "errmsg": "ok"}, "dingtalk": {"errcode": 0, "errmsg": "ok"},
      "feishu": {"code": 0, "msg": "success", "data": {}}}
pytestmark = pytest.mark.chinese   # the messages are checked in Chinese, the default
PATHS = {"wecom": "/cgi-bin/webhook/send?key=", "dingtalk": "/robot/send?access_token=",
         "feishu": "/open-apis/bot/v2/hook/"}


class FakeApps:
    """One local server for all three apps. `answers[token]` is a list of (status, JSON) to
    give in turn to requests for that token (the key, access token or hook id); the default
    is the app's OK."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: dict[str, list] = {}
        apps = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                app = ("wecom" if parts.path.startswith("/cgi-bin") else
                       "dingtalk" if parts.path.startswith("/robot") else "feishu")
                token = (query.get("key") or query.get("access_token") or
                         [parts.path.rsplit("/", 1)[-1]])[0]
                apps.requests.append({"app": app, "token": token, "path": self.path,
                                      "query": query, "raw": raw, "json": json.loads(raw),
                                      "content_type": self.headers["Content-Type"]})
                queue = apps.answers.get(token)
                status, answer = queue.pop(0) if queue else (200, OK[app])
                out = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, app: str, token: str) -> str:
        return f"http://127.0.0.1:{self.port}{PATHS[app]}{token}"

    def arg(self, app: str, token: str) -> str:
        """--notify's value: KIND:URL."""
        return f"{app}:{self.url(app, token)}"

    def to(self, token: str) -> list[dict]:
        return [r for r in self.requests if r["token"] == token]


@pytest.fixture
def apps():
    server = FakeApps()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Retries back off by 0 s here (the back-off itself is checked in test_backoff_doubles)."""
    monkeypatch.setattr("generator.webhook.BACKOFF", 0.0)


DATA = """\
company:
  name: 苏州吴韵通信工程有限公司
  short_name: 吴韵通信
staff:
  - {id: "SZ1", name: 王建国, team: 园区装维一班, phone: "13700001023"}
  - {id: "SZ2", name: 陆佳怡, team: 园区装维一班, phone: "13700001024"}
  - {id: "SZ3", name: 陈晓峰, team: 园区装维二班, phone: "13700001025"}
equipment:
  - {id: H-01, kind: helmet, holder: "SZ1", manufactured: 2024-06-01, in_service: 2024-07-01}
  - {id: H-02, kind: helmet, holder: "SZ3", manufactured: 2024-03-15, in_service: 2024-04-01}
  - {id: S-01, kind: insulated_shoes, holder: "SZ3", in_service: 2026-05-21}
  - {id: S-02, kind: insulated_shoes, holder: "SZ2", in_service: 2026-10-01}
  - {id: H-03, kind: helmet, manufactured: 2024-06-10}
"""
# as of 2026-11-21: H-02 overdue (due 2026-09-15), S-01 due today, H-01 due soon (2026-12-01),
# H-03 due soon (2026-12-10, not issued), S-02 ok (2027-04-01)
COUNTS = "> 已超期 1 · 今日到期 1 · 即将到期 2 · 数据有误 0 · 已报废 0 · 正常 1 · 未启用 0 · 库存未发放 0 · 共 5 件"


def write(tmp_path, text=DATA, name="data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(cli, data: Path, *args):
    return cli("equipment", data, "--as-of", "2026-11-21", *args)


def test_wecom_gets_the_documented_markdown_message(cli, apps, tmp_path):
    data = write(tmp_path)
    result = run(cli, data, "-o", tmp_path / "report.pdf", "--notify", apps.arg("wecom", "K1"))
    assert result.code == 0, result
    [got] = apps.requests
    assert got["content_type"] == "application/json; charset=utf-8"
    assert got["json"] == {"msgtype": "markdown", "markdown": {"content": "\n".join([
        "## 吴韵通信 安全帽/绝缘鞋检查提醒 2026-11-21",
        COUNTS,
        "",
        "**园区装维二班**",
        '<font color="warning">已超期</font> 陈晓峰（SZ3）安全帽 H-02，2026-09-15 到期，需抽检',
        '<font color="warning">今日到期</font> 陈晓峰（SZ3）绝缘鞋 S-01，2026-11-21 到期，'
        "需预防性试验",
        "",
        "**园区装维一班**",
        '<font color="comment">即将到期</font> 王建国（SZ1）安全帽 H-01，2026-12-01 到期，需抽检',
        "",
        "**（未分班组）**",
        '<font color="comment">即将到期</font> （未发放）安全帽 H-03，2026-12-10 到期，需抽检'])}}
    assert "已发送到企业微信群（全部班组，127.0.0.1" in result.err
    assert (tmp_path / "report.pdf").is_file()


def _dingtalk_sign(secret: str, timestamp: str) -> str:
    """The documented algorithm, written out again: HMAC-SHA256 keyed by the secret over
    timestamp + "\\n" + secret, Base64 (the query then carries it URL-encoded)."""
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def test_dingtalk_markdown_and_signature(cli, apps, tmp_path):
    data = write(tmp_path)
    before = time.time() * 1000
    result = run(cli, data, "--format", "json", "--notify", apps.arg("dingtalk", "T1"),
                 "--notify-secret", "SEC0123456789abcdef")
    assert result.code == 0, result
    [got] = apps.requests
    title = "吴韵通信 安全帽/绝缘鞋检查提醒 2026-11-21"
    assert got["json"] == {"msgtype": "markdown", "markdown": {"title": title, "text": "\n".join([
        f"## {title}", "", COUNTS, "",
        "#### 园区装维二班", "",
        "- **已超期** 陈晓峰（SZ3）安全帽 H-02，2026-09-15 到期，需抽检",
        "- **今日到期** 陈晓峰（SZ3）绝缘鞋 S-01，2026-11-21 到期，需预防性试验", "",
        "#### 园区装维一班", "",
        "- **即将到期** 王建国（SZ1）安全帽 H-01，2026-12-01 到期，需抽检", "",
        "#### （未分班组）", "",
        "- **即将到期** （未发放）安全帽 H-03，2026-12-10 到期，需抽检"])}}
    query = got["query"]
    assert query["access_token"] == ["T1"]
    [timestamp], [sign] = query["timestamp"], query["sign"]
    assert before - 1000 <= int(timestamp) <= time.time() * 1000 + 1000   # milliseconds
    assert sign == _dingtalk_sign("SEC0123456789abcdef", timestamp)
    # URL-encoded as the documentation asks: Base64's '+', '/', '=' never appear raw
    raw_sign = re.search(r"[?&]sign=([^&]*)", got["path"]).group(1)
    assert "%3D" in raw_sign and not re.search(r"[+/=]", raw_sign)


def test_dingtalk_secret_from_the_environment(cli, apps, tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDPRINT_NOTIFY_SECRET", "SECfromenv")
    result = run(cli, write(tmp_path), "--format", "json",
                 "--notify", apps.arg("dingtalk", "T2"))
    assert result.code == 0, result
    [got] = apps.requests
    assert got["query"]["sign"] == [_dingtalk_sign("SECfromenv", got["query"]["timestamp"][0])]


def test_feishu_card_and_signature(cli, apps, tmp_path):
    result = run(cli, write(tmp_path), "--format", "json", "--notify",
                 apps.arg("feishu", "hook-1"), "--notify-secret", "feishu-secret")
    assert result.code == 0, result
    [got] = apps.requests
    body = dict(got["json"])
    timestamp, sign = body.pop("timestamp"), body.pop("sign")
    assert abs(int(timestamp) - time.time()) < 5                          # seconds, as text
    key = f"{timestamp}\nfeishu-secret".encode()
    assert sign == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body == {"msg_type": "interactive", "card": {
        "config": {"wide_screen_mode": True},
        "header": {"template": "red", "title": {
            "tag": "plain_text", "content": "吴韵通信 安全帽/绝缘鞋检查提醒 2026-11-21"}},
        "elements": [{"tag": "markdown", "content": "\n".join([
            COUNTS[2:], "",
            "**园区装维二班**",
            "<font color='red'>已超期</font> 陈晓峰（SZ3）安全帽 H-02，2026-09-15 到期，需抽检",
            "<font color='red'>今日到期</font> 陈晓峰（SZ3）绝缘鞋 S-01，2026-11-21 到期，"
            "需预防性试验", "",
            "**园区装维一班**",
            "**即将到期** 王建国（SZ1）安全帽 H-01，2026-12-01 到期，需抽检", "",
            "**（未分班组）**",
            "**即将到期** （未发放）安全帽 H-03，2026-12-10 到期，需抽检"])}]}}


def test_each_team_group_gets_only_its_own_items(cli, apps, tmp_path):
    groups = (f"notify:\n"
              f"  - {{app: wecom, url: '{apps.url('wecom', 'ONE')}', team: 园区装维一班}}\n"
              f"  - {{app: feishu, url: '{apps.url('feishu', 'TWO')}', team: 园区装维二班}}\n"
              f"  - {{app: wecom, url: '{apps.url('wecom', 'ALL')}'}}\n"
              f"  - {{app: wecom, url: '{apps.url('wecom', 'TYPO')}', team: 园区装维3班}}\n")
    data = write(tmp_path, DATA.replace("staff:", "  " + groups.replace("\n", "\n  ").rstrip()
                                        + "\nstaff:", 1))
    result = run(cli, data, "--format", "json", "--notify", "company")
    assert result.code == 0, result
    one = apps.to("ONE")[0]["json"]["markdown"]["content"]
    assert one.splitlines()[0] == "## 吴韵通信 安全帽/绝缘鞋检查提醒 2026-11-21 · 园区装维一班"
    assert one.splitlines()[1] == ("> 已超期 0 · 今日到期 0 · 即将到期 1 · 数据有误 0 · 已报废 0 · "
                                   "正常 1 · 未启用 0 · 库存未发放 0 · 共 2 件")
    assert "H-01" in one and not re.search(r"H-02|S-01|H-03|S-02", one)
    assert "**园区装维一班**" not in one        # the title names the team
    two = apps.to("TWO")[0]["json"]["card"]
    assert two["header"]["title"]["content"].endswith("· 园区装维二班")
    text = two["elements"][0]["content"]
    assert "H-02" in text and "S-01" in text and not re.search(r"H-01|H-03|S-02", text)
    everything = apps.to("ALL")[0]["json"]["markdown"]["content"]
    assert all(i in everything for i in ("H-01", "H-02", "S-01", "H-03"))
    assert apps.to("TYPO") == []                 # nothing of its (misspelt) team needs doing
    assert "company notify[4]：没有人属于班组 '园区装维3班'" in result.err
    assert "did you mean '园区装维二班'" in result.err or "园区装维一班" in result.err


def test_items_of_teams_without_a_group_are_named(cli, apps, tmp_path):
    groups = f"  notify: [{{app: wecom, url: '{apps.url('wecom', 'ONE')}', team: 园区装维一班}}]\n"
    data = write(tmp_path, DATA.replace("staff:", groups + "staff:", 1))
    result = run(cli, data, "--format", "json", "--notify", "company")
    assert result.code == 0, result
    assert "注意：2 项需要处理的物品所属班组没有对应的群，没有群会收到：H-02、S-01" in result.err
    one = apps.to("ONE")[0]["json"]["markdown"]["content"]
    assert "H-03" in one           # of no team (not issued): every team's group hears of it


def test_an_item_whose_holder_is_misspelt_reaches_every_team_group(cli, apps, tmp_path):
    """Issue 19.4: the holder SZ9 is on no staff list, so the item has no team; with only
    teams' groups, each of them lists it under （未分班组）, marked as data to fix, after its own
    items, its counts its own; nothing is said as reaching nobody."""
    groups = (f"  notify:\n"
              f"    - {{app: wecom, url: '{apps.url('wecom', 'ONE')}', team: 园区装维一班}}\n"
              f"    - {{app: dingtalk, url: '{apps.url('dingtalk', 'TWO')}', team: 园区装维二班}}\n")
    text = DATA.replace("staff:", groups + "staff:", 1).replace(
        '{id: H-02, kind: helmet, holder: "SZ3"', '{id: H-02, kind: helmet, holder: "SZ9"')
    result = run(cli, write(tmp_path, text), "--format", "json", "--notify", "company")
    assert result.code == 0, result
    assert "没有群会收到" not in result.err
    one = apps.to("ONE")[0]["json"]["markdown"]["content"]
    two = apps.to("TWO")[0]["json"]["markdown"]["text"]
    for message in (one, two):
        unassigned = message[message.index("（未分班组）"):]
        line = next(x for x in unassigned.splitlines() if "H-02" in x)
        assert "SZ9" in line and "已超期" in line and "数据待更正" in line, line
    assert one.index("H-01") < one.index("（未分班组）")        # its own items first
    assert "已超期 0" in one.splitlines()[1]                    # counts: its own
    # with a whole-company group, that group alone hears of it
    apps.requests.clear()
    result = run(cli, write(tmp_path, text.replace(", team: 园区装维二班}", "}")),
                 "--format", "json", "--notify", "company")
    assert "H-02" not in apps.to("ONE")[0]["json"]["markdown"]["content"]
    assert "H-02" in apps.to("TWO")[0]["json"]["markdown"]["text"]


def test_company_without_notify_list_is_a_usage_error(cli, apps, tmp_path):
    result = run(cli, write(tmp_path), "--notify", "company", "-o", tmp_path / "r.json")
    assert result.code == 2
    assert "公司文件里没有 notify: 列表" in result.err and "[{app: wecom, url:" in result.err
    assert not (tmp_path / "r.json").exists() and apps.requests == []


@pytest.mark.parametrize("value", ["slack:https://hooks.example/x", "wecom", "wecom:ftp://x/y",
                                   "dingtalk:https://", "feishu:https://open.feishu.cn/a b"])
def test_a_wrong_notify_value_is_said(cli, apps, tmp_path, value):
    result = run(cli, write(tmp_path), "--notify", value)
    assert result.code == 2
    assert "--notify" in result.err and "webhook" in result.err
    assert "Traceback" not in result.err


def test_a_wrong_address_in_the_company_file_is_said_with_its_line(cli, apps, tmp_path):
    data = write(tmp_path, DATA.replace("staff:", "  notify:\n    - {app: wecom, url: "
                                        "qyapi.weixin.qq.com/x, team: 园区装维一班}\n"
                                        "    - {app: weixin, url: 'https://x.example/y'}\n"
                                        "staff:", 1))
    result = run(cli, data, "--notify", "company", "-o", tmp_path / "r.json")
    assert result.code == 2, result
    assert "data.yaml:5:" in result.err and "notify[1].url" in result.err
    assert "webhook" in result.err and "notify[2].app" in result.err
    assert apps.requests == [] and not (tmp_path / "r.json").exists()


def _big_register(n: int) -> str:
    lines = ["staff:"]
    lines += [f'  - {{id: "P{i:04d}", name: 张伟{i}, team: 班组{i % 7}}}' for i in range(n)]
    lines.append("equipment:")
    # all overdue, the first the most overdue (manufactured earliest)
    lines += [f'  - {{id: H-{i:04d}, kind: helmet, holder: "P{i:04d}", '
              f'manufactured: {2020 + i // 300}-{1 + i // 25 % 12:02d}-{1 + i % 25:02d}}}'
              for i in range(n)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("app, limit", [("wecom", 4096), ("dingtalk", 20000),
                                        ("feishu", 20000)])
def test_long_lists_are_cut_to_the_size_limit_most_urgent_kept(cli, apps, tmp_path, app, limit):
    data = write(tmp_path, _big_register(900))
    result = run(cli, data, "-o", tmp_path / "设备报告.xlsx", "--notify", apps.arg(app, "BIG"))
    assert result.code == 0, result
    [got] = apps.requests
    if app == "wecom":
        text = got["json"]["markdown"]["content"]
        assert len(text.encode()) <= limit
    else:
        text = (got["json"]["markdown"]["text"] if app == "dingtalk"
                else got["json"]["card"]["elements"][0]["content"])
        assert len(got["raw"]) <= limit
    listed = re.findall(r"H-\d{4}", text)
    more = re.search(r"……另有 (\d+) 项未列出，完整清单见 设备报告\.xlsx$", text)
    assert more, text[-200:]
    assert len(listed) + int(more.group(1)) == 900
    assert len(listed) > 10
    assert limit - len(text.encode()) < 1200        # filled, not cut early
    # the most urgent kept: the earliest due (lowest numbers) and nothing later
    assert sorted(listed) == [f"H-{i:04d}" for i in range(len(listed))]
    assert f"列出 {len(listed)} 项，另有 {more.group(1)} 项因消息长度限制未列出" in result.err


def test_a_5xx_is_retried_with_back_off(cli, apps, tmp_path):
    apps.answers["FLAKY"] = [(502, {"error": "bad gateway"}), (503, {"error": "busy"})]
    result = run(cli, write(tmp_path), "--format", "json", "--notify",
                 apps.arg("wecom", "FLAKY"))
    assert result.code == 0, result
    assert len(apps.to("FLAKY")) == 3
    assert len({json.dumps(r["json"]) for r in apps.to("FLAKY")}) == 1   # the same message


def test_a_5xx_every_time_is_exit_4_after_three_tries(cli, apps, tmp_path):
    apps.answers["DOWN"] = [(500, {})] * 3
    result = run(cli, write(tmp_path), "-o", tmp_path / "r.json",
                 "--notify", apps.arg("wecom", "DOWN"))
    assert result.code == 4, result
    assert len(apps.to("DOWN")) == 3
    assert "未能发送到企业微信群" in result.err and "对方返回 HTTP 500（已试 3 次）" in result.err
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["overdue"] == 1


def test_backoff_doubles(apps, tmp_path):
    from generator import webhook
    waited = []
    apps.answers["DOWN"] = [(503, {})] * 3
    message = notify.Message(notify.Target("wecom", apps.url("wecom", "DOWN")), "t",
                             {"msgtype": "markdown", "markdown": {"content": "x"}})
    problem = webhook.send(message, backoff=1.5, sleep=waited.append)
    assert waited == [1.5, 3.0]
    assert "HTTP 503" in problem


def test_an_unreachable_app_is_exit_4(cli, tmp_path):
    import socket
    with socket.socket() as s:              # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run(cli, write(tmp_path), "--format", "json",
                 "--notify", f"wecom:http://127.0.0.1:{port}/cgi-bin/webhook/send?key=X")
    assert result.code == 4
    assert "无法连接" in result.err and "已试 3 次" in result.err


def test_a_refused_key_is_exit_4_said_in_chinese_and_the_others_still_told(cli, apps, tmp_path):
    apps.answers["BADKEY"] = [(200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: "
                                     "[1700000000_1], from ip: 127.0.0.1"})]
    apps.answers["BADTOKEN"] = [(200, {"errcode": 300001, "errmsg": "token is not exist"})]
    apps.answers["BADSIGN"] = [(200, {"code": 19021, "msg": "sign match fail or timestamp is "
                                      "not within one hour from current time"})]
    out = tmp_path / "report.pdf"
    result = run(cli, write(tmp_path), "-o", out, "--fail-on", "overdue",
                 "--notify", apps.arg("wecom", "BADKEY"),
                 "--notify", apps.arg("dingtalk", "BADTOKEN"),
                 "--notify", apps.arg("feishu", "BADSIGN"),
                 "--notify", apps.arg("wecom", "GOOD"))
    assert result.code == 4, result            # not --fail-on's 1
    assert out.is_file() and out.read_bytes().startswith(b"%PDF")
    assert len(apps.to("BADKEY")) == 1          # a refusal is not retried
    assert len(apps.to("GOOD")) == 1
    err = result.err
    assert ("未能发送到企业微信群（全部班组，127.0.0.1" in err and "对方返回错误码 93000：invalid "
            "webhook url" in err and "webhook 地址无效" in err)
    assert "未能发送到钉钉群" in err and "300001" in err
    assert "未能发送到飞书群" in err and "19021" in err and "签名校验未通过" in err
    assert "已发送到企业微信群" in err


def test_nothing_sent_when_nothing_needs_attention_unless_always(cli, apps, tmp_path):
    calm = DATA.split("equipment:")[0] + (
        "equipment:\n"
        "  - {id: S-02, kind: insulated_shoes, holder: \"SZ2\", in_service: 2026-10-01}\n")
    data = write(tmp_path, calm)
    result = run(cli, data, "--format", "json", "--notify", apps.arg("wecom", "Q"))
    assert result.code == 0 and apps.requests == []
    assert "未向任何群发送" in result.err
    result = run(cli, data, "--format", "json", "--notify", apps.arg("wecom", "Q"),
                 "--notify-always")
    assert result.code == 0
    [got] = apps.requests
    assert got["json"]["markdown"]["content"].endswith(
        "共 1 件\n\n没有已超期、今日到期或即将到期的物品，也没有登记数据有误的物品。")


def test_markup_in_names_prints_as_typed_never_as_formatting(cli, apps, tmp_path):
    data = write(tmp_path, DATA.replace("name: 陈晓峰", "name: '陈*晓_峰<b>[x](y)#'"))
    result = run(cli, data, "--format", "json", "--notify", apps.arg("wecom", "M"))
    assert result.code == 0
    content = apps.requests[0]["json"]["markdown"]["content"]
    assert "陈＊晓＿峰＜b＞［x］(y)＃（SZ3）" in content


def test_english_with_lang(cli, apps, tmp_path):
    result = cli("--lang", "en", "equipment", write(tmp_path), "--as-of", "2026-11-21",
                 "--format", "json", "--notify", apps.arg("wecom", "EN"))
    assert result.code == 0, result
    content = apps.requests[0]["json"]["markdown"]["content"].splitlines()
    assert content[0] == "## 吴韵通信 Safety equipment to check, 2026-11-21"
    assert content[4] == ('<font color="warning">overdue</font> 陈晓峰 (SZ3) helmet H-02, '
                          "due 2026-09-15: spot-check test")
    assert "told WeCom group (all teams, 127.0.0.1" in result.err


def test_the_example_posts_one_message_whose_counts_are_the_json_summary(apps, tmp_path):
    """The issue's own case, through the installed command in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "equipment", "examples/equipment.yaml",
         "--as-of", "2026-11-21", "--format", "json", "--notify", apps.arg("wecom", "EX")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)["summary"]
    [got] = apps.requests
    content = got["json"]["markdown"]["content"]
    counts_line = content.splitlines()[1]
    labels = {"已超期": "overdue", "今日到期": "due_today", "即将到期": "due_soon",
              "数据有误": "invalid", "已报废": "scrapped", "正常": "ok", "未启用": "not_in_service",
              "库存未发放": "in_stock"}
    counts = {labels[k]: int(v) for k, v in re.findall(r"(\S+) (\d+)", counts_line)
              if k in labels}
    assert counts == summary and set(counts) == set(STATUSES)
    assert f"共 {sum(summary.values())} 件" in counts_line
    listed = len(re.findall(r"^<font", content, re.M))
    assert listed == (summary["overdue"] + summary["due_today"] + summary["due_soon"]
                      + summary["invalid"])                  # 数据有误 listed too
    # privacy: names and employee IDs, never a phone number from the staff list
    staff = (ROOT / "examples" / "staff.yaml").read_text(encoding="utf-8")
    phones = re.findall(r'phone: "(\d+)"', staff)
    assert phones and not any(p in content for p in phones)
    assert "欧阳志远（SZ10032）" in content


# ------------------------------------------------------------- invalid items are listed
INVALID = """\
  - {id: H-09, kind: helmet, holder: "SZ1", manufactured: 2026-01-10,
     checks: [{date: 2026-05-05, type: visual, result: 好}]}
  - {id: H-10, kind: 手套, holder: "SZ3", manufactured: 2025-01-01}
"""


@pytest.mark.parametrize("app", ["wecom", "dingtalk", "feishu"])
def test_invalid_items_are_listed_with_the_fields_to_fix(cli, apps, tmp_path, app):
    """An item whose record decides nothing safe (数据有误) was only counted: it is listed,
    after its team's due items, with its holder and the fields to fix in the register's
    words (a YAML key said as the template's column: result is 结果)."""
    text = DATA.replace("equipment:\n", "equipment:\n" + INVALID, 1)
    result = run(cli, write(tmp_path, text), "--format", "json", "--notify",
                 apps.arg(app, "INV"))
    assert result.code == 0, result
    [got] = apps.to("INV")
    body = json.dumps(got["json"], ensure_ascii=False)
    text = (got["json"]["markdown"]["content"] if app == "wecom" else
            got["json"]["markdown"]["text"] if app == "dingtalk" else
            got["json"]["card"]["elements"][0]["content"])
    assert "数据有误 2" in text
    h09 = next(x for x in text.splitlines() if "H-09" in x)
    assert "数据有误" in h09 and "王建国（SZ1）" in h09 and "待更正：结果" in h09, h09
    h10 = next(x for x in text.splitlines() if "H-10" in x)
    assert "陈晓峰（SZ3）" in h10 and "待更正：类别" in h10, h10
    assert text.index("H-01") < text.index("H-09")           # after its team's due ones
    assert "到期" not in h09.split("H-09")[1]                 # no due date to say
    assert "13700001023" not in body                          # names and IDs only


def test_invalid_items_fit_the_size_limit_after_the_due_ones(cli, apps, tmp_path):
    """900 helmets overdue and 60 invalid records: the most urgent kept within WeCom's 4096
    bytes, the invalid ones counted in the '…and N more'."""
    lines = _big_register(900).splitlines()
    at = lines.index("equipment:") + 1
    bad = [f'  - {{id: X-{i:03d}, kind: helmet, holder: "P{i:04d}", manufactured: 2026-00}}'
           for i in range(60)]
    data = write(tmp_path, "\n".join(lines[:at] + bad + lines[at:]) + "\n")
    result = run(cli, data, "--format", "json", "--notify", apps.arg("wecom", "BIG"))
    assert result.code == 0, result
    text = apps.to("BIG")[0]["json"]["markdown"]["content"]
    assert len(text.encode()) <= 4096
    listed = re.findall(r"[HX]-\d{3,4}", text)
    more = int(re.search(r"……另有 (\d+) 项未列出", text).group(1))
    assert len(listed) + more == 960 and not any(x.startswith("X") for x in listed)
    # a few due items and the invalid ones alone: all listed, the invalid ones last
    small = write(tmp_path, "\n".join(lines[:at] + bad[:5] + lines[at:at + 3]) + "\n",
                  "small.yaml")
    apps.requests.clear()
    assert run(cli, small, "--format", "json", "--notify", apps.arg("wecom", "S")).code == 0
    text = apps.to("S")[0]["json"]["markdown"]["content"]
    assert re.findall(r"X-\d{3}", text) == [f"X-{i:03d}" for i in range(5)]
    assert "待更正：生产日期" in text.splitlines()[-1]
