"""The client address behind the documented reverse proxy: lockout, audit and sign-in flags."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import Client, RequestFactory
from django.urls import reverse

from yufang.accounts.tests.factories import PASSWORD
from yufang.core.client_ip import client_ip_address
from yufang.core.models import AuditLog

rf = RequestFactory()


def request(remote="127.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **meta)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        # Without a proxy the header is the client's to forge: ignored.
        (0, "203.0.113.5", "127.0.0.1"),
        # nginx appends the address it saw; whatever the client sent stands to its left.
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "2001:db8::1", "2001:db8::1"),
        # Missing, short or garbage headers fall back to the peer's address.
        (1, None, "127.0.0.1"),
        (2, "203.0.113.5", "127.0.0.1"),
        (1, "6.6.6.6, not-an-address", "127.0.0.1"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxys_header_only(settings, count, forwarded, expected):
    settings.YUFANG_TRUSTED_PROXY_COUNT = count
    req = request(forwarded=forwarded)
    assert client_ip_address(req) == expected
    # django-axes asks the same function.
    assert get_client_ip_address(req) == expected


def _login(client, address, password):
    return client.post(
        reverse("accounts:login"),
        {"username": "t_agency", "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {address}",
    )


def test_behind_the_proxy_five_failures_lock_one_address_not_everyone(settings, world):
    settings.YUFANG_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        _login(Client(), "203.0.113.5", "wrong-password-1")
    assert _login(Client(), "203.0.113.5", PASSWORD).status_code == 429
    assert _login(Client(), "203.0.113.9", PASSWORD).status_code == 302
    # The audit trail records the client's address, not the proxy's.
    client = Client()
    client.force_login(world.users["agency"])
    client.post(
        reverse("accounts:profile"),
        {"display_name": "经办人", "phone": "", "email": "agency@example.cn"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    assert AuditLog.objects.filter(client_ip="203.0.113.77").exists()
