#!/usr/bin/env python3
"""The save-to-refresh loop of `servicebook serve`, measured.

Usage: serve_bench.py SERVICEBOOK CONTENT PAGE FILE   (run by bench/run.sh)
  PAGE: a page to keep open (steps/x.html); FILE: a content file to edit (its title changes).

Starts `serve` on a free port, opens PAGE in headless Chromium, then edits FILE ten times (or
EDITS) and prints, per edit: the server's own rebuild time, the time from the save to the server's reload event (the rebuild), and to the
reloaded page in the browser, showing the new title.
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
    edits = int(sys.argv[5]) if len(sys.argv) > 5 else 10
    port = free_port()
    original = file.read_text(encoding="utf-8")
    server = subprocess.Popen([tool, "serve", "--verbose", "--content", str(content), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # The server's own account of each rebuild: "Built N pages in 0.042 s (...)".
    built = []
    def read_output():
        for line in server.stdout:
            m = re.match(r"Built \d+ pages in ([0-9.]+) s", line)
            if m:
                built.append(float(m.group(1)))
    threading.Thread(target=read_output, daemon=True).start()
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
                    reloads.append(time.time())
    threading.Thread(target=listen, daemon=True).start()
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    rebuilds, refreshes, inside = [], [], []
    try:
        driver.get(base + page)
        time.sleep(1)
        for n in range(edits):
            marker = f"Правка {n} {time.time_ns()}"
            driver.execute_script("window.__before = 1")
            count, done = len(reloads), len(built)
            saved = time.time()
            file.write_text(re.sub(r"^title: .*$", f"title: {marker}", original, count=1, flags=re.M), encoding="utf-8")
            # Python waits for the reload event without touching the browser, so that polling it
            # takes no processor time from the rebuild.
            while len(reloads) == count and time.time() - saved < 300:
                time.sleep(0.002)
            rebuilds.append(reloads[-1] - saved)
            # The reloaded page, showing the edit (the new title), says when it finished loading
            # (its load event, on the same clock as `saved`).
            loaded = None
            while loaded is None and time.time() - saved < 300:
                time.sleep(0.05)
                try:
                    loaded = driver.execute_script(
                        "var n = performance.getEntriesByType('navigation')[0];"
                        "return window.__before === undefined && document.readyState === 'complete' && n.loadEventEnd > 0"
                        " && document.title.indexOf(arguments[0]) >= 0 ? performance.timeOrigin + n.loadEventEnd : null", marker)
                except Exception:
                    pass
            refreshes.append(loaded / 1000 - saved)
            while len(built) == done and time.time() - saved < 300:
                time.sleep(0.01)
            inside.append(built[-1])
            time.sleep(0.5)
    finally:
        driver.quit()
        server.terminate()
        server.wait()
        file.write_text(original, encoding="utf-8")
    ms = lambda xs: ", ".join(f"{x * 1000:.0f}" for x in xs)
    med = lambda xs: sorted(xs)[len(xs) // 2] * 1000
    print(f"  rebuild (the server's own time): {ms(inside)} ms; median {med(inside):.0f} ms, worst {max(inside) * 1000:.0f} ms")
    print(f"  save → reload event: {ms(rebuilds)} ms; median {med(rebuilds):.0f} ms, worst {max(rebuilds) * 1000:.0f} ms")
    print(f"  save → page reloaded in Chromium (load event): {ms(refreshes)} ms; median {med(refreshes):.0f} ms, worst {max(refreshes) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
