"""Versioned schema, forward only. Append a new ``(version, statements)`` pair to change it;
never edit or remove one that shipped. Each store records applied versions in
``magodoo_migrations(version, applied_at)``.

Timestamps are stored as integer microseconds since the epoch (UTC) in SQLite and as
``timestamptz`` in PostgreSQL. PostgreSQL statements use ``{s}`` for the schema name.
"""

from __future__ import annotations

from magodoo.exceptions import ConfigurationError

__all__ = ["POSTGRES", "SQLITE", "check_not_newer"]

Migration = tuple[int, tuple[str, ...]]

SQLITE: tuple[Migration, ...] = (
    (
        1,
        (
            """CREATE TABLE bindings (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                backend TEXT NOT NULL,
                entity TEXT NOT NULL,
                magento_id TEXT NOT NULL,
                odoo_id INTEGER NOT NULL,
                magento_key TEXT,
                magento_updated_at INTEGER,
                odoo_write_date INTEGER,
                payload_hash TEXT,
                synced_at INTEGER NOT NULL,
                UNIQUE (backend, entity, magento_id),
                UNIQUE (backend, entity, odoo_id)
            )""",
            "CREATE INDEX bindings_key ON bindings (backend, entity, magento_key)",
            """CREATE TABLE sync_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                backend TEXT NOT NULL,
                entity TEXT NOT NULL,
                direction TEXT NOT NULL,
                trigger TEXT NOT NULL,
                status TEXT NOT NULL,
                message TEXT NOT NULL,
                magento_ref TEXT,
                odoo_ref TEXT,
                request TEXT,
                response TEXT,
                attempt INTEGER NOT NULL,
                duration REAL NOT NULL,
                job_id INTEGER,
                created_at INTEGER NOT NULL
            )""",
            "CREATE INDEX sync_log_created ON sync_log (created_at)",
            "CREATE INDEX sync_log_entity ON sync_log (entity, id)",
            "CREATE INDEX sync_log_status ON sync_log (status, id)",
            "CREATE INDEX sync_log_magento_ref ON sync_log (magento_ref)",
            "CREATE INDEX sync_log_odoo_ref ON sync_log (odoo_ref)",
            """CREATE TABLE jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                identity_key TEXT NOT NULL,
                backend TEXT NOT NULL,
                entity TEXT NOT NULL,
                direction TEXT NOT NULL,
                action TEXT NOT NULL,
                record_key TEXT NOT NULL,
                trigger TEXT NOT NULL,
                priority INTEGER NOT NULL,
                not_before INTEGER NOT NULL,
                payload TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT,
                worker_id TEXT,
                lease_until INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            )""",
            "CREATE UNIQUE INDEX jobs_waiting_identity ON jobs (identity_key)"
            " WHERE state = 'waiting'",
            "CREATE INDEX jobs_ready ON jobs (priority DESC, not_before, id)"
            " WHERE state = 'waiting'",
            "CREATE INDEX jobs_lease ON jobs (lease_until) WHERE state = 'claimed'",
            "CREATE INDEX jobs_dead ON jobs (id) WHERE state = 'dead'",
            """CREATE TABLE cursors (
                backend TEXT NOT NULL,
                entity TEXT NOT NULL,
                direction TEXT NOT NULL,
                value INTEGER NOT NULL,
                PRIMARY KEY (backend, entity, direction)
            )""",
        ),
    ),
    (
        2,
        ("ALTER TABLE jobs ADD COLUMN force INTEGER NOT NULL DEFAULT 0",),
    ),
)

POSTGRES: tuple[Migration, ...] = (
    (
        1,
        (
            """CREATE TABLE {s}.bindings (
                id BIGSERIAL PRIMARY KEY,
                backend TEXT NOT NULL,
                entity TEXT NOT NULL,
                magento_id TEXT NOT NULL,
                odoo_id BIGINT NOT NULL,
                magento_key TEXT,
                magento_updated_at TIMESTAMPTZ,
                odoo_write_date TIMESTAMPTZ,
                payload_hash TEXT,
                synced_at TIMESTAMPTZ NOT NULL,
                UNIQUE (backend, entity, magento_id),
                UNIQUE (backend, entity, odoo_id)
            )""",
            "CREATE INDEX bindings_key ON {s}.bindings (backend, entity, magento_key)",
            """CREATE TABLE {s}.sync_log (
                id BIGSERIAL PRIMARY KEY,
                backend TEXT NOT NULL,
                entity TEXT NOT NULL,
                direction TEXT NOT NULL,
                trigger TEXT NOT NULL,
                status TEXT NOT NULL,
                message TEXT NOT NULL,
                magento_ref TEXT,
                odoo_ref TEXT,
                request TEXT,
                response TEXT,
                attempt INTEGER NOT NULL,
                duration DOUBLE PRECISION NOT NULL,
                job_id BIGINT,
                created_at TIMESTAMPTZ NOT NULL
            )""",
            "CREATE INDEX sync_log_created ON {s}.sync_log (created_at)",
            "CREATE INDEX sync_log_entity ON {s}.sync_log (entity, id)",
            "CREATE INDEX sync_log_status ON {s}.sync_log (status, id)",
            "CREATE INDEX sync_log_magento_ref ON {s}.sync_log (magento_ref)",
            "CREATE INDEX sync_log_odoo_ref ON {s}.sync_log (odoo_ref)",
            """CREATE TABLE {s}.jobs (
                id BIGSERIAL PRIMARY KEY,
                identity_key TEXT NOT NULL,
                backend TEXT NOT NULL,
                entity TEXT NOT NULL,
                direction TEXT NOT NULL,
                action TEXT NOT NULL,
                record_key TEXT NOT NULL,
                trigger TEXT NOT NULL,
                priority INTEGER NOT NULL,
                not_before TIMESTAMPTZ NOT NULL,
                payload JSONB NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT,
                worker_id TEXT,
                lease_until TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )""",
            "CREATE UNIQUE INDEX jobs_waiting_identity ON {s}.jobs (identity_key)"
            " WHERE state = 'waiting'",
            "CREATE INDEX jobs_ready ON {s}.jobs (priority DESC, not_before, id)"
            " WHERE state = 'waiting'",
            "CREATE INDEX jobs_lease ON {s}.jobs (lease_until) WHERE state = 'claimed'",
            "CREATE INDEX jobs_dead ON {s}.jobs (id) WHERE state = 'dead'",
            """CREATE TABLE {s}.cursors (
                backend TEXT NOT NULL,
                entity TEXT NOT NULL,
                direction TEXT NOT NULL,
                value TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (backend, entity, direction)
            )""",
        ),
    ),
    (
        2,
        ("ALTER TABLE {s}.jobs ADD COLUMN force BOOLEAN NOT NULL DEFAULT false",),
    ),
)


def check_not_newer(applied: set[int], known: tuple[Migration, ...], where: str) -> None:
    """Refuse a database migrated by a newer magodoo: its schema is unknown to this one."""
    newest = max((v for v, _ in known), default=0)
    if applied and max(applied) > newest:
        raise ConfigurationError(
            f"{where} has schema version {max(applied)}, newer than this magodoo knows "
            f"({newest}): upgrade magodoo"
        )
