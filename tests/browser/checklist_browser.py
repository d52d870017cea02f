#!/usr/bin/env python3
"""The fillable mystery-shopper checklist in a real browser: headless Chromium (Debian chromium +
chromium-driver) driven by Selenium opens a journey's checklist page from file://.

Without JavaScript the page is the paper form: the visit form stays hidden, each check shows three
paper boxes. With JavaScript the shopper fills in the visit (date, department, employee, auditor,
channel, NPS, the account, yes / no / n.a. for every check and a note); a reload brings it all back
from localStorage; «Download» saves a Markdown visit file (SPEC §10.2) which `servicebook check`
accepts as it is and `servicebook audits` scores as computed here from the ticks and the weights
printed on the page.

Usage: checklist_browser.py SERVICEBOOK CONTENT_FOLDER   (the folder is copied, not changed)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_UP
from fractions import Fraction
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import common
from common import console_errors

JOURNEY = "car-purchase"
PAGE = f"checklists/{JOURNEY}.html"
DATE = "2026-07-15"
MONTH = "2026-07"
DEPARTMENT = "north"
AUDITOR = "Агентство «Контроль»"
CHANNEL = "in-person"
NPS = "8"
ACCOUNT = "Меня встретили у входа и предложили кофе."
NOTE = "Не предложили тест-драйв, пришлось просить: «а можно прокатиться?»"
# 2026-11-19 00:00 UTC: the visit's date is in the past for `check`, whatever the clock says.
SOURCE_DATE_EPOCH = "1795132800"
PATTERN = ["yes", "yes", "no", "na", "yes"]
checks = 0


def check(condition, message):
    global checks
    if not condition:
        raise AssertionError(message)
    checks += 1


def browser(javascript=True, downloads=None):
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--lang=ru"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    prefs = {}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    if downloads:
        prefs.update({"download.default_directory": str(downloads), "download.prompt_for_download": False})
    if prefs:
        options.add_experimental_option("prefs", prefs)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(driver, predicate, what, timeout=10):
    return common.wait_for(driver, predicate, what, timeout, poll=0.05)


def run(args, env=None):
    result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    return result.returncode, result.stdout


def rows_of(driver):
    return driver.find_elements(By.CSS_SELECTOR, ".checklist tr[data-ref]")


def page_rows(driver):
    """Each check row as the page shows it: ref, critical, weight (the `td.w` text, «1,5» allowed)."""
    found = driver.execute_script("""
        return Array.prototype.map.call(document.querySelectorAll('.checklist tr[data-ref]'), function (row) {
          var w = row.querySelector('td.w');
          return { ref: row.getAttribute('data-ref'), critical: row.classList.contains('critical'),
                   weight: w ? w.textContent.trim() : null };
        });""")
    for row in found:
        check(row["weight"] is not None and re.fullmatch(r"\d+([.,]\d+)?", row["weight"]),
              f"the weight of {row['ref']} is a number: {row['weight']!r}")
        row["weight"] = Fraction(row["weight"].replace(",", "."))
    return found


def paper_form(base):
    """JavaScript off: the paper form, no form fields, no buttons."""
    driver = browser(javascript=False)
    try:
        driver.get(base + PAGE)
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete", "no-JS: the page")
        form = driver.find_element(By.CSS_SELECTOR, "form.visit-form")
        check(not form.is_displayed(), "no-JS: the visit form is hidden")
        check(form.get_attribute("hidden") is not None, "no-JS: the visit form keeps its hidden attribute")
        rows = rows_of(driver)
        check(len(rows) > 0, "no-JS: the checklist has check rows")
        for row in rows:
            ref = row.get_attribute("data-ref")
            check(len(row.find_elements(By.CSS_SELECTOR, "span.checkbox")) == 3, f"no-JS: {ref} shows 3 paper boxes")
        check(not driver.find_elements(By.CSS_SELECTOR, "input[type=radio]"), "no-JS: no radio buttons")
        check(not driver.find_elements(By.CSS_SELECTOR, "input.note-input"), "no-JS: no note inputs")
        check(driver.find_element(By.CSS_SELECTOR, ".form-fields").is_displayed(), "no-JS: the paper header fields show")
        return len(rows)
    finally:
        driver.quit()


def form_ready(driver):
    """checklist.js has run: the form shows and the rows have their radio buttons."""
    return (driver.find_element(By.CSS_SELECTOR, "form.visit-form").is_displayed()
            and driver.execute_script("return !!window.servicebookVisit")
            and len(driver.find_elements(By.CSS_SELECTOR, ".checklist tr[data-ref] input[type=radio]"))
            == 3 * len(rows_of(driver)))


def answers_for(rows):
    """yes, yes, no, na, yes, … by row index; never `no` on a critical check."""
    answers = {}
    for i, row in enumerate(rows):
        answer = PATTERN[i % len(PATTERN)]
        if answer == "no" and row["critical"]:
            answer = "yes"
        answers[row["ref"]] = answer
    return answers


def click(driver, element):
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def field(driver, name):
    return driver.find_element(By.CSS_SELECTOR, f"form.visit-form [name={name}]")


def fill_in(driver, rows, answers, note_ref):
    form = driver.find_element(By.CSS_SELECTOR, "form.visit-form")
    check(form.is_displayed(), "JS: the visit form is shown")
    for row in rows_of(driver):
        ref = row.get_attribute("data-ref")
        radios = row.find_elements(By.CSS_SELECTOR, "input[type=radio]")
        check([r.get_attribute("value") for r in radios] == ["yes", "no", "na"], f"JS: {ref} has yes/no/na radios")
        check(all(r.get_attribute("name") == f"answer:{ref}" for r in radios), f"JS: {ref}'s radios are one group")
        check(len(row.find_elements(By.CSS_SELECTOR, "input.note-input")) == 1, f"JS: {ref} has a note input")

    if field(driver, "date").get_attribute("type") == "date":
        # A date input's keyboard entry depends on the locale: set it as a script would, with the events.
        driver.execute_script("""
            var input = document.querySelector('form.visit-form input[name=date]');
            input.value = arguments[0];
            input.dispatchEvent(new Event('input', { bubbles: true }));
            input.dispatchEvent(new Event('change', { bubbles: true }));""", DATE)
    else:
        field(driver, "date").send_keys(DATE)
    check(field(driver, "date").get_attribute("value") == DATE, "JS: the date is set")
    Select(field(driver, "department")).select_by_value(DEPARTMENT)
    employee_options = [o.get_attribute("value") for o in Select(field(driver, "employee")).options]
    employee = next((v for v in employee_options if v), None)
    check(employee, f"JS: the employee list has an employee: {employee_options}")
    Select(field(driver, "employee")).select_by_value(employee)
    field(driver, "auditor").send_keys(AUDITOR)
    Select(field(driver, "channel")).select_by_value(CHANNEL)
    field(driver, "nps").send_keys(NPS)
    field(driver, "account").send_keys(ACCOUNT)

    for row in rows_of(driver):
        ref = row.get_attribute("data-ref")
        click(driver, row.find_element(By.CSS_SELECTOR, f"input[type=radio][value={answers[ref]}]"))
        if ref == note_ref:
            note = row.find_element(By.CSS_SELECTOR, "input.note-input")
            click(driver, note)
            note.send_keys(NOTE)
    return employee


def shown_state(driver):
    """What the page's form and rows hold now."""
    return driver.execute_script("""
        var form = document.querySelector('form.visit-form'), out = { fields: {}, answers: {}, notes: {} };
        ['date', 'department', 'employee', 'auditor', 'channel', 'nps', 'account'].forEach(function (n) {
          out.fields[n] = form.elements[n].value; });
        document.querySelectorAll('.checklist tr[data-ref]').forEach(function (row) {
          var ref = row.getAttribute('data-ref'), c = row.querySelector('input[type=radio]:checked');
          out.answers[ref] = c ? c.value : null;
          out.notes[ref] = row.querySelector('input.note-input').value;
        });
        return out;""")


