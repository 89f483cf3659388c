"""End to end in a real browser: Debian's chromium, headless, driven through chromedriver.

The tests start uvicorn on a free loopback port (the ``server`` fixture) and use the app
as an analyst would, in Arabic: open the flagship, change a salience, run ``eum``, see the
trajectory drawn and the forecast move, simulate to the end, upload a bad file. Screenshots
of the main pages in both languages go to ``build/screenshots/web/`` (git-ignored) for a
reviewer to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "web"
ARABIC = re.compile(r"[\u0600-\u06FF]")
TIMEOUT = 120


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is not installed (Debian packages chromium and chromium-driver)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="tawazun-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
        "--lang=ar",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait(driver, condition, timeout: float = TIMEOUT):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # a run's page reloads itself when the run ends: an element found before may be gone
    return WebDriverWait(
        driver, timeout, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,)
    ).until(condition)


def shot(driver, name: str) -> None:
    """The first screen as ``NAME.png``, and the whole page as ``NAME-full.png``."""
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 800), 8000))
    driver.save_screenshot(str(SCREENSHOTS / f"{name}-full.png"))
    driver.set_window_size(1280, 1000)


def css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def run_from_form(driver, command: str, model: str, **fields: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(css(driver, "#command")[0]).select_by_value(command)
    Select(css(driver, "#model")[0]).select_by_value(model)
    for name, value in fields.items():
        box = css(driver, f'[name="{name}"]')[0]
        box.clear()
        box.send_keys(value)
    css(driver, "#run-button")[0].click()
    wait(driver, lambda d: job_status(d) in ("done", "failed"))
    assert job_status(driver) == "done", driver.page_source[:3000]


def job_status(driver) -> str | None:
    """The run's status on its page; None while the page reloads (no ``#job`` yet)."""
    jobs = css(driver, "#job")  # found once: the page may reload between two lookups
    return jobs[0].get_attribute("data-status") if jobs else None


def forecasts(driver) -> dict[str, float]:
    return {el.get_attribute("data-issue"): float(el.text) for el in css(driver, ".forecast-value")}


def charts_drawn(driver) -> int:
    """How many plotly figures have drawn their SVG."""
    return len(css(driver, ".js-plotly-plot .main-svg"))


def test_the_analysts_session_in_arabic(browser, server):
    driver = browser
    driver.get(f"{server}/?lang=ar")
    html = css(driver, "html")[0]
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert ARABIC.search(css(driver, "h1")[0].text)
    assert driver.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    shot(driver, "library-ar")

    # the flagship, in Arabic: headings and its title
    css(driver, '#library a[href="/scenarios/iraq-2024"]')[0].click()
    wait(driver, lambda d: css(d, "#scenario-title"))
    headings = [h.text for h in css(driver, "h1, h2")]
    assert all(ARABIC.search(text) for text in headings), headings
    shot(driver, "scenario-ar")

    # eum on the scenario as shipped
    run_from_form(driver, "forecast", "eum")
    wait(driver, lambda d: charts_drawn(d) >= 4)
    before = forecasts(driver)
    assert set(before) == {"us-presence", "security-cooperation"}
    titles = " ".join(t.text for t in css(driver, ".js-plotly-plot .gtitle"))
    assert ARABIC.search(titles), titles
    shot(driver, "forecast-eum-ar")

    # change a salience in the editor: a wrong value is flagged as typed, then fixed
    driver.get(f"{server}/scenarios/iraq-2024/edit?lang=ar")
    cell = css(driver, '[name="actors[us].stances[us-presence].salience"]')[0]
    problem = css(driver, '.field-problem[data-for="actors[us].stances[us-presence].salience"]')[0]
    cell.clear()
    cell.send_keys("500")
    wait(driver, lambda d: problem.text.strip() != "", 30)
    assert "100" in problem.text
    assert not css(driver, "#save-button")[0].is_enabled()
    shot(driver, "edit-problem-ar")
    cell.clear()
    cell.send_keys("5")
    wait(
        driver, lambda d: problem.text.strip() == "" and css(d, "#save-button")[0].is_enabled(), 30
    )
    css(driver, "#save-button")[0].click()
    wait(driver, lambda d: css(d, "#scenario-title") and "/scenarios/s" in d.current_url)
    assert "/scenarios/iraq-2024" not in driver.current_url

    # eum again, on the new version: the forecast moves
    run_from_form(driver, "forecast", "eum")
    wait(driver, lambda d: charts_drawn(d) >= 4)
    after = forecasts(driver)
    assert after["us-presence"] < before["us-presence"] - 5
    assert after["security-cooperation"] == pytest.approx(before["security-cooperation"])

    # a simulation to the end, with its progress bar, then the probabilities
    driver.get(f"{server}/scenarios/iraq-2024?lang=ar")
    run_from_form(driver, "simulate", "eum", **{"option.runs": "150"})
    wait(driver, lambda d: charts_drawn(d) >= 2)
    rows = css(driver, "table.probabilities tbody tr")
    shares = [float(r.find_elements("css selector", "td")[2].text.rstrip("%")) for r in rows]
    assert sum(shares) == pytest.approx(200, abs=0.5)  # two issues, each summing to 100%
    shot(driver, "simulate-ar")


def test_a_bad_upload_shows_its_problems(browser, server, tmp_path):
    driver = browser
    bad = tmp_path / "bad-scenario.yaml"
    bad.write_text(
        "id: bad\nmetadata:\n  title: {en: Bad}\nissues:\n  - id: x\n    name: {en: X}\n"
        "actors:\n  - id: a\n    name: {en: A}\n    capability: -3\n"
        "    stances:\n      x: {position: 50, salience: 0.5}\n",
        encoding="utf-8",
    )
    driver.get(f"{server}/upload?lang=ar")
    css(driver, "#file")[0].send_keys(str(bad))
    css(driver, "form.card button[type=submit]")[0].click()
    wait(driver, lambda d: css(d, "#problems"))
    problems = css(driver, "tr.problem")
    assert len(problems) == 1 and "capability" in problems[0].text
    inline = css(driver, "#line-10 .inline-problem")
    assert inline and "capability" in inline[0].text
    assert ARABIC.search(css(driver, "#problems h2")[0].text)
    shot(driver, "upload-problems-ar")
    driver.get(f"{server}/upload?lang=en")
    css(driver, "#file")[0].send_keys(str(bad))
    css(driver, "form.card button[type=submit]")[0].click()
    wait(driver, lambda d: css(d, "#problems"))
    shot(driver, "upload-problems-en")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_screenshots_of_the_main_pages(browser, server, lang):
    driver = browser
    for name, path in [
        ("library", "/"),
        ("scenario", "/scenarios/iraq-2024"),
        ("edit", "/scenarios/iraq-2024/edit"),
        ("upload", "/upload"),
        ("runs", "/runs"),
    ]:
        driver.get(f"{server}{path}?lang={lang}")
        assert css(driver, "html")[0].get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        shot(driver, f"{name}-{lang}")
    driver.get(f"{server}/scenarios/iraq-2024?lang={lang}")
    for command, model, fields in [
        ("forecast", "eum", {}),
        ("pivotal", "compromise", {}),
        ("shocks", "compromise", {}),
        ("whatif", "compromise", {}),
    ]:
        driver.get(f"{server}/scenarios/iraq-2024?lang={lang}")
        run_from_form(driver, command, model, **fields)
        if command != "whatif":
            wait(driver, lambda d: charts_drawn(d) >= 1)
        shot(driver, f"{command}-{model}-{lang}")
