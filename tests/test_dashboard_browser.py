"""The dashboard in a real browser: headless Chromium (Debian's `chromium` + `chromium-driver`, through Selenium,
no Selenium Manager) against `herobot serve` on a seeded database. Signs in through the link `/hero dashboard`
gives (a signed command to the server, answered through the fake Slack), opens every page, checks that each
chart's marks match the data and the table beside it, that the console is clean and the keyboard gets around,
and saves a screenshot of each page under tests/output/browser/.

Skipped only when Chromium is not installed; `.ci/run` installs it."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.dashboard_seed import seed
from bot.dashboard_figures import SECTIONS
from storage.db import open_database
from suites.common import SECRET, Server
from tests.slack_requests import sign

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
OUTPUT = Path(__file__).parent / "output" / "browser"
CONFIG = '[slack]\nideas_channel = "C0IDEAS"\n[roles]\nmanagers = ["U0MGR1"]\n[web]\nmin_group = 3\n'

pytestmark = pytest.mark.skipif(not (shutil.which(CHROMIUM) and shutil.which(DRIVER)),
                                reason="Chromium is not installed (.ci/run installs chromium and chromium-driver)")


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1700", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


async def _sign_in_link(server: Server, fake_slack, session) -> str:
    """`/hero dashboard` as Slack sends it; the private answer comes back in the reply or through the fake Slack."""
    from urllib.parse import urlencode

    response_url = fake_slack.response_url("browser")
    body = urlencode({"command": "/hero", "text": "dashboard", "user_id": "U0MGR1", "user_name": "mgr",
                      "channel_id": "C0GENERAL", "team_id": "T1", "response_url": response_url,
                      "trigger_id": "1.2.3"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret=SECRET)}
    async with session.post(server.url + "/slack/events", data=body, headers=headers) as response:
        assert response.status == 200
        text = await response.text()
    if "token=" not in text:
        [note] = await fake_slack.wait_for("response_url")
        text = note.text()
    return re.search(r"/dashboard/login\?token=[A-Za-z0-9_\-.]+", text).group(0)


def _weeks_of(db_path: Path, now: datetime) -> dict[str, int]:
    """Ideas posted per week (Monday, UTC) in the last 12, counted here without the dashboard's SQL."""
    monday = now.date() - timedelta(days=now.weekday())
    first = monday - timedelta(weeks=11)
    counted: Counter = Counter()
    with sqlite3.connect(db_path) as conn:
        for created, status in conn.execute("SELECT created_at, status FROM ideas"):
            day = datetime.fromisoformat(created).astimezone(UTC).date()
            week = day - timedelta(days=day.weekday())
            if week >= first and status != "duplicate":
                counted[f"{week.day} {week:%b}"] += 1
    return dict(counted)


# One round trip per chart: reading each attribute through WebDriver cost a request apiece (thousands per run).
_READ_CHART = """
const key = arguments[0];
const svg = document.querySelector(`svg[data-chart="${key}"]`);
const table = document.querySelector(`table[data-chart="${key}"]`);
const horizontal = ["funnel", "channel-mix"].includes(svg.getAttribute("data-chart"));
const title = svg.querySelector("title");
return {
  title: title ? title.textContent.trim() : "",
  axisLabels: svg.querySelectorAll("text.axis-label").length,
  marks: [...svg.querySelectorAll("rect.mark")].map(m => ({
    value: m.getAttribute("data-value"), size: m.getAttribute(horizontal ? "width" : "height"),
    label: m.getAttribute("data-label"), series: m.getAttribute("data-series")})),
  series: [...table.querySelectorAll("thead th")].slice(1).map(th => th.innerText),
  rows: [...table.querySelectorAll("tbody tr")].map(row => ({
    label: row.querySelector("th").textContent, cells: [...row.querySelectorAll("td")].map(td => td.textContent)})),
};
"""