def verify_state(driver, answers, note_ref, employee, where):
    state = shown_state(driver)
    fields = {"date": DATE, "department": DEPARTMENT, "employee": employee, "auditor": AUDITOR,
              "channel": CHANNEL, "nps": NPS, "account": ACCOUNT}
    for name, value in fields.items():
        check(state["fields"][name] == value, f"{where}: the field {name} is {state['fields'][name]!r}, expected {value!r}")
    wrong = {ref: (state["answers"].get(ref), a) for ref, a in answers.items() if state["answers"].get(ref) != a}
    check(not wrong, f"{where}: answers differ (shown, expected): {wrong}")
    check(state["notes"][note_ref] == NOTE, f"{where}: the note on {note_ref} is {state['notes'][note_ref]!r}")
    others = {ref: n for ref, n in state["notes"].items() if ref != note_ref and n}
    check(not others, f"{where}: no other notes: {others}")


def saved_state(driver):
    text = driver.execute_script("return window.localStorage.getItem(arguments[0])", f"servicebook:visit:{JOURNEY}")
    return json.loads(text) if text else None


def front_matter(text):
    """The visit file's front matter as {key: value or {ref: value}} (the simple shape checklist.js writes)."""
    match = re.match(r"---\n(.*?)\n---\n(.*)\Z", text, re.S)
    check(match, f"the visit file has front matter between --- lines:\n{text[:300]}")
    head, body = match.groups()
    fields, current = {}, None
    for line in head.split("\n"):
        if line.startswith("  "):
            check(current is not None, f"an indented line belongs to a mapping: {line!r}")
            key, _, value = line.strip().partition(": ")
            fields[current][key] = value
        else:
            key, _, value = line.partition(":")
            value = value.strip()
            if value == "":
                fields[key], current = {}, key
            else:
                fields[key], current = value, None
    return fields, body


