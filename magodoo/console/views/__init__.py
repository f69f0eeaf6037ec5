"""The console's routes (one module per page group)."""

from __future__ import annotations

from aiohttp import web

from magodoo.console.views import admin, categories, dashboard, log, login, queue, sync

ROUTES: list[web.RouteDef] = [
    web.get("/login", login.login_form),
    web.post("/login", login.login),
    web.post("/logout", login.logout),
    web.get("/", dashboard.dashboard),
    web.get("/log", log.log_grid),
    web.post("/log/delete", log.log_delete_selected),
    web.get("/log/clear", log.log_clear_form),
    web.post("/log/clear", log.log_clear),
    web.get(r"/log/{id:\d+}", log.log_entry),
    web.post(r"/log/{id:\d+}/delete", log.log_delete_one),
    web.get("/queue", queue.queue_page),
    web.post("/queue/retry", queue.queue_retry),
    web.post("/queue/requeue", queue.queue_requeue),
    web.post("/queue/purge", queue.queue_purge),
    web.get("/sync", sync.sync_form),
    web.post("/sync/plan", sync.sync_plan),
    web.post("/sync/run", sync.sync_run),
    web.get("/sync/runs/{id}", sync.sync_progress),
    web.get("/check", admin.check_form),
    web.post("/check", admin.check_run),
    web.get("/settings", admin.settings_page),
    web.get("/webhooks", admin.webhooks_page),
    web.post("/webhooks/install", admin.webhooks_install),
    web.post("/webhooks/remove", admin.webhooks_remove),
    web.get("/categories/reset", categories.reset_form),
    web.post("/categories/reset/plan", categories.reset_plan),
    web.post("/categories/reset", categories.reset_run),
]
