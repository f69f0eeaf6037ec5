"""Who may do what: the three roles, argon2 passwords, the login rate limit."""

from __future__ import annotations

import functools
import time
from collections import deque
from collections.abc import Callable, Iterable

import attrs
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES: tuple[str, ...] = ("user", "admin", "technical_admin")
"""The seed's three roles, each with every right of the ones before it."""

ROLE_LABELS = {"user": "User", "admin": "Admin", "technical_admin": "Technical admin"}

PERMISSIONS: dict[str, str] = {
    "view": "user",              # dashboard, sync log, log entries, queue
    "log.delete": "admin",       # delete one / selected, clear all
    "queue.retry": "admin",      # retry, requeue, purge
    "sync.run": "admin",         # mass sync (dry run and run)
    "check": "technical_admin",  # test connection
    "settings": "technical_admin",
    "webhooks": "technical_admin",  # the Odoo automations: list
    "webhooks.manage": "technical_admin",  # install, remove
    "categories.reset": "technical_admin",  # dry run, then reset
}
"""Action -> the lowest role allowed to do it (checked on the server for every request)."""

_HASHER = PasswordHasher()


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (an unknown role or action may do nothing)."""
    needed = PERMISSIONS.get(action)
    if needed is None or role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def hash_password(password: str) -> str:
    """An argon2id hash for ``[console.accounts.<name>] password_hash``."""
    if not password:
        raise ValueError("password: must not be empty")
    return _HASHER.hash(password)


@functools.cache
def _dummy() -> str:
    return _HASHER.hash("magodoo-console-no-such-account")


def check_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; an empty or broken hash matches nothing. An unknown
    account is checked against a dummy hash, so its answer takes as long as a real one."""
    try:
        return _HASHER.verify(password_hash or _dummy(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@attrs.frozen
class Viewer:
    """The signed-in person of one request."""

    name: str
    role: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def can(self, action: str) -> bool:
        return allowed(self.role, action)


MAX_KEYS = 10_000


@attrs.define
class LoginLimiter:
    """At most ``attempts`` failed logins per key (client address, account) in ``window``
    seconds; a blocked key is refused before its password is checked."""

    attempts: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = attrs.field(factory=dict, init=False)

    def _recent(self, key: str) -> deque[float]:
        found = self._failures.setdefault(key, deque())
        horizon = self.clock() - self.window
        while found and found[0] <= horizon:
            found.popleft()
        if not found:
            del self._failures[key]
            return deque()
        return found

    def blocked(self, keys: Iterable[str]) -> bool:
        return any(len(self._recent(k)) >= self.attempts for k in keys)

    def failed(self, keys: Iterable[str]) -> None:
        now = self.clock()
        if len(self._failures) > MAX_KEYS:  # many addresses or names: forget the stale ones
            for stale in list(self._failures):
                self._recent(stale)
        for key in keys:
            self._recent(key)
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._failures.pop(key, None)
