"""What the browser tests share: waiting for a condition, and the page's console errors."""
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait


def wait_for(driver, predicate, what, timeout=5, poll=0.02):
    # A page may rebuild what is being read (the search list as results come in): an element
    # found a moment ago may be gone (stale) when it is read, which only means "not yet".
    try:
        return WebDriverWait(driver, timeout, poll_frequency=poll,
                             ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: predicate(d))
    except Exception:
        raise AssertionError(f"timed out waiting for {what}")


def console_errors(driver):
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
