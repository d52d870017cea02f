#!/usr/bin/env python3
"""The save-to-refresh loop of `servicebook serve`, measured.

Usage: serve_bench.py SERVICEBOOK CONTENT PAGE FILE   (run by bench/run.sh)
  PAGE: a page to keep open (steps/x.html); FILE: a content file to edit (its title changes).

Starts `serve` on a free port, opens PAGE in headless Chromium, then edits FILE ten times (or
EDITS) and prints, per edit: the server's own rebuild time, the time from the save to the server's reload event (the rebuild), and to the
reloaded page in the browser, showing the new title.
"""
import re
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from serving import Serving


def main():
    tool, content, page, file = sys.argv[1], Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    edits = int(sys.argv[5]) if len(sys.argv) > 5 else 10
    original = file.read_text(encoding="utf-8")
    server = Serving(tool, content)
    base = server.base
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
            saved = time.time()
            # Python waits for the reload event without touching the browser, so that polling it
            # takes no processor time from the rebuild.
            rebuild, delay = server.after(lambda: file.write_text(
                re.sub(r"^title: .*$", f"title: {marker}", original, count=1, flags=re.M), encoding="utf-8"))
            inside.append(rebuild)
            rebuilds.append(delay)
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
            time.sleep(0.5)
    finally:
        driver.quit()
        server.stop()
        file.write_text(original, encoding="utf-8")
    ms = lambda xs: ", ".join(f"{x * 1000:.0f}" for x in xs)
    med = lambda xs: sorted(xs)[len(xs) // 2] * 1000
    print(f"  rebuild (the server's own time): {ms(inside)} ms; median {med(inside):.0f} ms, worst {max(inside) * 1000:.0f} ms")
    print(f"  save → reload event: {ms(rebuilds)} ms; median {med(rebuilds):.0f} ms, worst {max(rebuilds) * 1000:.0f} ms")
    print(f"  save → page reloaded in Chromium (load event): {ms(refreshes)} ms; median {med(refreshes):.0f} ms, worst {max(refreshes) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
