"""The console's server-side checks over the aiohttp test client: sign-in, roles, CSRF,
cookies, secure headers, and what each page does to the stores."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from magodoo.backends.models import (
    Direction,
    Job,
    JobState,
    LogEntry,
    LogFilter,
    LogStatus,
    Trigger,
    utcnow,
)
from magodoo.console import CSP, allowed, check_password, console_app, hash_password
from magodoo.settings import ConsoleAccount

from .conftest import (
    ODOO_KEY,
    PASSWORDS,
    SECRET_KEY,
    World,
    add_customer,
    csrf_of,
    eventually,
    login,
)

# (method, path, lowest role allowed)
PAGES = [
    ("GET", "/", "user"), ("GET", "/log", "user"), ("GET", "/queue", "user"),
    ("GET", "/sync", "admin"), ("GET", "/check", "technical_admin"),
    ("GET", "/settings", "technical_admin"), ("GET", "/log/clear", "admin"),
    ("GET", "/webhooks", "technical_admin"), ("GET", "/categories/reset", "technical_admin"),
]
ACTIONS = [
    ("/log/clear", "admin"), ("/log/delete", "admin"), ("/log/1/delete", "admin"),
    ("/queue/retry", "admin"), ("/queue/requeue", "admin"), ("/queue/purge", "admin"),
    ("/sync/plan", "admin"), ("/sync/run", "admin"), ("/check", "technical_admin"),
    ("/categories/reset/plan", "technical_admin"), ("/categories/reset", "technical_admin"),
    ("/webhooks/install", "technical_admin"), ("/webhooks/remove", "technical_admin"),
]
ORDER = ["user", "admin", "technical_admin"]
WHO = {"user": "ursula", "admin": "adam", "technical_admin": "tess"}


def entry(n: int, **kw: object) -> LogEntry:
    values: dict[str, object] = {
        "entity": "customers", "direction": Direction.MAGENTO_TO_ODOO,
        "trigger": Trigger.BATCH, "status": LogStatus.SUCCESS, "magento_ref": str(n),
        "odoo_ref": str(100 + n), "message": f"entry {n}"}
    values.update(kw)
    return LogEntry(**values)  # type: ignore[arg-type]


async def test_pages_need_sign_in_and_send_secure_headers(world: World) -> None:
    c = world.client
    response = await c.get("/", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    cookie = response.headers["Set-Cookie"]  # the anonymous session holds the CSRF token
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    response = await c.get("/login")
    assert response.status == 200
    assert response.headers["Content-Security-Policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and "unsafe-inline" not in CSP
    assert "script-src" not in CSP  # default-src 'none': no script at all
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script" not in await response.text()


async def test_wrong_password_is_refused_and_logins_are_rate_limited(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    c = world.client
    token = await csrf_of(c)
    for _ in range(5):  # console.login_attempts
        response = await c.post("/login", data={"username": "adam", "password": "nope",
                                                "csrf_token": token})
        assert response.status == 401
        assert "Wrong user name or password" in await response.text()
    response = await c.post("/login", data={"username": "adam",
                                            "password": PASSWORDS["adam"],
                                            "csrf_token": token}, allow_redirects=False)
    assert response.status == 429  # blocked before the password is even checked
    assert (await c.get("/", allow_redirects=False)).status == 303
    assert "nope" not in caplog.text
    # another account from the same address is blocked too (per address)
    response = await c.post("/login", data={"username": "ursula",
                                            "password": PASSWORDS["ursula"],
                                            "csrf_token": token}, allow_redirects=False)
    assert response.status == 429


async def test_unknown_account_is_refused_like_a_wrong_password(world: World) -> None:
    token = await csrf_of(world.client)
    response = await world.client.post("/login", data={
        "username": "mallory", "password": "x", "csrf_token": token})
    assert response.status == 401


@pytest.mark.parametrize("role", ORDER)
async def test_roles_are_checked_on_the_server(world: World, role: str,
                                               caplog: pytest.LogCaptureFixture) -> None:
    c = world.client
    token = await login(c, WHO[role])
    await world.engine.stores.log.add(entry(1))
    for method, path, lowest in PAGES:
        response = await c.request(method, path, allow_redirects=False)
        expected = 200 if ORDER.index(role) >= ORDER.index(lowest) else 403
        assert response.status == expected, (role, path)
    caplog.set_level(logging.WARNING, "magodoo.console")
    for path, lowest in ACTIONS:
        if ORDER.index(role) >= ORDER.index(lowest):
            continue
        caplog.clear()
        response = await c.post(path, data={"csrf_token": token, "ids": "1",
                                            "all": "1", "older_than": "0d"},
                                allow_redirects=False)
        assert response.status == 403, (role, path)
        assert any(r.__dict__.get("user") == WHO[role] and r.__dict__.get("path") == path
                   for r in caplog.records), "a refused action is logged with who and what"
    # nothing was done by the refused actions
    assert await world.engine.stores.log.count() == 1


async def test_missing_or_wrong_csrf_token_is_refused(world: World,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    c = world.client
    await login(c, "adam")
    await world.engine.stores.log.add(entry(1))
    caplog.set_level(logging.WARNING, "magodoo.console")
    for data in ({}, {"csrf_token": "forged"}):
        response = await c.post("/log/clear", data=data, allow_redirects=False)
        assert response.status == 403
        assert "CSRF" in await response.text()
    assert await world.engine.stores.log.count() == 1
    assert "CSRF" in caplog.text
    # the login form too
    response = await c.post("/login", data={"username": "adam",
                                            "password": PASSWORDS["adam"]})
    assert response.status == 403


async def test_cookie_from_another_key_is_refused(world: World) -> None:
    # a session made by a console with another key does not sign anyone in here
    other_settings = world.engine.settings
    import attrs

    other = attrs.evolve(other_settings, console=attrs.evolve(
        other_settings.console, secret_key="another-key-" + "x" * 40))
    stranger = TestClient(TestServer(console_app(world.engine, settings=other, workers=0),
                                     host="127.0.0.1"))
    await stranger.start_server()
    try:
        await login(stranger, "tess")
        forged = stranger.session.cookie_jar.filter_cookies(stranger.make_url("/"))
        value = forged["magodoo_console"].value
    finally:
        await stranger.close()
    c = world.client
    c.session.cookie_jar.update_cookies({"magodoo_console": value}, c.make_url("/"))
    response = await c.get("/settings", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    # and a tampered cookie of our own key neither
    await login(c, "tess")
    own = c.session.cookie_jar.filter_cookies(c.make_url("/"))["magodoo_console"].value
    c.session.cookie_jar.update_cookies({"magodoo_console": own[:-4] + "AAAA"},
                                        c.make_url("/"))
    assert (await c.get("/settings", allow_redirects=False)).status == 303


async def test_log_grid_filters_pages_and_shows_redacted_detail(world: World) -> None:
    log = world.engine.stores.log
    await log.add_many([entry(n) for n in range(60)])
    await log.add_many([entry(n, entity="categories", direction=Direction.ODOO_TO_MAGENTO,
                              status=LogStatus.FAILED, message="bad parent")
                        for n in range(3)])
    secret_request = json.dumps({"url": "/V1/customers", "headers": {
        "Authorization": f"Bearer {ODOO_KEY}"}, "body": {"email": "a@example.com"}})
    [shown] = await log.add_many([entry(999, request=secret_request,
                                        response='{"id": 7}')])
    c = world.client
    await login(c, "ursula")
    text = await (await c.get("/log?entity=categories&status=failed")).text()
    assert "3 entries" in text and "bad parent" in text
    text = await (await c.get("/log?entity=customers")).text()
    assert "61 entries" in text and 'id="next"' in text
    next_url = text.split('id="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert "after=" in next_url
    second = await (await c.get(next_url.replace("&amp;", "&"))).text()
    assert "entry 0<" in second and "entry 59" not in second
    response = await c.get("/log?status=nonsense")
    assert response.status == 400 and "status:" in await response.text()
    response = await c.get("/log?since=yesterday")
    assert response.status == 400
    detail = await (await c.get(f"/log/{shown}")).text()
    assert ODOO_KEY not in detail
    assert "&#34;email&#34;: &#34;a@example.com&#34;" in detail  # pretty JSON, escaped
    assert (await c.get("/log/123456")).status == 404


async def test_admin_deletes_one_selected_and_clears(world: World) -> None:
    log = world.engine.stores.log
    ids = await log.add_many([entry(n) for n in range(5)])
    c = world.client
    token = await login(c, "adam")
    response = await c.post(f"/log/{ids[0]}/delete", data={"csrf_token": token})
    assert f"deleted log entry {ids[0]}" in await response.text()
    response = await c.post("/log/delete", data=[("csrf_token", token), ("ids", str(ids[1])),
                                                 ("ids", str(ids[2]))])
    assert "deleted 2 log entries" in await response.text()
    assert await log.count() == 2
    assert "Delete all 2 entries" in await (await c.get("/log/clear")).text()
    response = await c.post("/log/clear", data={"csrf_token": token})
    assert "deleted all 2 log entries" in await response.text()
    assert await log.count() == 0


async def test_queue_retry_requeue_and_purge(world: World) -> None:
    queue = world.engine.stores.jobs
    [dead, failed, waiting] = await queue.enqueue_many([
        Job(entity="customers", direction=Direction.MAGENTO_TO_ODOO, record_key=str(n),
            not_before=utcnow() + timedelta(hours=1)) for n in (1, 2, 3)])
    assert dead.id and failed.id and waiting.id
    await queue.fail(dead.id, "boom", max_attempts=1)
    await queue.fail(failed.id, "flaky", max_attempts=5, backoff_base=timedelta(hours=1))
    c = world.client
    await login(c, "ursula")
    text = await (await c.get("/queue")).text()
    assert "boom" in text and "flaky" in text and "Requeue" not in text  # read-only for a user
    await c.post("/logout", data={"csrf_token": await csrf_of(c, "/")})
    token = await login(c, "adam")
    text = await (await c.get("/queue?state=dead")).text()
    assert "boom" in text and "flaky" not in text
    response = await c.post("/queue/purge", data={"csrf_token": token, "older_than": "1d"})
    assert "deleted 0 dead jobs" in await response.text()  # too young to purge
    response = await c.post("/queue/purge", data={"csrf_token": token,
                                                   "older_than": "yesterday"})
    assert "--older-than" in await response.text() or "older than" in await response.text()
    counts = await queue.counts()
    assert counts[JobState.DEAD] == 1
    response = await c.post("/queue/requeue", data={"csrf_token": token, "all": "1"})
    assert "requeued 1 jobs" in await response.text()
    response = await c.post("/queue/retry", data={"csrf_token": token, "all": "1"})
    assert "retrying 1 jobs" in await response.text()  # the one that failed, not the fresh one
    response = await c.post("/queue/retry", data=[("csrf_token", token), ("ids", "424242")])
    assert "not found: 424242" in await response.text()


async def test_dry_run_then_mass_sync_through_the_queue(world: World) -> None:
    ids = [add_customer(world.magento, n) for n in range(3)]
    c = world.client
    token = await login(c, "adam")
    text = await (await c.get("/sync")).text()
    assert 'value="customers:m2o"' in text
    response = await c.post("/sync/plan", data={"csrf_token": token,
                                                "target": "customers:m2o"})
    text = await response.text()
    assert response.status == 200 and "<strong>3</strong> records to write" in text
    assert await world.engine.stores.bindings.count("default", "customers") == 0  # dry
    plan = text.split('name="plan" value="')[1].split('"')[0]
    response = await c.post("/sync/run", data={"csrf_token": token, "plan": plan},
                            allow_redirects=False)
    assert response.status == 303
    progress = response.headers["Location"]

    async def finished() -> bool:
        page = await (await c.get(progress)).text()
        return "finished" in page and "3 of 3 done" in page

    await eventually(finished)
    assert await world.engine.stores.bindings.count("default", "customers") == 3
    for customer_id in ids:
        assert await world.engine.stores.bindings.get_by_magento(
            "default", "customers", customer_id) is not None
    manual = await world.engine.stores.log.query(LogFilter(trigger=Trigger.MANUAL,
                                                           status=LogStatus.SUCCESS))
    assert len([e for e in manual if e.entity == "customers"]) >= 3
    # the plan runs once: posting it again only shows the run
    response = await c.post("/sync/run", data={"csrf_token": token, "plan": plan},
                            allow_redirects=False)
    assert response.headers["Location"] == progress
    response = await c.post("/sync/plan", data={"csrf_token": token, "target": "widgets:m2o"})
    assert response.status == 400


async def test_test_connection_and_settings_show_no_secret(world: World) -> None:
    c = world.client
    token = await login(c, "tess")
    text = await (await c.post("/check", data={"csrf_token": token})).text()
    assert "Both servers are fine." in text and "magento" in text and "odoo" in text
    text = await (await c.get("/settings")).text()
    assert "magento.url" in text and "console.secret_key" in text and "(set)" in text
    for secret in (ODOO_KEY, SECRET_KEY, world.engine.settings.magento.token, "$argon2"):
        assert secret not in text
    assert "technical_admin" in text and "customers" in text


async def test_proxy_header_is_off_by_default_and_trusted_only_when_configured(
        world: World) -> None:
    c = world.client
    response = await c.get("/", headers={"X-Remote-User": "tess"}, allow_redirects=False)
    assert response.status == 303  # off by default: the header is ignored
    import attrs

    s = world.engine.settings
    behind = attrs.evolve(s, console=attrs.evolve(s.console, proxy_user_header="X-Remote-User"))
    proxied = TestClient(TestServer(console_app(world.engine, settings=behind, workers=0),
                                    host="127.0.0.1"))
    await proxied.start_server()
    try:
        response = await proxied.get("/settings", headers={"X-Remote-User": "tess"})
        assert response.status == 200
        response = await proxied.get("/sync", headers={"X-Remote-User": "ursula"})
        assert response.status == 403
        response = await proxied.get("/", headers={"X-Remote-User": "mallory"})
        assert response.status == 403
    finally:
        await proxied.close()
    far = attrs.evolve(behind, console=attrs.evolve(behind.console, trusted_proxy="10.0.0.1"))
    elsewhere = TestClient(TestServer(console_app(world.engine, settings=far, workers=0),
                                      host="127.0.0.1"))
    await elsewhere.start_server()
    try:  # a peer other than the trusted proxy: the header is not believed
        response = await elsewhere.get("/", headers={"X-Remote-User": "tess"},
                                       allow_redirects=False)
        assert response.status == 303
    finally:
        await elsewhere.close()


def test_roles_and_password_hashes() -> None:
    assert allowed("technical_admin", "check") and not allowed("admin", "check")
    assert allowed("admin", "sync.run") and not allowed("user", "sync.run")
    assert not allowed("boss", "view") and not allowed("admin", "no-such-action")
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert check_password(hashed, "correct horse")
    assert not check_password(hashed, "wrong") and not check_password("", "")
    assert not check_password("not-a-hash", "x")


def test_console_is_refused_without_key_or_accounts(world: World) -> None:
    import attrs

    from magodoo.exceptions import ConfigurationError

    s = world.engine.settings
    with pytest.raises(ConfigurationError, match="MAGODOO_CONSOLE_SECRET_KEY"):
        console_app(world.engine, settings=attrs.evolve(
            s, console=attrs.evolve(s.console, secret_key="short")))
    with pytest.raises(ConfigurationError, match=r"console\.accounts"):
        console_app(world.engine, settings=attrs.evolve(
            s, console=attrs.evolve(s.console, accounts={})))
    plain = {"ann": ConsoleAccount(role="admin", password_hash="plain-text-password")}
    with pytest.raises(ConfigurationError, match=r"console\.accounts\.ann\.password_hash"):
        console_app(world.engine, settings=attrs.evolve(
            s, console=attrs.evolve(s.console, accounts=plain)))


def test_library_does_not_import_the_console() -> None:
    code = ("import sys, magodoo, magodoo.engine, magodoo.backends, magodoo.realtime, "
            "magodoo.reconcile, magodoo.cli; "
            "print([m for m in sys.modules if m.startswith('magodoo.console')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_login_limiter_forgets_failures_after_the_window() -> None:
    from magodoo.console._auth import LoginLimiter

    now = [0.0]
    limiter = LoginLimiter(attempts=2, window=60.0, clock=lambda: now[0])
    keys = ["addr:1.2.3.4", "user:adam"]
    limiter.failed(keys)
    assert not limiter.blocked(keys)
    limiter.failed(keys)
    assert limiter.blocked(keys) and limiter.blocked(["user:adam"])
    assert not limiter.blocked(["user:tess", "addr:5.6.7.8"])
    now[0] = 61.0
    assert not limiter.blocked(keys)
    limiter.failed(keys)
    limiter.succeeded(keys)
    assert not limiter.blocked(keys)


async def test_dashboard_counts_jobs_bindings_and_errors(world: World) -> None:
    queue = world.engine.stores.jobs
    later = utcnow() + timedelta(hours=1)
    jobs = await queue.enqueue_many([
        Job(entity="customers", direction=Direction.MAGENTO_TO_ODOO, record_key=str(n),
            not_before=later) for n in range(4)])
    await queue.fail(jobs[0].id, "boom", max_attempts=1)
    await queue.fail(jobs[1].id, "again", max_attempts=5, backoff_base=timedelta(hours=1))
    await world.engine.stores.log.add(entry(5, status=LogStatus.FAILED))
    from magodoo.console.views.dashboard import overview

    [line] = [x for x in await overview(world.engine) if x.entity == "customers"]
    assert (line.waiting, line.failed, line.dead, line.errors_24h) == (2, 1, 1, 1)
    assert line.last is not None and line.last.status is LogStatus.FAILED
    c = world.client
    await login(c, "ursula")
    text = await (await c.get("/")).text()
    assert 'href="/queue?state=dead&amp;entity=customers"' in text
    assert "3 waiting" in text and "1 dead" in text  # the failed one waits for its retry


async def test_test_connection_shows_a_failing_server(world: World) -> None:
    world.odoo.faults.fail_next = [503] * 20
    c = world.client
    token = await login(c, "tess")
    text = await (await c.post("/check", data={"csrf_token": token})).text()
    world.odoo.faults.fail_next = []
    assert "A server failed." in text and "FAILED" in text


async def test_webhooks_page_lists_the_automations_without_the_secret(world: World) -> None:
    from magodoo.realtime import provision_odoo_webhooks

    secret = "webhook-secret-never-shown-0123456789"
    await provision_odoo_webhooks(world.engine.odoo,
                                  f"https://sync.example.com/odoo/webhook/{secret}",
                                  {"product.public.category": ["name", "parent_id"]})
    c = world.client
    await login(c, "tess")
    text = await (await c.get("/webhooks")).text()
    assert "product.public.category" in text and "sync.example.com" in text
    assert secret not in text
