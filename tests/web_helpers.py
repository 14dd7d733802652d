"""What the web tests share: a workspace from the examples, a client, the CSRF token, jobs."""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx2
import pytest
from starlette.testclient import TestClient

from generator.web.app import Settings, create_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def seed(folder: Path, *, photos: bool = True, staff: bool = True) -> Path:
    """A workspace holding the example company, staff sheet, orders, register (and photos)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("company.yaml", "logo.png", "equipment.xlsx", "work_orders.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    if staff:
        shutil.copy(EXAMPLES / "staff.xlsx", folder / "staff.xlsx")
    if photos:
        shutil.copytree(EXAMPLES / "photos", folder / "photos")
    return folder


def client(folder: Path, **settings) -> TestClient:
    return TestClient(create_app(Settings(folder, **settings)))


@contextlib.contextmanager
def served(folder: Path):
    """`fieldprint serve` on `folder` in a process of its own, on a free local port: yields the
    process and an httpx2 client for it (its base_url is the server's address)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--no-browser", "--port", str(port),
         "--workspace", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "FIELDPRINT_LANG": "zh"})
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    http.get("/static/htmx.min.js")
                    break
                except httpx2.TransportError:
                    assert server.poll() is None and time.monotonic() < deadline, \
                        server.stdout.read().decode()
                    time.sleep(0.2)
            yield server, http
    finally:
        server.terminate()
        server.wait(timeout=30)


def csrf(c) -> str:
    page = c.get("/templates").text
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def photos_zip(names: dict[str, str] | None = None) -> bytes:
    """The example photos as a zip; `names` renames some (SZ10023.jpg -> 王建国.jpg)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted((EXAMPLES / "photos").glob("*.jpg")):
            archive.write(path, "员工照片/" + (names or {}).get(path.name, path.name))
    return out.getvalue()


def run_job(c: TestClient, url: str, data: dict, timeout: float = 120) -> str:
    """Post a job form; wait until it ends; the last status fragment."""
    text = c.post(url, data=data).text
    found = re.search(r'/jobs/([\w-]+)', text)
    if not found:
        return text
    job = found.group(1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = c.get(f"/jobs/{job}").text
        if 'hx-trigger="every' not in text:
            return text
        time.sleep(0.3)
    raise AssertionError(f"job {job} did not end in {timeout} s")


def download(c: TestClient, fragment: str) -> bytes:
    url = re.search(r'href="(/jobs/[\w-]+/download)"', fragment).group(1)
    response = c.get(url)
    assert response.status_code == 200, response.text
    return response.content


def many_people(folder: Path, n: int = 130) -> list[tuple[str, str]]:
    """A workspace of the example company and a staff list of `n` made-up people (no photos:
    for service cards), more than a card page shows at once; their (id, name)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("company.yaml", "logo.png"):
        shutil.copy(EXAMPLES / name, folder / name)
    family, given = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜", "建国佳怡晓峰雨婷"
    people = [(f"P{i + 1:04d}", family[i % len(family)] + given[i % 4 * 2:i % 4 * 2 + 2]
               + "一二三四五六七八九十"[i // len(family) % 10]) for i in range(n)]
    lines = ["staff:"]
    for i, (pid, name) in enumerate(people):
        lines += [f'  - id: "{pid}"', f"    name: {name}", "    unit: 苏州吴韵通信工程有限公司",
                  "    team: 园区装维一班", "    title: 智慧家庭工程师", f'    phone: "137{i + 1:08d}"']
    (folder / "staff.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return people


@pytest.fixture
def ws(tmp_path) -> Path:
    """The example workspace (a fixture: `from web_helpers import c, ws`)."""
    return seed(tmp_path / "ws")


@pytest.fixture
def c(ws):
    """A TestClient of the app on `ws`."""
    with client(ws) as test_client:
        yield test_client
