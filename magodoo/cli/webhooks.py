"""``magodoo webhooks install|remove|list``: the Odoo automations that push changes to the
realtime service, for the Odoo -> Magento entities whose ``realtime`` flag is on.

``install`` needs the service's public URL (``--public-url`` or ``realtime.public_url``) and
``MAGODOO_WEBHOOK_SECRET``; it creates or refreshes the automations (``magodoo realtime
--public-url`` does the same at startup). URLs are shown with the secret as ``***``.
"""

from __future__ import annotations

import argparse
from typing import Any

from magodoo.cli._common import EXIT_OK, Stop, add_common, emit_json, load_settings, say, table
from magodoo.cli.realtime import need_secret, provision
from magodoo.exceptions import ConfigurationError


def _webhook_json(w: Any) -> dict[str, Any]:
    return {"model": w.model, "automation_id": w.automation_id,
            "action_ids": list(w.action_ids), "active": w.active, "url": w.url}


async def webhooks_list(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.wiring import odoo_client
    from magodoo.realtime import list_odoo_webhooks

    settings = load_settings(args)
    async with odoo_client(settings) as odoo:
        found = await list_odoo_webhooks(odoo)
    if args.json:
        emit_json({"webhooks": [_webhook_json(w) for w in found]})
        return EXIT_OK
    if not found:
        say("no magodoo webhook automation in Odoo")
        return EXIT_OK
    table(["model", "automation", "actions", "active", "url"],
          [[w.model, w.automation_id, ",".join(map(str, w.action_ids)),
            "yes" if w.active else "no", w.url] for w in found])
    return EXIT_OK


async def webhooks_install(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.wiring import connect

    settings = load_settings(args)
    secret = need_secret(settings.realtime.secret)
    public_url = args.public_url or settings.realtime.public_url
    if not public_url:
        raise ConfigurationError("--public-url: missing; give it or set realtime.public_url")
    async with await connect(settings) as conn:
        done = await provision(conn, public_url, secret)
    if args.json:
        emit_json({"installed": [{"model": p.model, "automation_id": p.automation_id,
                                  "action_id": p.action_id, "created": p.created}
                                 for p in done]})
    elif not done:
        say("none installed (no Odoo -> Magento entity has realtime = true)")
    else:
        for p in done:
            say(f"{p.model}: automation {p.automation_id} "
                f"{'created' if p.created else 'refreshed'}")
    return EXIT_OK


async def webhooks_remove(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.wiring import odoo_client
    from magodoo.realtime import remove_odoo_webhooks

    settings = load_settings(args)
    async with odoo_client(settings) as odoo:
        removed = await remove_odoo_webhooks(odoo, args.models or None)
    if args.json:
        emit_json({"removed": [_webhook_json(w) for w in removed]})
    else:
        say(f"removed {len(removed)} webhook automations"
            + (": " + ", ".join(w.model for w in removed) if removed else ""))
    return EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("webhooks", help="the Odoo webhook automations: install, remove, "
                                             "list", description=__doc__)
    group = parser.add_subparsers(dest="webhooks_command", required=True)

    listing = group.add_parser("list", help="the automations magodoo made in Odoo")
    add_common(listing)
    listing.set_defaults(command=webhooks_list)

    install = group.add_parser("install", help="create or refresh them")
    add_common(install)
    install.add_argument("--public-url", help="base URL Odoo reaches the service at "
                                              "(realtime.public_url)")
    install.set_defaults(command=webhooks_install)

    remove = group.add_parser("remove", help="delete them (and their webhook actions)")
    add_common(remove)
    remove.add_argument("models", nargs="*", metavar="MODEL",
                        help="only these Odoo models (default: all)")
    remove.set_defaults(command=webhooks_remove)
