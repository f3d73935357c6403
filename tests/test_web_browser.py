"""The calculator page in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium).

Skipped, saying why, where Selenium, chromium or chromedriver is missing (``apt-get install chromium
chromium-driver``; ``pip install selenium``).  Selenium is pointed at the system chromedriver, so it never
tries to download a browser or driver.
"""

import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("starlette")
selenium = pytest.importorskip("selenium", reason="selenium is not installed (pip install selenium)")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                                reason="no Chromium browser/driver installed (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def server():
    proc = subprocess.Popen([sys.executable, "-m", "phase2design", "serve", "--port", "0"], stderr=subprocess.PIPE,
                            text=True)
    line = proc.stderr.readline()
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    try:
        assert " on http://127.0.0.1:" in line, line
        yield line.split(" on ", 1)[1].split(" ", 1)[0]
    finally:
        proc.terminate()
        proc.wait(20)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def _fill(driver, values):
    from selenium.webdriver.common.by import By

    for name, value in values.items():
        el = driver.find_element(By.ID, name)
        el.clear()
        el.send_keys(value)
    driver.find_element(By.ID, "compute").click()


def test_simon_in_the_browser(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server)
    _fill(browser, {"p0": "0.1", "p1": "0.3", "alpha": "0.05", "beta": "0.2"})
    WebDriverWait(browser, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#designs tbody tr")))
    rows = {r.get_attribute("data-kind"): r.find_element(By.CSS_SELECTOR, ".design-label").text
            for r in browser.find_elements(By.CSS_SELECTOR, "#designs tbody tr")}
    assert rows["optimal"] == "1/10, 5/29"
    assert rows["minimax"] == "1/15, 5/25"
    assert "p0=0.1" in browser.current_url and "beta=0.2" in browser.current_url  # the URL carries the inputs
    assert "stop after 10 patients if 1 or fewer respond" in browser.find_element(By.ID, "rules").text
    # the command line's own table, as 'phase2design simon' prints it
    WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "cli-table").text)
    assert "Simon two-stage designs" in browser.find_element(By.ID, "cli-table").text

    # the HTML report downloads
    browser.find_element(By.ID, "download-html").click()
    target = browser.downloads / "report.html"
    deadline = time.monotonic() + 120
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert target.exists(), os.listdir(browser.downloads)
    assert "1/10" in target.read_text(encoding="utf-8")


def test_error_beside_the_field(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server)
    _fill(browser, {"p0": "0.1", "p1": "0.05", "alpha": "0.05", "beta": "0.2"})
    WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "err-p0").text
                                     or d.find_element(By.ID, "err-general").text)
    assert browser.find_element(By.ID, "err-p0").text == "p0 must be smaller than p1, got p0=0.1 and p1=0.05"


def test_bookmarked_url_computes(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "?p0=0.2&p1=0.4&alpha=0.05&beta=0.2&family=single")
    WebDriverWait(browser, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#designs tbody tr")))
    from phase2design.families.single import single_stage_design

    d = single_stage_design(0.2, 0.4, 0.05, 0.2).design
    assert browser.find_element(By.CSS_SELECTOR, ".design-label").text == f"{d.r}/{d.n}"
    assert browser.find_element(By.ID, "family").get_attribute("value") == "single"


def test_observed_data_panel(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server)
    browser.find_element(By.ID, "evaluate").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, "evaluate-table")
                                     and d.find_element(By.ID, "evaluate-table").text)
    assert "3/9" in browser.find_element(By.ID, "evaluate-table").text
    browser.find_element(By.ID, "analyze").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, "analyze-table")
                                     and d.find_element(By.ID, "analyze-table").text)
    result = browser.find_element(By.ID, "analyze-result").text
    # with 6 = r + 1 responses in all the stage-wise p-value is the design's attained alpha,
    # P(X1 > 1, X1 + X2 > 5 | p0 = 0.1), here by brute force
    from math import comb

    def b(k, n, p):
        return comb(n, k) * p ** k * (1 - p) ** (n - k)

    pvalue = sum(b(x1, 10, 0.1) * sum(b(x2, 19, 0.1) for x2 in range(max(0, 6 - x1), 20)) for x1 in range(2, 11))
    assert f"pvalue {pvalue:.6f}" in result, result
