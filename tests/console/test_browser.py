"""The console in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
through selenium) over both fakes: each role signs in and does what it may, and is refused
what it may not; a wrong password, a missing CSRF token and a cookie made with another key
are refused. One browser and one server for the whole module.

Set ``MAGODOO_SCREENSHOTS=docs/img`` to save the screenshots used in docs/console.md.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest

from magodoo.backends.models import Direction, JobState, LogEntry, LogStatus, Trigger

from .conftest import (
    FAST_RETRY,
    ODOO_KEY,
    PASSWORDS,
    SECRET_KEY,
    add_customer,
    settings_for,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if CHROMIUM is None or DRIVER is None:
    pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium "
                "chromium-driver; .ci/run installs them)", allow_module_level=True)

from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

T = TypeVar("T")
SHOTS = os.environ.get("MAGODOO_SCREENSHOTS")


@attrs.define
class Served:
    """The fakes, the engine and the console, served from a thread with its own loop."""

    loop: asyncio.AbstractEventLoop
    url: str
    magento: Any
    odoo: Any
    engine: Any

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(30)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    from aiohttp import web

    from magodoo.console import console_app
    from magodoo.engine import connect
    from magodoo.testing import serve
    from magodoo.testing.fake_magento import FakeMagento
    from magodoo.testing.fake_odoo import FakeOdoo

    started = threading.Event()
    box: dict[str, Any] = {}

    async def run() -> None:
        box["stop"] = stop = asyncio.Event()
        magento = FakeMagento(seed=None)
        odoo = FakeOdoo(seed="demo", api_key=ODOO_KEY)
        async with serve(magento.app) as murl, serve(odoo.app) as ourl:
            settings = settings_for(murl, ourl, magento.admin_token())
            async with await connect(settings, retry=FAST_RETRY) as conn:
                runner = web.AppRunner(console_app(conn.engine), handle_signals=False)
                await runner.setup()
                site = web.TCPSite(runner, "127.0.0.1", 0)
                await site.start()
                port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
                box["served"] = Served(asyncio.get_running_loop(), f"http://127.0.0.1:{port}",
                                       magento, odoo, conn.engine)
                started.set()
                try:
                    await stop.wait()
                finally:
                    await runner.cleanup()

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    assert started.wait(20), "the console did not start"
    served: Served = box["served"]
    try:
        yield served
    finally:
        served.loop.call_soon_threadsafe(box["stop"].set)
        thread.join(20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def b(browser: Any, served: Served) -> Iterator[Any]:
    """The browser, signed out at the start of each test."""
    browser.delete_all_cookies()
    browser.get(served.url + "/login")
    browser.delete_all_cookies()
    yield browser


def sign_in(b: Any, url: str, name: str, password: str | None = None) -> None:
    b.get(url + "/login")
    b.find_element(By.ID, "username").send_keys(name)
    b.find_element(By.ID, "password").send_keys(password or PASSWORDS[name])
    b.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()


def text(b: Any) -> str:
    return str(b.find_element(By.TAG_NAME, "body").text)


def wait_for(b: Any, condition: Any, within: float = 20) -> Any:
    try:
        # the progress page reloads itself: an element may go stale between two looks, and
        # under load chromium may answer that a node "does not belong to the document"
        # (a plain WebDriverException) while a click's navigation is still under way
        return WebDriverWait(b, within, poll_frequency=0.1, ignored_exceptions=(
            StaleElementReferenceException, NoSuchElementException,
            WebDriverException)).until(condition)
    except TimeoutException:
        raise AssertionError(f"page never got there: {b.current_url}\n{text(b)}") from None


def shot(b: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        b.save_screenshot(str(Path(SHOTS) / name))


def entry(n: int, **kw: Any) -> LogEntry:
    values: dict[str, Any] = {
        "entity": "customers", "direction": Direction.MAGENTO_TO_ODOO,
        "trigger": Trigger.BATCH, "status": LogStatus.SUCCESS, "magento_ref": str(n),
        "odoo_ref": str(100 + n), "message": "written"}
    values.update(kw)
    return LogEntry(**values)


def test_user_reads_dashboard_and_log_and_is_refused_the_rest(b: Any, served: Served) -> None:
    log = served.engine.stores.log
    served.call(log.clear())
    served.call(log.add_many([entry(n) for n in range(8)]))
    request = json.dumps({"method": "POST", "url": "/V1/customers",
                          "headers": {"Authorization": f"Bearer {ODOO_KEY}"},
                          "body": {"customer": {"email": "ann@example.com"}}})
    [failed] = served.call(log.add_many([entry(
        77, status=LogStatus.FAILED, message="email: already used", request=request,
        response='{"message": "A customer with the same email address already exists"}')]))
    sign_in(b, served.url, "ursula")
    wait_for(b, lambda d: d.find_elements(By.ID, "overview"))
    assert "ursula (User)" in text(b)
    nav = b.find_element(By.TAG_NAME, "nav").text
    assert "Sync log" in nav and "Mass sync" not in nav and "Settings" not in nav

    b.find_element(By.LINK_TEXT, "Sync log").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "total"))
    assert "9 entries" in b.find_element(By.ID, "total").text
    assert not b.find_elements(By.ID, "delete-selected")  # no delete for a user
    Select(b.find_element(By.ID, "f-status")).select_by_visible_text("failed")
    b.find_element(By.ID, "apply").click()
    wait_for(b, lambda d: "1 entries" in text(d))
    assert "status=failed" in b.current_url
    assert "email: already used" in text(b)
    b.find_element(By.LINK_TEXT, str(failed)).click()
    wait_for(b, lambda d: d.find_elements(By.ID, "request"))
    shown = b.find_element(By.ID, "request").text
    assert '"email": "ann@example.com"' in shown and ODOO_KEY not in b.page_source
    assert "already exists" in b.find_element(By.ID, "response").text

    for path in ("/sync", "/check", "/settings", "/log/clear"):
        b.get(served.url + path)
        assert "Forbidden" in b.title and "may not do this" in text(b), path
    # a POST forged from this page (the user has no such button) is refused on the server
    b.get(served.url + "/log")
    b.execute_script("""
        const f = document.createElement('form'); f.method = 'post'; f.action = '/log/clear';
        const t = document.querySelector('input[name=csrf_token]').cloneNode();
        f.appendChild(t); document.body.appendChild(f); f.submit();""")
    wait_for(b, lambda d: "Forbidden" in d.title)
    assert served.call(log.count()) == 9


def test_admin_dry_runs_then_runs_a_mass_sync_retries_a_job_and_clears_the_log(
        b: Any, served: Served) -> None:
    for n in range(3):
        add_customer(served.magento, 100 + n)
    sign_in(b, served.url, "adam")
    wait_for(b, lambda d: d.find_elements(By.ID, "overview"))
    b.find_element(By.LINK_TEXT, "Mass sync").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "target"))
    Select(b.find_element(By.ID, "target")).select_by_value("customers:m2o")
    b.find_element(By.ID, "dry-run").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "plan-summary"))
    assert "3 records to write" in b.find_element(By.ID, "plan-summary").text
    assert "create" in text(b)
    assert served.call(served.engine.stores.bindings.count("default", "customers")) == 0
    b.find_element(By.ID, "run").click()

    def finished(d: Any) -> str | None:
        shown = str(d.find_element(By.ID, "run-state").text)
        return shown if "finished" in shown else None

    assert "3 of 3 done" in wait_for(b, finished)
    assert served.call(served.engine.stores.bindings.count("default", "customers")) == 3

    # a job that fails on Odoo (500s), goes dead, and is retried from the queue page
    broken = add_customer(served.magento, 200)
    served.odoo.faults.fail_next = [500] * 50
    [job] = served.call(served.engine.enqueue("customers", "m2o", [broken],
                                              trigger=Trigger.MANUAL))

    def dead() -> bool:
        found = served.call(served.engine.stores.jobs.get(job.id))
        return found is not None and found.state is JobState.DEAD

    deadline = time.monotonic() + 20
    while not dead():
        assert time.monotonic() < deadline, "the job never went dead"
        time.sleep(0.05)
    served.odoo.faults.fail_next = []
    b.get(served.url + "/queue?state=dead")
    row = b.find_element(By.ID, f"job-{job.id}")
    assert "500" in row.text or "Error" in row.text
    row.find_element(By.XPATH, ".//button[text()='Requeue']").click()
    wait_for(b, lambda d: "requeued 1 jobs" in text(d))
    deadline = time.monotonic() + 20
    while served.call(served.engine.stores.jobs.get(job.id)) is not None:
        assert time.monotonic() < deadline, "the retried job never finished"
        time.sleep(0.05)
    assert served.call(served.engine.stores.bindings.get_by_magento(
        "default", "customers", broken)) is not None

    b.get(served.url + "/")
    shot(b, "console-dashboard.png")
    b.get(served.url + "/log")
    shot(b, "console-log.png")

    # admin clears the log, and may not test connections nor read the settings
    b.get(served.url + "/log")
    assert served.call(served.engine.stores.log.count()) > 0
    b.find_element(By.ID, "clear").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "confirm-clear"))
    b.find_element(By.ID, "confirm-clear").click()
    wait_for(b, lambda d: "deleted all" in text(d))
    assert served.call(served.engine.stores.log.count()) == 0
    for path in ("/check", "/settings"):
        b.get(served.url + path)
        assert "Forbidden" in b.title, path


def test_technical_admin_tests_the_connection_and_reads_the_settings(
        b: Any, served: Served) -> None:
    sign_in(b, served.url, "tess")
    wait_for(b, lambda d: d.find_elements(By.ID, "overview"))
    b.find_element(By.LINK_TEXT, "Test connection").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "test"))
    b.find_element(By.ID, "test").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "check-result"))
    assert "Both servers are fine." in text(b)
    b.find_element(By.LINK_TEXT, "Settings").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "settings"))
    assert "magento.url" in text(b) and "console.secret_key" in text(b)
    for secret in (ODOO_KEY, SECRET_KEY, "$argon2"):
        assert secret not in b.page_source

    # reset categories: the dry run lists, the confirmed reset rebuilds the tree
    first = served.call(served.engine.sync("categories", "o2m"))
    old = {c["id"] for c in served.magento.state.categories if c["level"] >= 2}
    assert first.failed == 0 and len(old) == first.created + first.skipped
    b.find_element(By.LINK_TEXT, "Reset categories").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "reset-dry-run"))
    b.find_element(By.ID, "reset-dry-run").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "reset-summary"))
    assert f"Would delete {len(old)} Magento categories" in text(b)
    assert {c["id"] for c in served.magento.state.categories if c["level"] >= 2} == old
    b.find_element(By.ID, "confirm-box").click()
    b.find_element(By.ID, "confirm-reset").click()
    wait_for(b, lambda d: d.find_elements(By.ID, "reset-done"))
    assert f"Deleted {len(old)} Magento categories" in text(b)
    new = {c["id"] for c in served.magento.state.categories if c["level"] >= 2}
    assert len(new) == len(old) and not new & old


def test_wrong_password_missing_csrf_and_foreign_cookie_are_refused(
        b: Any, served: Served) -> None:
    sign_in(b, served.url, "adam", "not-the-password")
    wait_for(b, lambda d: d.find_elements(By.ID, "error"))
    assert "Wrong user name or password" in text(b)
    assert b.current_url.endswith("/login")

    served.call(served.engine.stores.log.add(entry(1)))
    sign_in(b, served.url, "adam")
    wait_for(b, lambda d: d.find_elements(By.ID, "overview"))
    b.get(served.url + "/log/clear")
    b.execute_script(
        "document.querySelector('main form[action=\"/log/clear\"] input[name=csrf_token]')"
        ".remove()")
    b.find_element(By.ID, "confirm-clear").click()
    wait_for(b, lambda d: "Forbidden" in d.title)
    assert "CSRF" in text(b)
    assert served.call(served.engine.stores.log.count()) >= 1

    # a well-formed session cookie for "tess", encrypted and signed with another key
    from cryptography.fernet import Fernet

    other = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"another-key-" * 4).digest()))
    forged = other.encrypt(json.dumps({"user": "tess", "csrf": "x",
                                       "since": int(time.time())}).encode()).decode()
    b.delete_all_cookies()
    b.add_cookie({"name": "magodoo_console", "value": forged, "path": "/"})
    b.get(served.url + "/settings")
    wait_for(b, lambda d: d.current_url.endswith("/login"))
    assert b.find_elements(By.ID, "login")
