#!/usr/bin/env python3
"""Checks the handbook of the hostile book (make_book.py) for executable author content.

1. Every HTML page is parsed (Python's html.parser, not grep): the only scripts are the theme's
   two files, with no inline code; no event-handler attribute; no javascript:, vbscript: or data:
   URL in any URL attribute; no iframe, object, embed, base, meta refresh or author form; every
   page carries a Content-Security-Policy that allows scripts from the site only.
2. Every search file is parsed as the browser reads it (a call __sb(type, key, data) with JSON
   data; page files zlib-compressed in base64): the hostile text is there, as data.
3. Headless Chromium opens pages, searches for the hostile words and opens results with the
   highlighting on: no payload runs (each would set window.__pwned), no element gets injected.

Usage: check_site.py SITE_FOLDER
"""
import base64
import html.parser
import json
import re
import sys
import time
import urllib.parse
import zlib
from pathlib import Path

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href", "background", "cite", "ping"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "svg", "math", "style"}
THEME_SCRIPTS = {"assets/search-core.js", "assets/search.js", "assets/checklist.js"}
problems = []


class Page(html.parser.HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path, self.in_script, self.csp, self.forms = path, False, None, 0

    def problem(self, text):
        problems.append(f"{self.path}:{self.getpos()[0]}: {text}")

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problem(f"<{tag}> element")
        if tag == "script":
            self.in_script = True
            src = (values.get("src") or "").split("../")[-1]
            if src not in THEME_SCRIPTS:
                self.problem(f"a script that is not the theme's: {values}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problem("meta refresh")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = values.get("content") or ""
        if tag == "form":
            self.forms += 1
            # The search box, and a checklist's visit form (no action: its script saves a file).
            if (values.get("action") or "").split("../")[-1] not in ("search.html",) and not (
                    values.get("class") == "visit-form" and "action" not in values):
                self.problem(f"a form that is neither the search box nor a checklist's visit form: {values}")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problem(f"event handler {name}= on <{tag}>")
            if name.lower() in URL_ATTRIBUTES and value is not None:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower().split(":", 1)
                if len(scheme) == 2 and scheme[0] in ("javascript", "vbscript", "data"):
                    self.problem(f"{scheme[0]}: URL in {name}= of <{tag}>: {value[:60]}")
            if name.lower() == "style":
                self.problem(f"style attribute on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problem("inline script code")


def check_pages(site):
    pages = sorted(site.rglob("*.html"))
    for path in pages:
        parser = Page(path.relative_to(site))
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        csp = parser.csp or ""
        directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
        if "script-src" not in directives or directives["script-src"].strip() != "'self'":
            parser.problem(f"Content-Security-Policy does not limit scripts to the site: {csp!r}")
    return len(pages)


def payload(path):
    text = path.read_text(encoding="utf-8")
    if not (text.startswith("__sb(") and text.endswith(");\n")):
        problems.append(f"{path}: not one __sb(...) call")
        return None
    kind, key, data = json.loads("[" + text[5:-3] + "]")
    if kind == "d":
        data = json.loads(zlib.decompress(base64.b64decode(data)).decode("utf-8"))
    return data


def check_search(site):
    files = sorted((site / "search").rglob("*.js"))
    found = False
    for path in files:
        if re.search(r"[<>\u2028\u2029\u202a-\u202e\u2066-\u2069]", path.read_text(encoding="utf-8")):
            problems.append(f"{path}: unescaped markup or control characters")
        data = payload(path)
        if isinstance(data, dict) and "window.__pwned=1" in str(data.get("t", "")):
            found = True
    if not found:
        problems.append("search: the hostile title is not in any page file (the check would prove nothing)")
    return len(files)


def check_browser(site):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    base = site.as_uri() + "/"
    visits = 0
    try:
        targets = ["index.html", "steps/greeting.html", "scripts/call.html", "journeys/sale.html", "print.html",
                   "search.html?q=" + urllib.parse.quote("взлом script"),
                   "steps/greeting.html?h=" + urllib.parse.quote("<img src=x onerror=window.__pwned=40> взлом* script")]
        for target in targets:
            driver.get(base + target)
            time.sleep(0.6)
            box = driver.find_element(By.ID, "sb:search-input")
            box.send_keys("взлом onerror")
            time.sleep(0.8)
            for element in driver.find_elements(By.CSS_SELECTOR, "#sb\\:search-list [role=option]")[:1]:
                element.click()
                time.sleep(0.6)
            pwned = driver.execute_script("return window.__pwned === undefined ? null : String(window.__pwned)")
            injected = driver.execute_script(
                "return document.querySelectorAll('svg, iframe, object, embed, main script, script:not([src]), "
                "[onerror], [onload], [onmouseover], [onclick], [href^=\"javascript\" i], [src^=\"javascript\" i], "
                "[src^=\"data\" i]').length")
            if pwned is not None:
                problems.append(f"browser: a payload ran on {target}: __pwned = {pwned}")
            if injected:
                problems.append(f"browser: {injected} injected elements on {target}")
            visits += 1
    finally:
        driver.quit()
    return visits


def main():
    site = Path(sys.argv[1]).resolve()
    pages = check_pages(site)
    files = check_search(site)
    visits = check_browser(site)
    if problems:
        print("hostile content: executable author content found:")
        for line in problems[:50]:
            print("  " + line)
        sys.exit(1)
    print(f"hostile content: {pages} pages parsed, {files} search files parsed, {visits} pages searched in Chromium: nothing ran")


if __name__ == "__main__":
    main()