def download(driver, folder):
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    expected = driver.execute_script("return window.servicebookVisit.file()")
    click(driver, driver.find_element(By.CSS_SELECTOR, "form.visit-form [data-action=download]"))

    def finished(_):
        names = os.listdir(folder)
        done = [n for n in names if n.endswith(".md")]
        return done if done and not any(n.endswith(".crdownload") for n in names) else None

    files = wait_for(driver, finished, "the downloaded .md file", timeout=10)
    check(len(files) == 1, f"one file downloaded: {files}")
    name = files[0]
    match = re.fullmatch(rf"{DEPARTMENT}-{DATE}-(\d\d)(\d\d)\.md", name)
    check(match and int(match.group(1)) < 24 and int(match.group(2)) < 60,
          f"the file's name is <department>-<date>-<HHMM>.md: {name}")
    path = Path(folder) / name
    text = path.read_text(encoding="utf-8")
    check(text == expected, f"the downloaded text is window.servicebookVisit.file():\n{text}\n---- vs ----\n{expected}")
    check(text == driver.execute_script("return window.servicebookVisit.file()"), "file() is the same after the download")
    return path, text


def verify_file(text, answers, note_ref, employee, refs):
    fields, body = front_matter(text)
    for key, value in (("date", DATE), ("journey", JOURNEY), ("department", DEPARTMENT), ("employee", employee),
                       ("auditor", json.dumps(AUDITOR, ensure_ascii=False)), ("channel", CHANNEL), ("nps", NPS)):
        check(fields.get(key) == value, f"the visit file's {key} is {fields.get(key)!r}, expected {value!r}")
    results = fields.get("results")
    check(isinstance(results, dict) and list(results) == refs, "the visit file's results list every check in page order")
    check(results == answers, "the visit file's results are the answers ticked")
    notes = fields.get("notes")
    check(notes == {note_ref: json.dumps(NOTE, ensure_ascii=False)}, f"the visit file's notes: {notes}")
    check(body == ACCOUNT + "\n", f"the visit file's body is the account: {body!r}")


