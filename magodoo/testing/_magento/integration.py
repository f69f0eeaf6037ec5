"""``POST /V1/integration/admin/token`` (Magento_Integration, Magento_TwoFactorAuth)."""

from __future__ import annotations

import hmac
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.routing import Call, Router

MAX_FAILURES = 6  # oauth/authentication_lock/max_failures_count
LOCK_SECONDS = 1800.0  # oauth/authentication_lock/timeout


def register(r: Router) -> None:
    @r.post("/V1/integration/admin/token", resource="anonymous", auth="anonymous")
    def admin_token(call: Call) -> Any:
        fake = call.fake
        username = str(call.arg("username"))
        password = str(call.arg("password"))
        now = call.state.now().timestamp()
        failures = [t for t in fake.login_failures.get(username, []) if now - t < LOCK_SECONDS]
        fake.login_failures[username] = failures
        # bytes: compare_digest refuses non-ASCII str, and Magento answers 401 to them
        good = hmac.compare_digest(username.encode(), fake.admin_username.encode()) and (
            hmac.compare_digest(password.encode(), fake.admin_password.encode()))
        if not good or len(failures) >= MAX_FAILURES:
            if not good:
                failures.append(now)
            raise errors.MagentoError(401, errors.BAD_SIGN_IN)
        fake.login_failures.pop(username, None)
        if fake.faults.two_factor:
            raise errors.bad_request(
                "Please use the 2fa provider-specific endpoints to obtain a token.",
                {"active_providers": ["google"]},
            )
        return call.tokens.issue("admin", 1)

    @r.post("/V1/integration/customer/token", resource="anonymous", auth="anonymous")
    def customer_token(call: Call) -> Any:
        try:
            from magodoo.testing._magento import customers
        except ModuleNotFoundError:
            raise errors.MagentoError(401, errors.BAD_SIGN_IN) from None
        username = str(call.arg("username"))
        now = call.state.now().timestamp()
        key = f"customer:{username.lower()}"
        failures = [t for t in call.fake.login_failures.get(key, []) if now - t < LOCK_SECONDS]
        call.fake.login_failures[key] = failures
        customer_id = customers.authenticate(call.state, username, str(call.arg("password")))
        if customer_id is None or len(failures) >= MAX_FAILURES:
            if customer_id is None:
                failures.append(now)
            raise errors.MagentoError(401, errors.BAD_SIGN_IN)
        call.fake.login_failures.pop(key, None)
        return call.tokens.issue("customer", customer_id)
