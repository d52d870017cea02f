#!/usr/bin/env python3
"""Accessibility: axe-core in headless Chromium, driven through PyPI axe-selenium-python, on the
handbook's main kinds of page, in light and in dark mode. Fails on any serious or critical
violation and lists the rest.

axe-selenium-python ships axe-core 3.1.1 (2018), which predates rules the handbook relies on
(<div> groups in <dl>, valid since HTML 5.2). The current axe-core (4.x) comes from PyPI
axe-playwright-python (installed without its Playwright dependency: only its axe.min.js is used);
the old one is the fallback.

Usage: axe_check.py SITE_FOLDER   (run by tests/site-quality.sh, so by `make test`)
"""
import sys
import time
from pathlib import Path

import importlib.util

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

PAGES = [
    ("home", "index.html"),
    ("journey", "journeys/car-purchase.html"),
    ("step", "steps/test-drive.html"),
    ("role handbook", "roles/sales-manager.html"),
    ("checklist", "checklists/car-purchase.html"),
    ("quality dashboard", "quality/index.html"),
    ("quality: a department", "quality/departments/south.html"),
    ("quality: a visit", "quality/visits/north-001.html"),
    ("standard with its pass rate", "standards/vehicle-delivery.html"),
    ("what's new", "changes.html"),
    ("familiarisation sheet", "sheets/sales-manager.html"),
    ("sheet for all staff", "sheets/everyone.html"),
    ("matrix of a journey", "matrix/car-purchase.html"),
    ("a printable part", "print/journey-car-purchase.html"),
    ("search results", "search.html?q=%D0%B2%D0%BE%D0%B7%D0%B2%D1%80%D0%B0%D1%82"),
]


def browser():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def axe_script():
    """The newest axe.min.js at hand, and its version."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec and spec.origin:
        modern = Path(spec.origin).parent / "axe.min.js"
        if modern.exists():
            return str(modern)
    return None


def main():
    site = Path(sys.argv[1]).resolve()
    script = axe_script()
    driver = browser()
    failures, minor, checked, version = [], [], 0, "?"
    try:
        for scheme in ("light", "dark"):
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            for name, page in PAGES:
                driver.get(site.as_uri() + "/" + page)
                if page.startswith("search.html"):
                    deadline = time.monotonic() + 10
                    while not driver.find_elements(By.CSS_SELECTOR, ".search-results li") and time.monotonic() < deadline:
                        time.sleep(0.05)
                axe = Axe(driver, script_url=script) if script else Axe(driver)
                axe.inject()
                results = axe.run()
                version = results.get("testEngine", {}).get("version", "?")
                checked += 1
                for violation in results["violations"]:
                    targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
                    line = f"{scheme} {name}: [{violation['impact']}] {violation['id']}: {violation['help']} — {targets}"
                    (failures if violation["impact"] in ("serious", "critical") else minor).append(line)
    finally:
        driver.quit()
    for line in minor:
        print("  note: " + line)
    if failures:
        print("axe: serious or critical violations:")
        for line in failures:
            print("  " + line)
        sys.exit(1)
    print(f"axe {version}: no serious or critical violation on {checked} pages ({len(PAGES)} kinds × light and dark)")


if __name__ == "__main__":
    main()
