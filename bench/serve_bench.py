#!/usr/bin/env python3
"""The save-to-refresh loop of `servicebook serve`, measured.

Usage: serve_bench.py SERVICEBOOK CONTENT PAGE FILE   (run by bench/run.sh)
  PAGE: a page to keep open (steps/x.html); FILE: a content file to edit (its title changes).

Starts `serve` on a free port, opens PAGE in headless Chromium, then edits FILE five times and
prints, per edit: the time from the save to the server's reload event (the rebuild), and to the
reloaded page in the browser.
"""
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    tool, content, page, file = sys.argv[1], Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    port = free_port()
    original = file.read_text(encoding="utf-8")
    server = subprocess.Popen([tool, "serve", "--quiet", "--content", str(content), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "index.html", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    reloads = []
    def listen():
        with urllib.request.urlopen(base + "__servicebook/events", timeout=600) as stream:
            for line in stream:
                if line.startswith(b"event: reload"):
                    reloads.append(time.monotonic())
    threading.Thread(target=listen, daemon=True).start()
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    rebuilds, refreshes = [], []
    try:
        driver.get(base + page)
        time.sleep(1)
        for n in range(5):
            marker = f"Правка {n} {time.time_ns()}"
            driver.execute_script("window.__before = 1")
            count = len(reloads)
            saved = time.monotonic()
            file.write_text(re.sub(r"^title: .*$", f"title: {marker}", original, count=1, flags=re.M), encoding="utf-8")
            while len(reloads) == count and time.monotonic() - saved < 300:
                time.sleep(0.002)
            rebuilds.append(reloads[-1] - saved)
            while time.monotonic() - saved < 300:
                try:
                    if driver.execute_script("return window.__before === undefined && document.readyState !== 'loading'"):
                        break
                except Exception:
                    pass
                time.sleep(0.005)
            refreshes.append(time.monotonic() - saved)
            time.sleep(0.5)
    finally:
        driver.quit()
        server.terminate()
        server.wait()
        file.write_text(original, encoding="utf-8")
    ms = lambda xs: ", ".join(f"{x * 1000:.0f}" for x in xs)
    print(f"  save → reload event (rebuild): {ms(rebuilds)} ms; best {min(rebuilds) * 1000:.0f} ms")
    print(f"  save → page reloaded in Chromium: {ms(refreshes)} ms; best {min(refreshes) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
