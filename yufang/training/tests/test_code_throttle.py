"""The six-digit sign-in code page is throttled (issue 12, item 16): a guesser runs out of tries
long before the code space, per address and per session."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from yufang.training import codes
from yufang.training.models import Attendance

from . import matrix


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _post(client, session, code, person):
    return client.post(
        reverse("training:code"),
        {"session": session.pk, "code": code, "direction": "in", "name": person.name, "id_number": person.id_number},
    )


def test_wrong_codes_from_one_address_are_cut_off(world):
    session = matrix.session(world, "a")
    person = matrix.roster_entry(world, "a").person
    right = codes.text_code(session, "in")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client = Client(REMOTE_ADDR="10.1.1.1")
    statuses = [_post(client, session, wrong, person).status_code for _ in range(10)]
    assert statuses == [200] * 10
    # The eleventh try is refused before the code is looked at, even the right one.
    response = _post(client, session, right, person)
    assert response.status_code == 429 and "尝试次数过多" in response.text
    assert not Attendance.objects.filter(session=session, person=person, in_method="code").exists()
    # Another address is not held back by this one's guesses.
    assert _post(Client(REMOTE_ADDR="10.1.1.2"), session, right, person).status_code == 200


def test_guesses_against_one_session_are_capped_across_addresses(world):
    session = matrix.session(world, "a")
    person = matrix.roster_entry(world, "a").person
    right = codes.text_code(session, "in")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for i in range(100):
        _post(Client(REMOTE_ADDR=f"10.2.{i // 200}.{i % 200 + 1}"), session, wrong, person)
    assert _post(Client(REMOTE_ADDR="10.3.0.1"), session, right, person).status_code == 429


def test_the_api_sign_in_with_a_code_is_throttled_alike(world):
    session = matrix.session(world, "a")
    person = matrix.roster_entry(world, "a").person
    right = codes.text_code(session, "in")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client = Client(REMOTE_ADDR="10.4.0.1")
    client.force_login(world.users["trainee_a"])
    body = {"session_id": session.pk, "code": wrong, "name": person.name, "id_number": person.id_number}
    statuses = [
        client.post("/api/v1/training/sign", body, content_type="application/json").status_code for _ in range(11)
    ]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429


def test_the_code_page_names_the_organiser_before_anything_is_typed(world):
    """A worker opening the code page from the screen sees who runs the training before giving
    their ID number: the city's bureau at first, the session's organiser and provider once the
    session number is known, and why the ID number is asked."""
    session = matrix.session(world, "a")
    page = Client().get(reverse("training:code")).text
    header = page.split('data-testid="public-header"', 1)[1].split("</header>", 1)[0]
    assert f"主办：{session.project.plan.city.name}人力资源和社会保障局" in header
    assert 'data-testid="why-id"' in page
    page = Client().get(reverse("training:code"), {"session": session.pk}).text
    header = page.split('data-testid="public-header"', 1)[1].split("</header>", 1)[0]
    assert session.project.provider.name in header
    assert session.topic in page and f'value="{session.pk}"' in page
    # Another number that is not a session: the city's bureau still, nothing else shown.
    assert "code-session" not in Client().get(reverse("training:code"), {"session": "99999999"}).text