def one_decimal(value):
    """A fraction rounded to one decimal, halves away from zero (as the JSON's numbers are)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: checklist_browser.py SERVICEBOOK CONTENT_FOLDER")
    tool = str(Path(sys.argv[1]).resolve())
    source = Path(sys.argv[2]).resolve()
    with tempfile.TemporaryDirectory(prefix="checklist-browser-") as temp:
        temp = Path(temp)
        content, site, downloads = temp / "content", temp / "site", temp / "downloads"
        shutil.copytree(source, content)
        # book.yml's previous_edition is relative to the folder that holds the content folder.
        editions = Path(source).resolve().parent / "editions"
        if editions.is_dir():
            shutil.copytree(editions, temp / "editions")
        downloads.mkdir()
        status, output = run([tool, "build", "--quiet", "--content", str(content), "--output", str(site)])
        check(status == 0, f"build failed ({status}):\n{output}")
        base = site.as_uri() + "/"

        row_count = paper_form(base)

        driver = browser(downloads=downloads)
        try:
            driver.get(base + PAGE)
            wait_for(driver, form_ready, "JS: the visit form and the radio buttons")
            # A fresh profile has nothing stored; make sure of it all the same.
            driver.execute_script("window.localStorage.removeItem(arguments[0])", f"servicebook:visit:{JOURNEY}")
            driver.refresh()
            wait_for(driver, form_ready, "JS: the visit form and the radio buttons")
            rows = page_rows(driver)
            check(len(rows) == row_count, f"JS: the same {row_count} checks as the paper form: {len(rows)}")
            refs = [r["ref"] for r in rows]
            check(len(set(refs)) == len(refs), "JS: each check once on the page")
            answers = answers_for(rows)
            note_ref = next(r["ref"] for r in rows if answers[r["ref"]] == "no")
            employee = fill_in(driver, rows, answers, note_ref)
            verify_state(driver, answers, note_ref, employee, "JS: filled in")
            wait_for(driver, lambda d: (saved_state(d) or {}).get("notes", {}).get(note_ref) == NOTE,
                     "JS: the form saved in localStorage")
            saved = saved_state(driver)
            check(saved["answers"] == answers, "JS: localStorage holds every answer")

            driver.refresh()
            wait_for(driver, form_ready, "after reload: the visit form and the radio buttons")
            wait_for(driver, lambda d: field(d, "date").get_attribute("value") != "", "after reload: the restored date")
            verify_state(driver, answers, note_ref, employee, "after reload")

            path, text = download(driver, downloads)
            verify_file(text, answers, note_ref, employee, refs)
            errors = console_errors(driver)
            check(not errors, f"console errors: {errors}")
        finally:
            driver.quit()

        audits = content / "audits"
        audits.mkdir(exist_ok=True)
        shutil.copy(path, audits / path.name)
        env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
        status, output = run([tool, "check", "--content", str(content)], env=env)
        check(status == 0, f"check fails on the downloaded visit ({status}):\n{output}")
        for bad in ("error[", "unanswered-checks", "off-checklist", "invalid-value"):
            check(bad not in output, f"check says {bad!r} with the downloaded visit:\n{output}")
        mentions = [line for line in output.splitlines() if path.stem in line]
        check(not mentions, f"check says something about the downloaded visit:\n" + "\n".join(mentions))

        status, output = run([tool, "audits", "--format", "json", "--content", str(content)], env=env)
        check(status == 0, f"audits --format json failed ({status}):\n{output}")
        report = json.loads(output)
        month = next((m for m in report.get("months", []) if m.get("id") == MONTH), None)
        check(month, f"audits has the month {MONTH}: {[m.get('id') for m in report.get('months', [])]}")
        weight = {r["ref"]: r["weight"] for r in rows}
        yes = sum(weight[ref] for ref, a in answers.items() if a == "yes")
        no = sum(weight[ref] for ref, a in answers.items() if a == "no")
        score = one_decimal(yes / (yes + no) * 100)
        check(month.get("visits") == 1, f"{MONTH}: visits {month.get('visits')}, expected 1")
        check(month.get("failed") == 0, f"{MONTH}: failed {month.get('failed')}, expected 0")
        check(month.get("score") is not None and abs(Decimal(str(month["score"])) - score) < Decimal("0.001"),
              f"{MONTH}: score {month.get('score')}, expected {score} (yes {yes} ÷ yes+no {yes + no} of the weights)")
        check(month.get("nps_answers") == 1, f"{MONTH}: nps_answers {month.get('nps_answers')}, expected 1")
        check(month.get("nps") == 0, f"{MONTH}: nps {month.get('nps')}, expected 0 (an 8 is neither 9–10 nor 0–6)")
    print(f"checklist in Chromium: {checks} checks passed (file://)")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"checklist in Chromium: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
