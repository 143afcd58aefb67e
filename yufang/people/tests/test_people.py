"""People: one person per resident ID number, scoped to who may see them, and an archive the apps
that keep a person's records contribute to."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from yufang.core import registry
from yufang.core.registry import PERSON_ARCHIVE, contribute
from yufang.core.scoping import scoped
from yufang.people.models import Person
from yufang.people.selectors import person_archive
from yufang.people.services import person_upsert
from yufang.targets.tests.factories import id_number


def _person(world, side: str = "a", serial: int = 500) -> Person:
    enterprise = world.orgs[f"enterprise_{side}"]
    person, _ = person_upsert(
        actor=world.owner,
        id_number=id_number(enterprise.region.code, datetime.date(1990, 5, 6), serial),
        name=f"职工{side}",
        enterprise=enterprise,
        region=enterprise.region,
    )
    return person


def test_the_same_id_number_is_the_same_person(world):
    person = _person(world)
    again, created = person_upsert(actor=world.owner, id_number=person.id_number, name=person.name)
    assert again.pk == person.pk and not created
    with pytest.raises(ValidationError, match="姓名与人员档案不一致"):
        person_upsert(actor=world.owner, id_number=person.id_number, name="另一个名字")
    assert Person.objects.count() == 1


def test_an_invalid_id_number_is_refused_and_nothing_is_written(world):
    with pytest.raises(ValidationError):
        person_upsert(actor=world.owner, id_number="370303199005061234", name="错号")
    assert not Person.objects.exists()


def test_an_enterprise_sees_its_own_staff_and_not_another_enterprises(world):
    mine, theirs = _person(world, "a", 501), _person(world, "b", 502)
    visible = set(scoped(world.users["enterprise_a"], Person).values_list("pk", flat=True))
    assert mine.pk in visible and theirs.pk not in visible


def test_the_archive_gathers_what_the_apps_contribute_and_orders_the_years(world, monkeypatch):
    person = _person(world)
    monkeypatch.setattr(registry, "registry", registry._Registry())
    assert person_archive(user=world.owner, person=person).years == []
    contribute(
        PERSON_ARCHIVE, lambda user, p: {"completions": [SimpleNamespace(year=2022), SimpleNamespace(year=2024)]}
    )
    when = SimpleNamespace(starts_at=datetime.datetime(2023, 3, 1, 9, 0, tzinfo=datetime.UTC))
    contribute(PERSON_ARCHIVE, lambda user, p: {"attendances": [SimpleNamespace(session=when)], "rosters": ["r"]})
    archive = person_archive(user=world.owner, person=person)
    assert archive.years == [2024, 2023, 2022]
    assert archive.rosters == ["r"] and len(archive.completions) == 2
