"""Plain SQL for the platform's hot paths (the online platform's heartbeat, the quiz's paper
draw and submission): statements built once per database vendor from the models' table names,
and Django's PostgreSQL connection with server-side prepared statements allowed."""

from collections.abc import Callable

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class VendorSQL:
    """The statements `build(vendor)` returns, built once per database vendor."""

    def __init__(self, build: Callable[[str], dict[str, str]]) -> None:
        self._build = build
        self._built: dict[str, dict[str, str]] = {}

    def __call__(self) -> dict[str, str]:
        vendor = connection.vendor
        if vendor not in self._built:
            self._built[vendor] = self._build(vendor)
        return self._built[vendor]


def prepared_connection():
    """Django's (persistent) psycopg connection, statements prepared on the server when a cursor
    asks (`execute(..., prepare=True)`): planning a hot path's joins costs more than running
    them. Django turns server-side preparing off; its own cursors bind on the client and never
    prepare, so allowing it here touches only the hot paths' statements."""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = 5
    return raw
