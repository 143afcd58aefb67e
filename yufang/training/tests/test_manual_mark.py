"""Manual marking (issue 12, item 4): only people on the session's roster; a name in the archive
changes only through the people register's owners, audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yufang.core.models import AuditLog
from yufang.people import services as people_services
from yufang.people.models import Person
from yufang.training import services
from yufang.training.models import Attendance, RosterEntry

from . import matrix
from .factories import at, id_number

DAY = datetime.date(2023, 9, 12)


def _mark(world, session, person_name, number, reason="手机没电，现场核验身份证"):
    return services.attendance_mark(
        session=session,
        actor=world.users["provider_a"],
        name=person_name,
        id_number=number,
        signed_in_at=at(DAY, 9),
        signed_out_at=at(DAY, 12),
        reason=reason,
    )


def test_manual_mark_refuses_someone_not_on_the_roster(world):
    session = matrix.session(world, "a")
    outsider = matrix.roster_entry(world, "b").person  # on another session's roster, in the archive
    name = outsider.name
    with pytest.raises(ValidationError) as e:
        _mark(world, session, "冒名顶替", outsider.id_number)
    assert "不在本场次花名册" in str(e.value)
    outsider.refresh_from_db()
    assert outsider.name == name
    assert not Attendance.objects.filter(session=session, person=outsider).exists()
    # Someone not in the archive at all gets the same answer, and no archive is created.
    stranger = id_number("370303", datetime.date(1985, 3, 3), 77)
    people = Person.objects.count()
    with pytest.raises(ValidationError) as e2:
        _mark(world, session, "路人甲", stranger)
    assert e2.value.messages == e.value.messages
    assert Person.objects.count() == people


def test_manual_mark_never_renames(world):
    session = matrix.session(world, "a")
    entry = (
        RosterEntry.objects.filter(session=session)
        .exclude(person__in=Attendance.objects.filter(session=session).values("person"))
        .first()
    )
    with pytest.raises(ValidationError) as e:
        _mark(world, session, "改个名字", entry.person.id_number)
    assert "姓名" in str(e.value)
    entry.person.refresh_from_db()
    assert entry.person.name != "改个名字"
    attendance = _mark(world, session, entry.person.name, entry.person.id_number)
    assert attendance.person_id == entry.person_id and attendance.in_method == "manual"


def test_manual_mark_page_refuses_an_outsider(client, world):
    session = matrix.session(world, "a")
    outsider = matrix.roster_entry(world, "b").person
    client.force_login(world.users["provider_a"])
    response = client.post(
        reverse("training:mark", args=[session.pk]),
        {
            "name": "冒名顶替",
            "id_number": outsider.id_number,
            "signed_in_at": "2023-09-12T09:00",
            "reason": "手机没电，现场核验",
        },
    )
    assert response.status_code == 200 and "不在本场次花名册" in response.text
    outsider.refresh_from_db()
    assert outsider.name != "冒名顶替"


def test_only_the_archive_owners_rename_and_it_is_audited(client, world):
    person = matrix.roster_entry(world, "a").person
    for role in ("provider_a", "enterprise_a", "district_a"):
        with pytest.raises(PermissionDenied):
            people_services.person_rename(actor=world.users[role], person=person, name="新名", reason="户籍更名")
    people_services.person_rename(actor=world.users["agency"], person=person, name="新名字", reason="户籍更名，见证明")
    person.refresh_from_db()
    assert person.name == "新名字"
    log = AuditLog.objects.for_object(person).get(event="rename")
    assert log.changes["name"][1] == "新名字" and log.extra["reason"] == "户籍更名，见证明"
    # The same through the archive page.
    client.force_login(world.users["agency"])
    response = client.post(reverse("people:rename", args=[person.pk]), {"name": "再改名", "reason": "更正录入错误"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "再改名"
    client.force_login(world.users["provider_a"])
    assert client.post(reverse("people:rename", args=[person.pk]), {"name": "x", "reason": "yyyy"}).status_code in (
        403,
        404,
    )
