"""The HTML report in a real browser (Debian's chromium through chromedriver): what a person sees and clicks.

``.ci/run`` installs chromium and chromium-driver when they are missing; the test skips, with the reason,
only where they are not installed. A screenshot of the page is written to the test's temporary folder.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimedit.pipeline import Pipeline

from .conftest import FIXTURES, run_cli

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1280,1600",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """The fixtures replayed twice: the page (--format html) and its rows (--format jsonl)."""
    folder = tmp_path_factory.mktemp("report")
    page = folder / "report.html"
    pipeline = Pipeline.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Pipeline, "start", classmethod(lambda cls, **_: pipeline))
        assert 0 == run_cli("replay", str(FIXTURES), "--format", "html", "--out", str(page)).status
        rows = [json.loads(line) for line in run_cli("replay", str(FIXTURES)).out.splitlines()]
    return page, rows


def visible_claims(driver: Any) -> list[Any]:
    from selenium.webdriver.common.by import By  # noqa: PLC0415

    return [article for article in driver.find_elements(By.CSS_SELECTOR, "article.claim") if article.is_displayed()]


def test_a_person_sees_the_counts_filters_claims_and_reads_the_fix(
    browser: Any, replay: tuple[Path, list[dict[str, Any]]]
) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    page, rows = replay
    browser.get(page.as_uri())
    verdicts = Counter(row["verdict"] for row in rows)

    shown = {
        verdict: browser.find_element(By.CSS_SELECTOR, f"#count-{verdict} .number").text
        for verdict in ("rejected", "unreadable", "shared", "accepted_with_warnings", "accepted")
    }
    assert {verdict: str(count) for verdict, count in verdicts.items()} == shown
    assert len(rows) == len(visible_claims(browser))
    codes = Counter(finding["code"] for row in rows for finding in row["findings"])
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart-code g.bar")
    assert sorted(codes.items()) == sorted(
        (bar.get_attribute("data-code-filter"), int(bar.find_element(By.CSS_SELECTOR, ".bar-count").text))
        for bar in bars
    )

    Select(browser.find_element(By.ID, "filter-verdict")).select_by_value("accepted_with_warnings")
    warned = visible_claims(browser)
    assert verdicts["accepted_with_warnings"] == len(warned) < len(rows)
    assert {"accepted with warnings"} == {a.find_element(By.CSS_SELECTOR, ".badge").text for a in warned}
    assert f"Showing {len(warned)} of {len(rows)} results" == browser.find_element(By.ID, "shown").text

    browser.find_element(By.ID, "filter-reset").click()
    browser.find_element(By.CSS_SELECTOR, '#chart-code [data-code-filter="LES001"]').click()
    with_les001 = [row["claim_id"] for row in rows if "LES001" in {f["code"] for f in row["findings"]}]
    assert with_les001 == [a.find_element(By.CSS_SELECTOR, ".claim-id").text for a in visible_claims(browser)]

    assert browser.save_screenshot(str(page.with_name("report-LES001.png")))

    fix = "Report 17000 x1 and 17003 x1 for the 2 lesions of 2024-09-03."
    assert fix in [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "td.fix") if cell.is_displayed()]

    browser.find_element(By.ID, "filter-reset").click()
    Select(browser.find_element(By.ID, "filter-payer")).select_by_visible_text("FICTIONAL BLUE PLAN (99904)")
    blue = [row["claim_id"] for row in rows if row.get("payer", {}).get("payer_id") == "99904"]
    shown_blue = {a.find_element(By.CSS_SELECTOR, ".claim-id").text for a in visible_claims(browser)}
    assert (set(blue), True) == (shown_blue, 0 < len(blue) < len(rows))

    browser.find_element(By.ID, "filter-reset").click()
    screenshot = page.with_suffix(".png")
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000
