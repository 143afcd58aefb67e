"""Fraud and data flags (异常线索), each with its evidence. Raised as sign-ins, imports and
closing happen; scanning again never raises the same finding twice (one row per session, kind
and key), and a reviewed flag is never reopened or removed."""

import datetime
from collections import defaultdict

from django.db.models import F, Q
from django.utils import timezone

from yufang.core.masking import mask_id_number
from yufang.people.models import Person
from yufang.people.roster import MAX_AGE, MIN_AGE, working_age_problem

from .models import Attendance, Flag, FlagKind, RosterEntry, SessionStatus, TrainingSession

DEVICE_BURST = (3, datetime.timedelta(minutes=5))  # three sign-ins from one phone in five minutes
ADDRESS_BURST = (30, datetime.timedelta(minutes=2))  # a venue's Wi-Fi is shared; thirty in two minutes is not
EARLY = datetime.timedelta(minutes=30)  # sign-in opens half an hour before the start
LATE_OUT = datetime.timedelta(minutes=30)
MAX_DAY_MINUTES = 12 * 60  # nobody attends training for more than twelve hours in a day


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S") if dt else ""


def _who(person) -> str:
    return f"{person.name}（{mask_id_number(person.id_number)}）"


def raise_flag(session, kind: str, key: str, summary: str, evidence: list, person=None) -> Flag:
    flag, created = Flag.objects.get_or_create(
        session=session,
        kind=kind,
        key=key[:120],
        defaults={
            "project_id": session.project_id,
            "region_id": session.region_id,
            "person": person,
            "summary": summary[:300],
            "evidence": evidence,
        },
    )
    if not created and flag.status == "open" and flag.evidence != evidence:
        Flag.objects.filter(pk=flag.pk).update(summary=summary[:300], evidence=evidence)
    return flag


def raise_record_flag(
    *,
    source: str,
    project,
    kind: str,
    key: str,
    summary: str,
    evidence: list,
    subject: str,
    subject_url: str,
    region=None,
    person=None,
) -> Flag:
    """A finding about a record that is not an offline session (a publicity deliverable, a quiz
    paper, a call-back): the same list, review and audit as the session flags. Raised once per
    project, kind and key; an open flag's summary and evidence follow the latest finding."""
    flag, created = Flag.objects.get_or_create(
        session=None,
        project=project,
        kind=kind,
        key=key[:120],
        defaults={
            "source": source,
            "region": region,
            "person": person,
            "subject": subject[:200],
            "subject_url": subject_url[:200],
            "summary": summary[:300],
            "evidence": evidence,
        },
    )
    if not created and flag.status == "open" and flag.evidence != evidence:
        Flag.objects.filter(pk=flag.pk).update(summary=summary[:300], evidence=evidence)
    return flag


