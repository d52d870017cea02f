#!/usr/bin/env python3
"""Search in a real browser: headless Chromium (Debian chromium + chromium-driver) driven by
Selenium opens a built handbook from file:// and from a local HTTP server, types queries, and
checks the results, the keyboard, the results page and the highlighting on the opened page.

Usage: search_browser.py SITE_FOLDER   (run by tests/site-quality.sh, so by `make test`)
"""
import contextlib
import functools
import http.server
import socketserver
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from common import console_errors, wait_for

REFUND = "situations/prepayment-refund.html"
checks = 0


def check(condition, message):
    global checks
    if not condition:
        raise AssertionError(message)
    checks += 1


def browser():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--lang=ru"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


@contextlib.contextmanager
def http_server(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()


def options_of(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#sb\\:search-list [role=option]")


def first_result(driver, base, where, page):
    """Typing «возврат» on `page`: the refund situation comes first."""
    driver.get(base + page)
    driver.find_element(By.TAG_NAME, "body").send_keys("/")
    box = driver.switch_to.active_element
    for letter in "возврат":
        box.send_keys(letter)
    wait_for(driver, lambda d: options_of(d) and REFUND in (options_of(d)[0].get_attribute("data-url") or ""),
             f"{where}: the refund situation first on {page}")
    check(options_of(driver)[0].get_attribute("data-url").startswith(REFUND if "/" not in page else "../" + REFUND),
          f"{where}: the result's link is relative to {page}")


def dropdown(driver, base, where):
    """Typing «возврат» on a page one folder down: the refund situation comes first."""
    for page in ("index.html", "search.html", "glossary/index.html"):
        first_result(driver, base, where, page)
    driver.get(base + "steps/test-drive.html")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys("/")
    box = driver.switch_to.active_element
    check(box.get_attribute("id") == "sb:search-input", f"{where}: / focuses the search box")
    check(box.get_attribute("role") == "combobox", f"{where}: the box is a combobox")
    for letter in "возврат":
        box.send_keys(letter)
    started = time.monotonic()
    wait_for(driver, lambda d: options_of(d) and REFUND in (options_of(d)[0].get_attribute("data-url") or ""),
             f"{where}: the refund situation first")
    first = options_of(driver)[0]
    check("Возврат предоплаты" in first.text and "ситуация" in first.text.lower(), f"{where}: first result shows title and kind: {first.text}")
    check(first.find_elements(By.TAG_NAME, "mark"), f"{where}: the matched word is highlighted")
    check(box.get_attribute("aria-expanded") == "true", f"{where}: aria-expanded")
    print(f"  {where}: «возврат» → refund situation first, {int((time.monotonic() - started) * 1000)} ms after the last key")

    # Arrows move the active option, Enter opens it.
    box.send_keys(Keys.ARROW_DOWN)
    check(box.get_attribute("aria-activedescendant") == options_of(driver)[0].get_attribute("id"), f"{where}: ↓ selects the first")
    check(options_of(driver)[0].get_attribute("aria-selected") == "true", f"{where}: aria-selected")
    box.send_keys(Keys.ARROW_DOWN)
    check(box.get_attribute("aria-activedescendant") == options_of(driver)[1].get_attribute("id"), f"{where}: ↓ selects the second")
    box.send_keys(Keys.ARROW_UP)
    check(box.get_attribute("aria-activedescendant") == options_of(driver)[0].get_attribute("id"), f"{where}: ↑ goes back")
    # Typing again starts a new list: nothing is active any more.
    box.send_keys(" ")
    wait_for(driver, lambda d: box.get_attribute("aria-activedescendant") is None, f"{where}: typing clears the active option")
    box.send_keys(Keys.BACK_SPACE)
    wait_for(driver, lambda d: options_of(d), f"{where}: results again")
    box.send_keys(Keys.ARROW_DOWN)
    box.send_keys(Keys.ENTER)
    wait_for(driver, lambda d: REFUND in d.current_url, f"{where}: Enter opens the result")
    check("?h=" in driver.current_url, f"{where}: the opened page gets the words to highlight")
    hits = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "main mark.search-hit"), f"{where}: highlights")
    check(all(h.text.lower().startswith("возврат") for h in hits), f"{where}: highlighted words: {[h.text for h in hits][:5]}")

    # Escape closes the list, a second Escape empties the box.
    box = driver.find_element(By.ID, "sb:search-input")
    box.send_keys("тест-д")
    wait_for(driver, lambda d: options_of(d), f"{where}: results for a prefix")
    check("тест-драйв" in options_of(driver)[0].text.lower(), f"{where}: «тест-д» finds the test drive")
    box.send_keys(Keys.ESCAPE)
    check(box.get_attribute("aria-expanded") == "false", f"{where}: Escape closes")
    check(not driver.find_element(By.ID, "sb:search-popup").is_displayed(), f"{where}: the list is hidden")
    box.send_keys(Keys.ESCAPE)
    check(box.get_attribute("value") == "", f"{where}: a second Escape clears")

    # Escape at once, while the search is still running: the list stays closed.
    box.send_keys("тайный", Keys.ESCAPE)
    time.sleep(1)
    check(not driver.find_element(By.ID, "sb:search-popup").is_displayed(), f"{where}: a late result does not reopen the list")
    box.send_keys(Keys.ESCAPE)

    # A query without results says so.
    box.send_keys("бананыапельсины")
    wait_for(driver, lambda d: d.find_element(By.ID, "sb:search-message").is_displayed(), f"{where}: no results message")
    check("Ничего не найдено" in driver.find_element(By.ID, "sb:search-message").text, f"{where}: «Ничего не найдено»")

    # Enter without a chosen option goes to the results page.
    box.send_keys(Keys.ESCAPE, Keys.ESCAPE)
    box.send_keys("тайный покупатель", Keys.ENTER)
    wait_for(driver, lambda d: "search.html?q=" in d.current_url, f"{where}: Enter opens search.html")


