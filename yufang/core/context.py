"""Per-request context that services read without taking a request argument (client address)."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
