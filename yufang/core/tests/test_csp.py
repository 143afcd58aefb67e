"""A strict Content-Security-Policy (issue 12, item 16): scripts only from the platform's own
static files, no inline script or event handler anywhere in the templates."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_pages_carry_a_strict_policy(client, world):
    client.force_login(world.owner)
    response = client.get(reverse("core:home"))
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src-elem"]
    # The login page too, before anyone signs in.
    client.logout()
    assert "script-src 'self'" in client.get(reverse("accounts:login"))["Content-Security-Policy"]


def test_no_template_has_inline_script_or_event_handler():
    offenders = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("yufang/*/templates/**/*.html")]:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders, offenders


def test_the_api_schema_is_public_and_the_api_is_not(client):
    """The OpenAPI schema and its documentation page describe the interface, no data: public
    on purpose (README, "API"); every endpoint behind it needs a login or a token."""
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and "/api/v1/users" in schema.json()["paths"]
    assert client.get("/api/v1/users").status_code == 401
    assert client.get("/api/v1/training/sessions").status_code == 401
