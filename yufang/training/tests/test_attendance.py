import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yufang.core.models import AuditLog
from yufang.people.models import Person
from yufang.targets.models import Completion, Mode
from yufang.targets.services import target_save
from yufang.training import codes, services
from yufang.training.models import Attendance, Flag, FlagKind, Method, SessionStatus

from .factories import at, import_roster, make_session, people_rows

pytestmark = pytest.mark.django_db
DAY = datetime.date(2023, 9, 12)


def _people(session):
    return list(Person.objects.filter(roster_entries__session=session).order_by("pk"))


def _sign(session, person, direction, when, **extra):
    return services.attendance_sign(
        session=session, person=person, direction=direction, method=Method.QR, at=when, **extra
    )


def _target(project, modes):
    return target_save(
        actor=project.plan.city.organisations.get(kind="hrss").users.first(),
        plan=project.plan,
        data={
            "name": f"目标{'-'.join(modes)}",
            "metric": "persons",
            "modes": modes,
            "threshold": Decimal(10),
            "deadline": datetime.date(2023, 12, 31),
        },
    )


def test_closing_writes_completions_by_the_attendance_rule_and_targets_move(world):
    session = make_session(world)  # 09:00-12:00: 90% is 162 minutes
    offline = _target(session.project, [Mode.OFFLINE])
    practical = _target(session.project, [Mode.PRACTICAL])
    import_roster(world, session, people_rows(4))
    full, late, early_leaver, no_out = _people(session)
    _sign(session, full, "in", at(DAY, 8, 50))
    _sign(session, full, "out", at(DAY, 12, 5))
    _sign(session, late, "in", at(DAY, 9, 18))  # 162 minutes left: exactly 90%
    _sign(session, late, "out", at(DAY, 12, 0))
    _sign(session, early_leaver, "in", at(DAY, 9, 0))
    _sign(session, early_leaver, "out", at(DAY, 11, 0))
    _sign(session, no_out, "in", at(DAY, 9, 0))
    with pytest.raises(PermissionDenied):
        services.session_transition(session=session, action="close", actor=world.users["provider_b"])
    services.session_transition(session=session, action="close", actor=world.users["provider_a"])
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.completed_count == 2
    completed = set(Attendance.objects.filter(session=session, completed=True).values_list("person_id", flat=True))
    assert completed == {full.pk, late.pk}
    facts = Completion.objects.filter(source_id=str(session.pk))
    assert {c.person_id for c in facts} == completed
    assert {c.mode for c in facts} == {Mode.OFFLINE} and facts[0].provider_id == session.project.provider_id
    offline.refresh_from_db()
    practical.refresh_from_db()
    assert offline.achieved == 2 and practical.achieved == 0
    with pytest.raises(ValidationError):
        _sign(session, no_out, "out", at(DAY, 12, 0))


def test_practical_sessions_write_practical_completions(world):
    session = make_session(world, kind="practical")
    import_roster(world, session, people_rows(1))
    (person,) = _people(session)
    _sign(session, person, "in", at(DAY, 9))
    _sign(session, person, "out", at(DAY, 12))
    services.session_transition(session=session, action="close", actor=world.users["provider_a"])
    assert Completion.objects.get(person=person).mode == Mode.PRACTICAL


def test_sign_in_once_out_after_in_and_only_on_the_roster(world):
    session = make_session(world)
    import_roster(world, session, people_rows(1))
    (person,) = _people(session)
    with pytest.raises(ValidationError, match="还没有签到"):
        _sign(session, person, "out", at(DAY, 9))
    _sign(session, person, "in", at(DAY, 9))
    with pytest.raises(ValidationError, match="无需重复签到"):
        _sign(session, person, "in", at(DAY, 9, 1))
    stranger = people_rows(1, start=40)[0]
    with pytest.raises(ValidationError, match="不在本场次花名册"):
        services.identify(session=session, name=stranger[1], id_number=stranger[2])
    with pytest.raises(ValidationError, match="不在本场次花名册"):
        services.identify(session=session, name="别人", id_number=person.id_number)
    assert services.identify(session=session, name=person.name, id_number=person.id_number.lower()) == person


