"""Self-registration (issue 12, item 3): it never changes an existing archive nor binds an
account to a known person; the employer (or the agency) confirms who registered; the answers
say nothing of what is on file; the endpoint is throttled."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from yufang.learning import services
from yufang.learning.models import Enrolment, Registration
from yufang.people.models import Person
from yufang.people.services import person_upsert
from yufang.reference.models import Industry, Position
from yufang.targets.tests.factories import id_number


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def known(world, setup):
    """A worker of enterprise a in the archive, without an account."""
    person, _ = person_upsert(
        actor=world.owner,
        id_number=id_number("370303", datetime.date(1988, 2, 3), 41),
        name="李档案",
        phone="13811112222",
        enterprise=world.orgs["enterprise_a"],
        position=Position.objects.get(code="worker"),
    )
    return person


def data(world, *, name, number, enterprise="enterprise_b", phone="13900001111"):
    return {
        "name": name,
        "id_number": number,
        "phone": phone,
        "credit_code": world.orgs[enterprise].credit_code,
        "industry": None,
        "position": Position.objects.get(code="team_leader"),
        "password": "Study-hard-2023",
    }


def test_registering_as_a_known_person_changes_nothing_and_binds_nothing(world, known):
    user = services.person_self_register(**data(world, name="李档案", number=known.id_number))
    known.refresh_from_db()
    assert known.user_id is None
    assert known.enterprise == world.orgs["enterprise_a"] and known.phone == "13811112222"
    assert known.position.code == "worker"
    assert not Enrolment.objects.filter(person=known).exists()
    registration = Registration.objects.get(user=user)
    assert registration.status == "pending" and registration.enterprise == world.orgs["enterprise_b"]


def _post(client, world, **kw):
    payload = data(world, **kw)
    industry = Industry.objects.get(code="hazchem").pk
    form = {**payload, "position": payload["position"].pk, "password2": payload["password"], "industry": industry}
    return client.post(reverse("learning:register"), form, follow=True)


def _answer(response) -> tuple[int, list[str]]:
    """What the registrant is told, without their own new username."""
    return response.status_code, [str(m).split("用户名")[0] for m in response.context["messages"]]


def test_answers_do_not_reveal_what_is_on_file(world, known):
    with_account = Person.objects.get(user=world.users["trainee_a"])  # the setup's enrolled trainee
    cases = [
        dict(name="新学员", number=id_number("370303", datetime.date(1991, 6, 7), 5)),  # not on file
        dict(name="李档案", number=known.id_number),  # on file, no account
        dict(name="别的名字", number=known.id_number),  # on file, another name
        dict(name=with_account.name, number=with_account.id_number),  # on file, with an account
    ]
    answers = []
    for i, case in enumerate(cases):
        response = _post(Client(REMOTE_ADDR=f"10.0.0.{i + 1}"), world, **case)
        answers.append(_answer(response))
        assert "待" in response.content.decode() and "确认" in response.content.decode()
    assert all(a == answers[0] for a in answers), answers


def test_the_named_enterprise_confirms_and_only_then_the_person_is_linked(world, known):
    user = services.person_self_register(**data(world, name="李档案", number=known.id_number))
    registration = Registration.objects.get(user=user)
    with pytest.raises(PermissionDenied):
        services.registration_transition(registration=registration, action="confirm", actor=world.users["enterprise_a"])
    services.registration_transition(registration=registration, action="confirm", actor=world.users["enterprise_b"])
    known.refresh_from_db()
    assert known.user_id == user.pk
    assert known.enterprise == world.orgs["enterprise_a"] and known.phone == "13811112222"  # the archive as it was
    assert Enrolment.objects.get(person=known).enterprise == world.orgs["enterprise_b"]


def test_a_new_person_enters_the_archive_on_confirmation(world, setup):
    number = id_number("370303", datetime.date(1992, 8, 9), 17)
    user = services.person_self_register(**data(world, name="王新人", number=number, enterprise="enterprise_a"))
    assert not Person.objects.filter(name="王新人").exists()
    registration = Registration.objects.get(user=user)
    services.registration_transition(registration=registration, action="confirm", actor=world.users["agency"])
    person = Person.objects.get(user=user)
    assert person.name == "王新人" and person.enterprise == world.orgs["enterprise_a"]
    assert Enrolment.objects.filter(person=person).exists()


def test_a_person_with_an_account_or_another_name_cannot_be_confirmed(client, world, known):
    user = services.person_self_register(**data(world, name="冒名者", number=known.id_number))
    registration = Registration.objects.get(user=user)
    with pytest.raises(ValidationError, match="姓名"):
        services.registration_transition(registration=registration, action="confirm", actor=world.users["enterprise_b"])
    services.registration_transition(
        registration=registration, action="reject", actor=world.users["enterprise_b"], note="本单位无此人"
    )
    user.refresh_from_db()
    assert not user.is_active
    known.refresh_from_db()
    assert known.user_id is None
    # The confirmer's list shows the pending ones of its own enterprise only.
    user2 = services.person_self_register(**data(world, name="李档案", number=known.id_number))
    client.force_login(world.users["enterprise_b"])
    page = client.get(reverse("learning:registrations")).text
    assert user2.username in page
    client.force_login(world.users["enterprise_a"])
    assert user2.username not in client.get(reverse("learning:registrations")).text


def test_registration_is_throttled_per_address_and_per_id(world, setup):
    statuses = [
        _post(
            Client(REMOTE_ADDR="10.9.9.9"),
            world,
            name="某人",
            number=id_number("370303", datetime.date(1990, 1, 1), 100 + i),
        ).status_code
        for i in range(12)
    ]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
    number = id_number("370303", datetime.date(1993, 3, 3), 9)
    statuses = [
        _post(Client(REMOTE_ADDR=f"10.8.0.{i}"), world, name="某人", number=number).status_code for i in range(5)
    ]
    assert statuses[-1] == 429
