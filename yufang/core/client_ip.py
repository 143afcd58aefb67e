"""The client's address: the one function the lockout (django-axes), the audit trail and the
sign-in flags use.

Behind the reverse proxy in docs/deploy.md every request comes from the proxy, and the client's
address is in `X-Forwarded-For`, which nginx extends with the address it saw. Only the entries
the trusted proxies appended can be believed (anything to their left is what the client sent),
so with N proxies the client is the N-th entry from the right. Without a proxy
(`YUFANG_TRUSTED_PROXY_COUNT = 0`, `make run`) the header is ignored."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR"))
    count = settings.YUFANG_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [e for e in request.META.get(settings.YUFANG_CLIENT_IP_HEADER, "").split(",") if e.strip()]
    if len(entries) < count:
        return remote
    return _address(entries[-count]) or remote