def results_page(driver, base, where):
    driver.get(base + "search.html?q=" + urllib.parse.quote("возврат"))
    items = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".search-results li"), f"{where}: results page")
    check(REFUND in items[0].find_element(By.TAG_NAME, "a").get_attribute("href"), f"{where}: results page puts the refund first")
    check(driver.find_element(By.ID, "sb:search-page-input").get_attribute("value") == "возврат", f"{where}: the query is in the box")
    chips = driver.find_elements(By.CSS_SELECTOR, ".search-filter")
    check(len(chips) >= 3 and chips[0].get_attribute("aria-pressed") == "true", f"{where}: kind filters, «all» pressed")
    script_chip = next(c for c in chips if c.text.startswith("Скрипт"))
    count = int(script_chip.text.split()[-1])
    driver.execute_script("arguments[0].focus()", script_chip)
    script_chip.send_keys(Keys.ENTER)
    wait_for(driver, lambda d: all("/scripts/" in a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, ".search-results li > a.search-title"))
             and len(d.find_elements(By.CSS_SELECTOR, ".search-results li")) == count, f"{where}: filter by kind")
    focused = driver.switch_to.active_element
    check(focused.get_attribute("data-kind") == "script" and focused.get_attribute("aria-pressed") == "true",
          f"{where}: the pressed filter keeps the focus")
    if base.startswith("http"):
        check("kind=script" in driver.current_url, f"{where}: the filter is in the address")


def main():
    site = Path(sys.argv[1]).resolve()
    driver = browser()
    try:
        for base, where in ((site.as_uri() + "/", "file://"),):
            dropdown(driver, base, where)
            results_page(driver, base, where)
            errors = console_errors(driver)
            check(not errors, f"{where}: console errors: {errors}")
        with http_server(site) as base:
            dropdown(driver, base, "http")
            results_page(driver, base, "http")
            errors = console_errors(driver)
            check(not errors, f"http: console errors: {errors}")
    finally:
        driver.quit()
    print(f"search in Chromium: {checks} checks passed (file:// and http)")


if __name__ == "__main__":
    main()
