"""Fuzz the whole /api/v1/ with Schemathesis against the demo data: every operation of the
OpenAPI schema, with inputs the schema allows (and, fewer, inputs it does not), as each demo
role and as nobody. No input may answer 5xx. The app is called in process through its WSGI
entry point (the heartbeat fast path included), inside the test's transaction.

FUZZ_EXAMPLES=200 .venv/bin/python -m pytest -n 0 tests/test_api_fuzz.py  # a longer run by hand"""

import os
import traceback

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from yufang.accounts import services as accounts_services
from yufang.accounts.models import User

ROLES = ["owner", "agency", "health", "district", "provider", "enterprise", "trainee", None]
# Per operation; the whole run (demo load included) stays within about three minutes on 2 cores.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
NEGATIVE_EXAMPLES = max(2, EXAMPLES // 3)
# Demo records have small primary keys: half the path ids are drawn from them, so operations
# reach real records of every role's scope, not only the 404 of a random number.
SMALL_IDS = st.integers(min_value=1, max_value=150)


@pytest.fixture
def app(db):
    """The real WSGI application. Like Django's test client, the requests must not close the
    connection that holds the test's transaction."""
    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _run(operation, mode: GenerationMode, examples: int, headers: dict, failures: list) -> None:
    errors: list[str] = []

    def remember(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), role=st.sampled_from(ROLES), data=st.data())
    def fuzz(case, role, data):
        if case.path_parameters and data.draw(st.booleans()):
            for name, value in case.path_parameters.items():
                if isinstance(value, int):
                    case.path_parameters[name] = data.draw(SMALL_IDS)
        errors.clear()
        got_request_exception.connect(remember)
        try:
            response = case.call(headers=headers.get(role, {}))
        finally:
            got_request_exception.disconnect(remember)
        if response.status_code >= 500:
            failures.append(
                f"{operation.label} [{mode.value}] as {role}: {response.status_code}\n"
                f"{case.as_curl_command()}\n{errors[-1] if errors else response.text[:500]}"
            )

    try:
        fuzz()
    except Unsatisfiable:
        # An operation whose every input is valid (a free-text path segment, no auth) has no
        # negative cases to make.
        if mode is GenerationMode.POSITIVE:
            raise


def test_no_input_the_schema_allows_answers_5xx(app):
    call_command("load_demo", scale=0.02, stdout=open(os.devnull, "w"))
    headers = {}
    for username in filter(None, ROLES):
        user = User.objects.get(username=username)
        if user.is_staff_system_user:
            _, raw = accounts_services.token_create(actor=user, name="接口模糊测试")
            headers[username] = {"Authorization": f"Bearer {raw}"}
        else:  # a trainee has no API tokens: the signed-in session, as the player uses it
            client = Client()
            client.force_login(user)
            cookie = django_settings.SESSION_COOKIE_NAME
            headers[username] = {"Cookie": f"{cookie}={client.cookies[cookie].value}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:
        _run(operation, GenerationMode.POSITIVE, EXAMPLES, headers, failures)
        _run(operation, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, headers, failures)
    assert not failures, f"{len(failures)} answers 5xx:\n\n" + "\n\n".join(failures[:20])
