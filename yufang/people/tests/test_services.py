"""Writes on the register of people: one person per ID number, found by its keyed hash, with
every creation and rename in the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yufang.core.models import AuditAction, AuditLog
from yufang.people.models import Person
from yufang.people.selectors import person_find
from yufang.people.services import person_bulk_create, person_rename, person_upsert
from yufang.reference.models import Industry, Position
from yufang.targets.tests.factories import id_number


def _number(serial: int, region: str = "370303", born: datetime.date = datetime.date(1988, 4, 9)) -> str:
    return id_number(region, born, serial)


def test_upsert_creates_a_person_with_sex_and_birth_from_the_number_and_audits_it(world):
    enterprise = world.orgs["enterprise_a"]
    typed = " " + _number(101).lower() + " "
    person, created = person_upsert(
        actor=world.owner, id_number=typed, name="王小明", enterprise=enterprise, phone="13800000001", region=None
    )
    assert created
    person.refresh_from_db()
    assert person.id_number == _number(101)
    assert (person.sex, person.birth_date) == ("M", datetime.date(1988, 4, 9))
    assert person.enterprise == enterprise and person.phone == "13800000001" and person.region is None
    entry = AuditLog.objects.for_object(person).get()
    assert entry.action == AuditAction.CREATE and entry.actor == world.owner
    assert _number(101) not in str(entry.changes) and "13800000001" not in str(entry.changes)


def test_upsert_updates_the_profile_given_and_keeps_what_is_left_blank(world):
    person, _ = person_upsert(
        actor=world.owner,
        id_number=_number(102),
        name="李四",
        enterprise=world.orgs["enterprise_a"],
        phone="13800000002",
    )
    industry = Industry.objects.order_by("pk").first()
    again, created = person_upsert(
        actor=world.owner,
        id_number=_number(102),
        name="李四",
        enterprise=world.orgs["enterprise_b"],
        phone="",
        industry=industry,
        id_hash="forged",  # not a profile field: ignored
    )
    assert not created and again.pk == person.pk
    person.refresh_from_db()
    assert person.enterprise == world.orgs["enterprise_b"] and person.industry == industry
    assert person.phone == "13800000002"
    assert person.id_hash != "forged"
    assert Person.objects.count() == 1


def test_person_find_looks_up_by_the_number_in_any_written_form(world):
    person, _ = person_upsert(actor=world.owner, id_number=_number(103), name="赵五")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in _number(103))
    assert person_find(id_number=full_width) == person
    assert person_find(id_number=_number(104)) is None
    with pytest.raises(ValidationError):
        person_find(id_number="12345")


def test_only_the_registers_keepers_rename_and_the_reason_is_kept(world):
    person, _ = person_upsert(actor=world.owner, id_number=_number(105), name="张三")
    for key in ("enterprise_a", "district_a", "provider_a", "partner"):
        with pytest.raises(PermissionDenied, match="经办机构"):
            person_rename(actor=world.users[key], person=person, name="张叁", reason="户籍更名证明")
    with pytest.raises(ValidationError) as short:
        person_rename(actor=world.users["agency"], person=person, name="张叁", reason="改名")
    assert "reason" in short.value.message_dict
    with pytest.raises(ValidationError) as blank:
        person_rename(actor=world.users["agency"], person=person, name="  ", reason="户籍更名证明")
    assert "name" in blank.value.message_dict

    renamed = person_rename(actor=world.users["agency"], person=person, name=" 张 叁 ", reason="户籍更名证明一份")
    assert renamed.name == "张叁"
    entry = AuditLog.objects.for_object(person).get(event="rename")
    assert entry.changes == {"name": ["张三", "张叁"]} and entry.extra == {"reason": "户籍更名证明一份"}
    # The same name again changes nothing and writes nothing.
    person_rename(actor=world.users["agency"], person=renamed, name="张叁", reason="户籍更名证明一份")
    assert AuditLog.objects.for_object(person).filter(event="rename").count() == 1
    # After the rename the archive answers to the new name only.
    assert person_upsert(actor=world.owner, id_number=_number(105), name="张叁")[0].pk == person.pk
    with pytest.raises(ValidationError, match="姓名与人员档案不一致"):
        person_upsert(actor=world.owner, id_number=_number(105), name="张三")


def test_bulk_create_checks_every_number_skips_repeats_and_people_on_file(world):
    on_file, _ = person_upsert(actor=world.owner, id_number=_number(110), name="老员工")
    position = Position.objects.order_by("pk").first()
    rows = [
        {"id_number": _number(110), "name": "另一个名字"},  # on file: left as it is
        {"id_number": _number(111), "name": "新员工一", "position": position, "phone": "13800000011"},
        {"id_number": _number(111).lower(), "name": "新员工一"},  # the same person twice
        {"id_number": _number(112, born=datetime.date(1975, 1, 2)), "name": "新员工二", "phone": ""},
    ]
    created = person_bulk_create(actor=world.owner, rows=rows)
    assert sorted(p.name for p in created) == ["新员工一", "新员工二"]
    assert all(p.pk for p in created)
    assert Person.objects.count() == 3
    on_file.refresh_from_db()
    assert on_file.name == "老员工"
    first = Person.objects.get(pk=next(p.pk for p in created if p.name == "新员工一"))
    assert first.position == position and first.phone == "13800000011" and first.sex == "M"
    assert Person.objects.get(name="新员工二").birth_date == datetime.date(1975, 1, 2)
    logged = [AuditLog.objects.for_object(p).get() for p in created]
    assert {e.action for e in logged} == {AuditAction.CREATE}
    assert all(e.changes["id_number"][1].count("*") == 8 for e in logged)


def test_bulk_create_writes_nothing_when_one_number_is_wrong(world):
    rows = [{"id_number": _number(120), "name": "甲某"}, {"id_number": _number(121)[:-1] + "0", "name": "乙某"}]
    if rows[1]["id_number"] == _number(121):
        rows[1]["id_number"] = _number(121)[:-1] + "1"
    with pytest.raises(ValidationError, match="校验位"):
        person_bulk_create(actor=world.owner, rows=rows)
    assert not Person.objects.exists()
    assert person_bulk_create(actor=world.owner, rows=[]) == []
