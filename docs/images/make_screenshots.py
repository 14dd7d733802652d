"""The README's screenshots of `fieldprint serve`: the badge page and the equipment dashboard,
from a workspace holding the bundled examples, in headless Chromium. Run from the repository:

    python docs/images/make_screenshots.py

Needs Chromium and chromedriver (Debian: apt install chromium chromium-driver) and a CJK font
for Chromium (Debian: fonts-noto-cjk); the pages themselves do not need one.
"""
from __future__ import annotations

import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EX = ROOT / "examples"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--lang=zh-CN", "--hide-scrollbars", "--force-device-scale-factor=1"]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import uvicorn
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from generator.web.app import create_app
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        ws.mkdir()
        for name in ("company.yaml", "logo.png", "staff.xlsx", "equipment.xlsx"):
            shutil.copy(EX / name, ws / name)
        shutil.copytree(EX / "photos", ws / "photos")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(ws), host="127.0.0.1", port=port,
                                               log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "chromium"
        for flag in FLAGS + [f"--user-data-dir={Path(tmp) / 'profile'}"]:
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options,
                                  service=Service(shutil.which("chromedriver")))
        try:
            url = f"http://127.0.0.1:{port}"
            driver.set_window_size(1280, 900)
            driver.get(url + "/cards/badges")
            for image in driver.find_elements(By.CSS_SELECTOR, "figure.card img")[:16]:
                driver.execute_script("arguments[0].loading = 'eager'", image)
            time.sleep(0.5)
            _wait_images(driver)
            shot(driver, HERE / "web-badges.png")
            driver.set_window_size(1280, 1000)
            driver.get(url + "/equipment?as_of=2026-11-21")
            shot(driver, HERE / "web-equipment.png")
        finally:
            driver.quit()
            server.should_exit = True
            thread.join(timeout=10)


def _wait_images(driver, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = driver.execute_script(
            "return [...document.images].filter(i => i.getBoundingClientRect().top < "
            "innerHeight && !(i.complete && i.naturalWidth)).length")
        if not pending:
            return
        time.sleep(0.2)


def shot(driver, target: Path) -> None:
    raw = target.with_suffix(".raw.png")
    driver.save_screenshot(str(raw))
    image = Image.open(raw).convert("RGB")
    image.quantize(colors=128, method=2).save(target, optimize=True)
    raw.unlink()
    print("wrote", target)


if __name__ == "__main__":
    main()
