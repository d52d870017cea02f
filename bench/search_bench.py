#!/usr/bin/env python3
"""Search benchmark: our index beside Pagefind's, over the same built pages.

Usage: search_bench.py SITE QUERY...   (run by bench/run.sh; needs chromium, chromium-driver,
PyPI selenium and pagefind-bin). Pagefind's index goes to SITE-pagefind (or $PAGEFIND_DIR).

Prints, for SITE: the size of our index (files, bytes, gzip bytes) and Pagefind's, the time
Pagefind takes to index, and per query, in headless Chromium over a local HTTP server with the
browser cache off: the bytes a first query downloads (index files, and with the search code),
and the query time once the files have arrived (a fresh engine over the fetched files for us;
Pagefind's second run of the query, its files cached, for Pagefind).
"""
import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

PAGEFIND_PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>pagefind bench</title></head><body>
<script type="module">
window.pagefindBench = async (query, count) => {
  performance.clearResourceTimings();
  const started = performance.now();
  const pf = await import('./pagefind/pagefind.js');
  await pf.init();
  let search = await pf.search(query);
  await Promise.all(search.results.slice(0, count).map((r) => r.data()));
  const cold = performance.now() - started;
  const bytes = performance.getEntriesByType('resource').reduce((sum, e) => sum + e.encodedBodySize, 0);
  const files = performance.getEntriesByType('resource').length;
  const t = performance.now();
  search = await pf.search(query + ' ');
  await Promise.all(search.results.slice(0, count).map((r) => r.data()));
  return { bytes, files, cold, warm: performance.now() - t, results: search.results.length };
};
</script></body></html>
"""

OUR_QUERY = """
const [query, count, done] = arguments;
const S = window.ServicebookSearch;
performance.setResourceTimingBufferSize(100000);
performance.clearResourceTimings();
const fetched = new Map();
const remember = (path) => { if (!fetched.has(path)) fetched.set(path, S.page.load(path)); return fetched.get(path); };
const run = async (engine) => {
  const found = await engine.search(query);
  const docs = await Promise.all(found.results.slice(0, count).map((r) => engine.doc(r.page)));
  docs.forEach((d) => S.snippet(d.x, found.highlight));
  return found.results.length;
};
(async () => {
  const started = performance.now();
  const results = await run(new S.Engine(remember));
  const cold = performance.now() - started;
  const entries = performance.getEntriesByType('resource').filter((e) => e.name.includes('/search/'));
  const bytes = entries.reduce((sum, e) => sum + e.encodedBodySize, 0);
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await run(new S.Engine((path) => fetched.get(path) || S.page.load(path)));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  done({ bytes, files: entries.length, cold, warm: times[2], results });
})();
"""

TYPED = """
const [query, done] = arguments;
performance.setResourceTimingBufferSize(100000);
performance.clearResourceTimings();
const box = document.getElementById('sb:search-input');
const list = document.getElementById('sb:search-list');
(async () => {
  for (const ch of Array.from(query)) {
    box.value += ch;
    box.dispatchEvent(new Event('input'));
    await new Promise((r) => setTimeout(r, 120));
  }
  const t = performance.now();
  while (list.hidden && performance.now() - t < 5000) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 300));
  const entries = performance.getEntriesByType('resource').filter((e) => e.name.includes('/search/'));
  done({ bytes: entries.reduce((sum, e) => sum + e.encodedBodySize, 0), files: entries.length });
})();
"""


def folder_size(path):
    files = [p for p in Path(path).rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in files)
    packed = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    return len(files), raw, packed


def kb(n):
    return f"{n / 1024:.1f} KB"


SERVED = []                       # (path, body bytes) of every file the server sent
SERVED_LOCK = threading.Lock()


def serve(folder, pagefind):
    """Serves `folder`, with Pagefind's index (kept outside it) at /pagefind/ and its bench page."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def translate_path(self, path):
            clean = urllib.parse.unquote(path.split("?", 1)[0])
            if clean.startswith("/pagefind/"):
                return str(Path(pagefind) / clean[len("/pagefind/"):])
            return super().translate_path(path)

        def do_GET(self):
            if self.path.startswith("/pagefind-bench.html"):
                body = PAGEFIND_PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def copyfile(self, source, outputfile):
            with SERVED_LOCK:
                SERVED.append((urllib.parse.unquote(self.path), os.fstat(source.fileno()).st_size))
            super().copyfile(source, outputfile)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def browser():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(120)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver


def transferred(driver, needle):
    """Bytes and files the server sent since the last call for paths containing `needle`
    (counted at the server, so that requests of Pagefind's web worker count too)."""
    time.sleep(0.1)
    with SERVED_LOCK:
        served = [item for item in SERVED if needle in item[0]]
        SERVED.clear()
    return sum(size for _, size in served), len(served)


def main():
    site = Path(sys.argv[1]).resolve()
    queries = sys.argv[2:]
    pages = sum(1 for _ in (site / "search" / "d").iterdir())

    pagefind = Path(os.environ.get("PAGEFIND_DIR", str(site) + "-pagefind")).resolve()
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "pagefind_bin", "--site", str(site), "--output-path", str(pagefind),
                    "--force-language", "ru", "--silent"], check=True)
    pagefind_seconds = time.monotonic() - started

    ours = folder_size(site / "search")
    theirs = folder_size(pagefind)
    code = sum((site / "assets" / name).stat().st_size for name in ("search-core.js", "search.js"))
    print(f"search index, {pages} pages:")
    print(f"  servicebook: {ours[0]} files, {kb(ours[1])} ({kb(ours[2])} gzipped); code {kb(code)}")
    print(f"  pagefind:    {theirs[0]} files, {kb(theirs[1])} (its files are gzipped already); indexing took {pagefind_seconds:.2f} s")

    server, base = serve(site, pagefind)
    driver = browser()
    try:
        print("per query, first 8 results with their text, browser cache off; bytes of the files a server without compression sends:")
        for query in queries:
            driver.get(base + "index.html")
            transferred(driver, "")
            mine = driver.execute_async_script(OUR_QUERY, query, 8)
            mine["bytes"], mine["files"] = transferred(driver, "/search/")
            driver.get(base + "index.html")
            transferred(driver, "")
            typed = driver.execute_async_script(TYPED, query)
            typed["bytes"], typed["files"] = transferred(driver, "/search/")
            driver.get(base + "pagefind-bench.html")
            time.sleep(0.2)
            transferred(driver, "")
            theirs_q = driver.execute_async_script(
                "const [q, n, done] = arguments; window.pagefindBench(q, n).then(done);", query, 8)
            theirs_q["bytes"], theirs_q["files"] = transferred(driver, "/pagefind/")
            words = len(query.split())
            print(f"  «{query}» ({words} word{'s' if words > 1 else ''}):")
            
            print(f"    servicebook: {kb(mine['bytes'])} index in {mine['files']} files (+ {kb(code)} code, with every page); "
                  f"typed letter by letter {kb(typed['bytes'])} in {typed['files']} files; "
                  f"{mine['results']} results; query {mine['warm']:.1f} ms once the files are here (first query {mine['cold']:.0f} ms)")
            print(f"    pagefind:    {kb(theirs_q['bytes'])} in {theirs_q['files']} files (code, wasm and index); "
                  f"{theirs_q['results']} results; query {theirs_q['warm']:.1f} ms with its files cached (first query {theirs_q['cold']:.0f} ms)")
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main()
