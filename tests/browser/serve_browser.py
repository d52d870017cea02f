#!/usr/bin/env python3
"""`servicebook serve` in a real browser: headless Chromium keeps a page open while a file is
broken and fixed. The page must show the error (file:line and message) in an overlay, keep the
last good content, and reload without the overlay once the file is fixed.

Usage: serve_browser.py SERVICEBOOK CONTENT_FOLDER   (the folder is edited, then restored)
"""
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def wait(what, condition, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if condition():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def main():
    tool, content = sys.argv[1], Path(sys.argv[2])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    page = content / "glossary" / "csi.md"
    original = page.read_text(encoding="utf-8")
    server = subprocess.Popen([tool, "serve", "--quiet", "--content", str(content), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        wait("the server", lambda: urllib.request.urlopen(base + "index.html", timeout=1).status == 200, 60)
        driver.get(base + "glossary/csi.html")
        title = driver.find_element(By.TAG_NAME, "h1").text
        time.sleep(0.5)
        page.write_text("---\ntitle: [не закрыто\n---\nТекст.\n", encoding="utf-8")
        wait("the error overlay", lambda: driver.find_elements(By.ID, "sb:serve-errors"))
        overlay = driver.find_element(By.ID, "sb:serve-errors").text
        assert "glossary/csi.md:3" in overlay and "invalid-yaml" in overlay, overlay
        assert driver.find_element(By.TAG_NAME, "h1").text == title, "the last good page stays under the overlay"
        # A page opened while the book is broken shows the overlay too.
        driver.get(base + "index.html")
        wait("the overlay on a newly opened page", lambda: driver.find_elements(By.ID, "sb:serve-errors"))
        page.write_text(original.replace("title: CSI", "title: CSI исправлено"), encoding="utf-8")
        wait("the reload without overlay", lambda: not driver.find_elements(By.ID, "sb:serve-errors"))
        driver.get(base + "glossary/csi.html")
        wait("the fixed page", lambda: driver.find_element(By.TAG_NAME, "h1").text == "CSI исправлено")
        errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, f"console errors: {errors}"
    finally:
        driver.quit()
        server.terminate()
        server.wait()
        page.write_text(original, encoding="utf-8")
    print("serve in Chromium: the error overlay shows file:line, the last good page stays, the fix reloads it")


if __name__ == "__main__":
    main()