def _check_marks(driver, key: str) -> dict[str, float]:
    """Every mark's size is its value on one scale, and the table beside the chart says the same numbers."""
    chart = driver.execute_script(_READ_CHART, key)
    assert chart["title"]
    assert chart["axisLabels"] == 2
    cells = {}
    for row in chart["rows"]:
        for name, text in zip(chart["series"], row["cells"]):
            cells[(row["label"], name)] = text
    scales, totals = set(), Counter()
    for mark in chart["marks"]:
        value = float(mark["value"])
        scales.add(float(mark["size"]) / value)
        label, name = mark["label"], mark["series"]
        assert float(cells[(label, name)]) == value, (key, label, name)
        totals[label] += value
    assert not scales or max(scales) / min(scales) < 1.01, (key, scales)  # one scale per chart: the sizes are right
    drawn = {(m["label"], m["series"]) for m in chart["marks"]}
    for (label, name), text in cells.items():  # no number in the table is missing from the chart
        assert (label, name) in drawn or text in ("0", "too few"), (key, label, name, text)
    return dict(totals)


def _browse(driver, base: str, link: str, db_path: Path, now: datetime) -> list[str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    OUTPUT.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    driver.get(base + "/dashboard")
    assert "sign in" in driver.page_source.lower()  # no session: the 401 page with its hint
    driver.save_screenshot(str(OUTPUT / "00-signed-out.png"))
    driver.get_log("browser")  # the 401 itself is logged by the browser; start counting after it
    driver.get(base + link)
    assert driver.current_url == base + "/dashboard"
    for n, section in enumerate([None, *SECTIONS], start=1):
        driver.get(base + "/dashboard" + (f"/{section}" if section else ""))
        charts = [svg.get_attribute("data-chart") for svg in driver.find_elements(By.CSS_SELECTOR, "svg.chart")]
        assert charts, section
        totals = {key: _check_marks(driver, key) for key in charts}
        if section == "flow":
            assert totals["ideas-per-week"] == {k: float(v) for k, v in _weeks_of(db_path, now).items()}
        driver.save_screenshot(str(OUTPUT / f"{n:02d}-{section or 'overview'}.png"))
        errors += [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    # the keyboard: the first Tab reaches "Skip to content", Enter moves to the content; Tab on through the
    # sections' links and Enter opens one
    driver.get(base + "/dashboard")
    press = ActionChains(driver)
    press.send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.text == "Skip to content"
    press.send_keys(Keys.ENTER).perform()
    assert driver.switch_to.active_element.get_attribute("id") == "main"
    driver.get(base + "/dashboard")
    for _ in range(12):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.switch_to.active_element.text == "Decisions":
            break
    assert driver.switch_to.active_element.text == "Decisions"
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    assert driver.current_url.endswith("/dashboard/decisions")
    errors += [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return errors


async def test_the_dashboard_in_chromium(fake_slack, tmp_path):
    import aiohttp

    browser = asyncio.create_task(asyncio.to_thread(_browser))  # Chromium starts while the server does
    now = datetime.now(UTC)  # `herobot serve` reads the system clock
    db_path = tmp_path / "herobot.db"
    db = open_database(db_path)
    seed(db, now, ideas=200, votes=1500, people=30, weeks=14, problems=8)
    db.close()
    server = Server(tmp_path, db_path, fake_slack.base_url)
    (tmp_path / "herobot.toml").write_text(CONFIG)
    driver = None
    try:
        await server.start()
        async with aiohttp.ClientSession() as session:
            link = await _sign_in_link(server, fake_slack, session)
        driver = await browser
        errors = await asyncio.to_thread(_browse, driver, server.url, link, db_path, now)
    finally:
        server.stop()
        if driver is None:  # something failed before the browser was used: do not leave Chromium behind
            driver = (await asyncio.gather(browser, return_exceptions=True))[0]
        if not isinstance(driver, BaseException):
            driver.quit()
    assert errors == []
    assert sorted(p.name for p in OUTPUT.glob("0*.png")) == [
        "00-signed-out.png", "01-overview.png", *(f"{n:02d}-{s}.png" for n, s in enumerate(SECTIONS, start=2))]