def test_rotating_code_is_bound_to_session_direction_and_window(world):
    session = make_session(world)
    other = make_session(world, session.project, day=datetime.date(2023, 9, 13))
    now = 1_700_000_000.0
    token = codes.make_token(session, "in", codes.window_now(now))
    codes.check_token(session, codes.parse_token(token), now=now)
    codes.check_token(session, codes.parse_token(token), now=now + codes.WINDOW_SECONDS)  # just rotated: grace
    with pytest.raises(codes.CodeError, match="已过期"):
        codes.check_token(session, codes.parse_token(token), now=now + 3 * codes.WINDOW_SECONDS)
    with pytest.raises(codes.CodeError, match="不属于本场次"):
        codes.check_token(other, codes.parse_token(token), now=now)
    forged = token.replace("-in-", "-out-")
    with pytest.raises(codes.CodeError, match="无效"):
        codes.check_token(session, codes.parse_token(forged), now=now)
    text = codes.text_code(session, "in", codes.window_now(now))
    assert len(text) == 6
    assert codes.check_text_code(session, "in", text, now=now + 40) == codes.window_now(now)
    with pytest.raises(codes.CodeError):
        codes.check_text_code(session, "in", text, now=now + 120)
    with pytest.raises(codes.CodeError):
        codes.check_text_code(session, "out", text, now=now)


def test_sign_with_code_by_name_and_id(world):
    session = make_session(world)
    import_roster(world, session, people_rows(1))
    (person,) = _people(session)
    with mock.patch("django.utils.timezone.now", return_value=at(DAY, 9, 5)):
        token = codes.make_token(session, "in")
        a = services.attendance_sign_with_code(
            session=session,
            direction="in",
            token=token,
            name=person.name,
            id_number=person.id_number,
            device="dev1",
            ip="10.0.0.1",
        )
    assert a.in_method == Method.QR
    code = codes.text_code(session, "out")
    a = services.attendance_sign_with_code(
        session=session, direction="out", text_code=code, name=person.name, id_number=person.id_number
    )
    assert a.out_method == Method.CODE
    with pytest.raises(ValidationError, match="二维码无效"):
        services.attendance_sign_with_code(
            session=session, direction="out", token=token, name=person.name, id_number=person.id_number
        )


def test_manual_marking_needs_a_reason_is_audited_and_only_for_the_roster(world):
    session = make_session(world, capacity=1)
    import_roster(world, session, people_rows(1))
    (on_roster,) = people_rows(1)
    walk_in = people_rows(1, start=30)[0]
    provider = world.users["provider_a"]

    def mark(row, actor=provider, reason="手机没电，现场核验身份证"):
        return services.attendance_mark(
            session=session,
            actor=actor,
            name=row[1],
            id_number=row[2],
            signed_in_at=at(DAY, 9),
            signed_out_at=at(DAY, 12),
            reason=reason,
        )

    with pytest.raises(ValidationError):
        mark(on_roster, reason="")
    with pytest.raises(PermissionDenied):
        mark(on_roster, actor=world.users["agency"])
    # A walk-in is not marked by hand: they are added to the roster first (issue 12).
    with pytest.raises(ValidationError, match="不在本场次花名册"):
        mark(walk_in)
    a = mark(on_roster)
    assert a.in_method == Method.MANUAL and a.minutes == 180
    log = AuditLog.objects.for_object(a).get()
    assert log.event == "manual_mark" and on_roster[2] not in str(log.changes)