def raise_many(session, found: list[tuple[str, str, str, list, object]]) -> None:
    """Many findings at once (an import of thousands of rows): (kind, key, summary, evidence,
    person); those already raised stay as they are."""
    Flag.objects.bulk_create(
        [
            Flag(
                session=session,
                project_id=session.project_id,
                region_id=session.region_id,
                kind=kind,
                key=key[:120],
                summary=summary[:300],
                evidence=evidence,
                person=person,
            )
            for kind, key, summary, evidence, person in found
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def from_import(session, checked) -> None:
    """Invalid ID numbers and the same person twice in one file."""
    found = [
        (
            FlagKind.INVALID_ID,
            f"row{item['row']}",
            f"花名册第 {item['row']} 行身份证号无效：{item['reason']}",
            [{"花名册行号": item["row"], "身份证号": item["id"], "问题": item["reason"]}],
            None,
        )
        for item in checked.invalid_ids
    ] + [
        (
            FlagKind.DUPLICATE_ID,
            f"row{item['row']}",
            f"花名册第 {item['row']} 行与第 {item['first_row']} 行是同一人",
            [{"花名册行号": item["row"], "首次出现行号": item["first_row"], "身份证号": item["id"]}],
            None,
        )
        for item in checked.duplicates
    ]
    raise_many(session, found)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def check_ages(session) -> None:
    """People on the roster below working age or past retirement age on the session date."""
    day = session.day
    outside = Q(birth_date__gt=_years_before(day, MIN_AGE))
    for sex, age in MAX_AGE.items():
        outside |= Q(sex=sex, birth_date__lte=_years_before(day, age))
    people = Person.objects.filter(outside, pk__in=RosterEntry.objects.filter(session=session).values("person_id"))
    found = []
    for p in people.iterator(chunk_size=2000):
        problem = working_age_problem(p.sex, p.birth_date, day)
        if problem:
            found.append(
                (
                    FlagKind.AGE,
                    f"p{p.pk}",
                    f"{p.name}：{problem}",
                    [
                        {
                            "人员": _who(p),
                            "出生日期": p.birth_date.isoformat(),
                            "培训日期": day.isoformat(),
                            "问题": problem,
                        }
                    ],
                    p,
                )
            )
    raise_many(session, found)


def check_overlap(session, person_ids=None) -> None:
    """The same person on the roster of, or signed in at, another session at the same time."""
    others = (
        TrainingSession.objects.exclude(pk=session.pk)
        .exclude(status=SessionStatus.CANCELLED)
        .filter(starts_at__lt=session.ends_at, ends_at__gt=session.starts_at)
    )
    mine = RosterEntry.objects.filter(session=session).values("person_id")
    if person_ids is not None:
        mine = person_ids
    clashes = (
        RosterEntry.objects.filter(session__in=others, person_id__in=mine)
        .select_related("person", "session")
        .order_by("person_id")
    )
    signed = (
        Attendance.objects.filter(session__in=others, person_id__in=mine)
        .select_related("person", "session")
        .order_by("person_id")
    )
    for row in [*clashes, *signed]:
        other, p = row.session, row.person
        how = "已签到" if isinstance(row, Attendance) else "在花名册中"
        evidence = [
            {
                "人员": _who(p),
                "本场次": f"{session}（{_local(session.starts_at)}—{_local(session.ends_at)}）",
                "另一场次": f"{other}（{_local(other.starts_at)}—{_local(other.ends_at)}）{how}",
            }
        ]
        summary = f"{p.name} 同一时段还{how}于另一场次：{other}"
        raise_flag(session, FlagKind.OVERLAP, f"p{p.pk}s{other.pk}", summary, evidence, person=p)
        raise_flag(
            other,
            FlagKind.OVERLAP,
            f"p{p.pk}s{session.pk}",
            f"{p.name} 同一时段还在另一场次：{session}",
            evidence,
            person=p,
        )


def check_counts(session) -> None:
    signed = Attendance.objects.filter(session=session).count()
    if signed > session.capacity:
        raise_flag(
            session,
            FlagKind.OVER_CAPACITY,
            "capacity",
            f"签到 {signed} 人，超过计划人数 {session.capacity} 人",
            [{"签到人数": signed, "计划人数": session.capacity}],
        )
    roster = RosterEntry.objects.filter(session=session).count()
    if signed > roster:
        outside = (
            Attendance.objects.filter(session=session)
            .exclude(person_id__in=RosterEntry.objects.filter(session=session).values("person_id"))
            .select_related("person")[:50]
        )
        raise_flag(
            session,
            FlagKind.OVER_ROSTER,
            "roster",
            f"签到 {signed} 人，多于花名册 {roster} 人",
            [{"签到人数": signed, "花名册人数": roster}]
            + [{"不在花名册的签到人员": _who(a.person), "签到方式": a.get_in_method_display()} for a in outside],
        )


def check_burst(session, attendance) -> None:
    """Many sign-ins from one phone, or a flood from one network address, within minutes."""
    at = attendance.signed_in_at
    for field, (limit, span), kind, label in (
        ("in_device", DEVICE_BURST, FlagKind.DEVICE_BURST, "同一设备"),
        ("in_ip", ADDRESS_BURST, FlagKind.ADDRESS_BURST, "同一网络地址"),
    ):
        value = getattr(attendance, field)
        if not value:
            continue
        near = list(
            Attendance.objects.filter(
                session=session, **{field: value}, signed_in_at__gte=at - span, signed_in_at__lte=at + span
            )
            .select_related("person")
            .order_by("signed_in_at")
        )
        if len(near) >= limit:
            shown = value if field == "in_ip" else f"设备 {value[:8]}…"
            raise_flag(
                session,
                kind,
                f"{field}:{value}"[:120],
                f"{label}（{shown}）在 {int(span.total_seconds() // 60)} 分钟内为 {len(near)} 人签到",
                [{"人员": _who(a.person), "签到时间": _local(a.signed_in_at), label: shown} for a in near],
            )


def check_hours(session, attendance) -> None:
    """Sign-in or sign-out outside the session's hours."""
    problems = []
    if attendance.signed_in_at < session.starts_at - EARLY or attendance.signed_in_at > session.ends_at:
        problems.append(f"签到时间 {_local(attendance.signed_in_at)}")
    out = attendance.signed_out_at
    if out is not None and (out < session.starts_at or out > session.ends_at + LATE_OUT):
        problems.append(f"签退时间 {_local(out)}")
    if problems:
        p = attendance.person
        raise_flag(
            session,
            FlagKind.OUTSIDE_HOURS,
            f"p{p.pk}",
            f"{p.name}：{'，'.join(problems)}，不在培训时段（{_local(session.starts_at)}—{_local(session.ends_at)}）内",
            [
                {
                    "人员": _who(p),
                    "签到": _local(attendance.signed_in_at),
                    "签退": _local(out),
                    "方式": attendance.get_in_method_display(),
                    "补录原因": attendance.manual_reason,
                }
            ],
            person=p,
        )


def check_impossible(session) -> None:
    """Class hours the session's length cannot hold, and people whose training that day adds up
    to more hours than a day has for it."""
    minutes_per_hour = session.project.plan.class_hour_minutes
    needed = int(session.class_hours * minutes_per_hour)
    if needed > session.minutes:
        raise_flag(
            session,
            FlagKind.IMPOSSIBLE_HOURS,
            "class_hours",
            f"申报 {session.class_hours} 学时需 {needed} 分钟，场次只有 {session.minutes} 分钟",
            [{"申报学时": str(session.class_hours), "每学时分钟数": minutes_per_hour, "场次分钟数": session.minutes}],
        )
    day = session.day
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    people = Attendance.objects.filter(session=session).values("person_id")
    per_person = defaultdict(int)
    sessions = defaultdict(list)
    for s in (
        TrainingSession.objects.filter(
            attendances__person_id__in=people, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1)
        )
        .exclude(status=SessionStatus.CANCELLED)
        .annotate(person_id=F("attendances__person_id"))
    ):
        per_person[s.person_id] += s.minutes
        sessions[s.person_id].append(s)
    heavy = {pid: m for pid, m in per_person.items() if m > MAX_DAY_MINUTES}
    for p in Person.objects.filter(pk__in=heavy):
        raise_flag(
            session,
            FlagKind.IMPOSSIBLE_HOURS,
            f"p{p.pk}",
            f"{p.name} {day:%Y-%m-%d} 参加场次合计 {heavy[p.pk] // 60} 小时，超过一天 {MAX_DAY_MINUTES // 60} 小时",
            [{"人员": _who(p), "场次": f"{s}（{_local(s.starts_at)}—{_local(s.ends_at)}）"} for s in sessions[p.pk]],
            person=p,
        )


def check_counted_twice(session, people) -> None:
    """A person this session completed whom the same provider already reported complete, in
    another session of the same year and mode: a target counts them once, so the second claim
    inflates the provider's headcount."""
    from django.contrib.contenttypes.models import ContentType

    from yufang.targets.models import Completion

    # Sessions on the platform only: records brought over from before it were checked when they
    # were taken in.
    mine = ContentType.objects.get_for_model(TrainingSession)
    earlier = (
        Completion.objects.filter(
            source_type=mine,
            person__in=people,
            year=session.day.year,
            mode=session.completion_mode,
            provider_id=session.project.provider_id,
        )
        .exclude(source_type=mine, source_id=str(session.pk))
        .select_related("person")
    )
    for c in earlier:
        p = c.person
        raise_flag(
            session,
            FlagKind.COUNTED_TWICE,
            f"p{p.pk}c{c.pk}",
            f"{p.name} 已于 {c.completed_on:%Y-%m-%d} 由本机构申报完成（{c.source_repr}），同一目标只计一次",
            [
                {
                    "人员": _who(p),
                    "本场次": str(session),
                    "此前记录": c.source_repr,
                    "此前完成日期": c.completed_on.isoformat(),
                }
            ],
            person=p,
        )


def open_flags_q() -> Q:
    return Q(status="open")