def test_flags_for_bursts_hours_overlap_age_impossible_and_counted_twice(world):
    session = make_session(world, class_hours="8")  # 8 x 45 minutes cannot fit in 3 hours
    parallel = make_session(world, session.project, start=11, end=15, topic="同时段另一场")
    later = make_session(world, session.project, day=datetime.date(2023, 10, 9), topic="十月场")
    rows = people_rows(4) + people_rows(1, start=80, year=1950)
    import_roster(world, session, rows)
    import_roster(world, parallel, rows[:1])
    import_roster(world, later, rows[:1])
    people = _people(session)
    for i, p in enumerate(people[:4]):
        _sign(session, p, "in", at(DAY, 9, i), device="phone-1", ip="10.1.1.1")
    _sign(session, people[4], "in", at(DAY, 7))  # two hours early
    for p in people:
        _sign(session, p, "out", at(DAY, 12))
    _sign(parallel, people[0], "in", at(DAY, 11))
    services.session_transition(session=session, action="close", actor=world.users["provider_a"])
    _sign(later, people[0], "in", at(datetime.date(2023, 10, 9), 9))
    _sign(later, people[0], "out", at(datetime.date(2023, 10, 9), 12))
    services.session_transition(session=later, action="close", actor=world.users["provider_a"])
    kinds = set(Flag.objects.filter(session=session).values_list("kind", flat=True))
    assert {
        FlagKind.DEVICE_BURST,
        FlagKind.OUTSIDE_HOURS,
        FlagKind.OVERLAP,
        FlagKind.AGE,
        FlagKind.IMPOSSIBLE_HOURS,
    } <= kinds
    burst = Flag.objects.get(session=session, kind=FlagKind.DEVICE_BURST)
    assert len(burst.evidence) == 4 and all("*" in e["人员"] for e in burst.evidence)
    assert Flag.objects.filter(session=later, kind=FlagKind.COUNTED_TWICE, person=people[0]).exists()
    assert Flag.objects.filter(session=parallel, kind=FlagKind.OVERLAP).exists()


def test_sessions_only_under_an_approved_project(world):
    from yufang.projects.tests.factories import make_project

    project = make_project(world, status="under_review")
    with pytest.raises(PermissionDenied, match="实施方案获批后"):
        make_session(world, project)


def test_flag_review_is_the_agencys(world):
    session = make_session(world)
    import_roster(world, session, people_rows(2) + [people_rows(1)[0]])
    flag = Flag.objects.get(kind=FlagKind.DUPLICATE_ID)
    with pytest.raises(PermissionDenied):
        services.flag_transition(flag=flag, action="dismiss", actor=world.users["provider_a"], note="录入重复")
    services.flag_transition(flag=flag, action="dismiss", actor=world.users["agency"], note="录入重复，已剔除")
    flag.refresh_from_db()
    assert flag.status == "dismissed" and flag.review_note == "录入重复，已剔除"
    assert timezone.now()


def test_bulk_sign_ins_follow_the_same_rules_and_closing_credits_the_project(world):
    """attendance_sign_many: the venue terminal's batch of sign-ins, with the one-by-one rules."""
    session = make_session(world)  # 09:00-12:00, 4 class hours
    import_roster(world, session, people_rows(3))
    a, b, c = _people(session)
    signs = [
        {"person": a, "signed_in_at": at(DAY, 8, 50), "signed_out_at": at(DAY, 12, 5), "device": "t1"},
        {"person": b, "signed_in_at": at(DAY, 8, 55), "signed_out_at": at(DAY, 10, 0), "device": "t1"},
    ]
    with pytest.raises(PermissionDenied):
        services.attendance_sign_many(session=session, signs=signs, actor=world.users["provider_b"])
    with pytest.raises(ValidationError, match="出现了两次"):
        services.attendance_sign_many(session=session, signs=signs + signs[:1], actor=world.users["provider_a"])
    outsider = Person.objects.exclude(pk__in=[a.pk, b.pk, c.pk]).first() or world.owner
    if isinstance(outsider, Person):
        with pytest.raises(ValidationError, match="不在本场次花名册中"):
            services.attendance_sign_many(
                session=session,
                signs=[{"person": outsider, "signed_in_at": at(DAY, 9), "signed_out_at": None}],
                actor=world.users["provider_a"],
            )
    created = services.attendance_sign_many(session=session, signs=signs, actor=world.users["provider_a"])
    assert {x.person_id for x in created} == {a.pk, b.pk} and Attendance.objects.count() == 2
    assert AuditLog.objects.filter(event="sign_in", object_id__in=[str(x.pk) for x in created]).count() == 2
    with pytest.raises(ValidationError, match="已签到"):
        services.attendance_sign_many(session=session, signs=signs[:1], actor=world.users["provider_a"])
    services.session_transition(session=session, action="close", actor=world.users["provider_a"])
    (completion,) = Completion.objects.filter(person=a)
    assert completion.project == session.project and completion.hours == Decimal("4.0")
    assert not Completion.objects.filter(person=b).exists()  # left after an hour
