"""Writes on offline training: scheduling sessions, importing rosters, signing in and out,
marking attendance by hand, closing a session (which writes the completion facts), and
reviewing flags. Every write checks its permission and is audited in the same transaction."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update
from yufang.core.spreadsheets import clean_text
from yufang.core.throttle import Throttled, throttle_full, throttle_hit
from yufang.core.workflow import Transition, Workflow
from yufang.people import idnumbers
from yufang.people.models import Person
from yufang.projects.models import Project
from yufang.targets.services import completion_record_many

from . import codes, flags
from . import permissions as may
from .attendance_rules import attended_minutes, attended_seconds, completes
from .models import Attendance, Flag, FlagStatus, Method, RosterEntry, SessionStatus, TrainingSession
from .roster import Checked, write_people_and_roster

SESSION_FIELDS = [
    "kind",
    "industry",
    "topic",
    "region",
    "venue",
    "starts_at",
    "ends_at",
    "class_hours",
    "instructors",
    "capacity",
]


def _validate_session(project: Project, data: dict[str, Any]) -> None:
    errors = {}
    if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
        errors["ends_at"] = "结束时间须晚于开始时间。"
    region = data.get("region")
    if region is not None and project.regions.exists() and not project.regions.filter(pk=region.pk).exists():
        errors["region"] = "举办区县须是项目的实施区县之一。"
    if data.get("starts_at") and data["starts_at"].date() > project.deadline:
        errors["starts_at"] = f"场次日期晚于项目完成时限（{project.deadline:%Y-%m-%d}）。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(*, project: Project, data: dict[str, Any], enterprises=(), actor: User) -> TrainingSession:
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(may.can_schedule(actor, project))
    data = {k: v for k, v in data.items() if k in SESSION_FIELDS}
    _validate_session(project, data)
    session = model_create(model=TrainingSession, data={"project": project, **data}, actor=actor)
    session.enterprises.set(enterprises)
    return session


@transaction.atomic
def session_update(*, session: TrainingSession, data: dict[str, Any], enterprises=None, actor: User) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().select_related("project").get(pk=session.pk)
    _require(may.can_manage_session(actor, session))
    data = {k: v for k, v in data.items() if k in SESSION_FIELDS}
    _validate_session(session.project, {**{f: getattr(session, f) for f in SESSION_FIELDS}, **data})
    session, _ = model_update(instance=session, fields=list(data), data=data, actor=actor)
    if enterprises is not None:
        session.enterprises.set(enterprises)
    return session


# --- Closing: who completed --------------------------------------------------------------------


def _close(*, obj: TrainingSession, actor: User, note: str = "", **params) -> None:
    session = TrainingSession.objects.select_related("project__plan", "project__provider").get(pk=obj.pk)
    attendances = list(Attendance.objects.filter(session=session).select_related("person"))
    for a in attendances:
        seconds = attended_seconds(session, a.signed_in_at, a.signed_out_at)
        a.minutes = seconds // 60
        a.completed = completes(session, seconds)
    Attendance.objects.bulk_update(attendances, ["minutes", "completed"], batch_size=1000)
    people = [a.person for a in attendances if a.completed]
    flags.check_counted_twice(session, people)
    completion_record_many(
        people=people,
        mode=session.completion_mode,
        completed_on=session.day,
        source=session,
        provider=session.project.provider,
        project=session.project,
        hours=session.class_hours,
        actor=actor,
    )
    obj.completed_count = len(people)
    flags.check_impossible(session)
    flags.check_counts(session)


SESSION_WORKFLOW = Workflow(
    model=TrainingSession,
    transitions=[
        Transition(
            SessionStatus.SCHEDULED,
            "close",
            SessionStatus.CLOSED,
            "结束并认定完成",
            may.can_close,
            effect=_close,
            style="success",
            confirm=(
                "结束后按出勤规则认定每人是否完成，并把完成的人写入培训记录（计入年度目标）；"
                "之后不能再签到、签退或修改名单。"
            ),
            done="已结束，按出勤规则认定完成并写入培训记录",
        ),
        Transition(
            SessionStatus.SCHEDULED,
            "cancel",
            SessionStatus.CANCELLED,
            "取消场次",
            may.can_cancel,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def session_transition(*, session: TrainingSession, action: str, actor: User, note: str = "") -> TrainingSession:
    return SESSION_WORKFLOW.perform(obj=session, action=action, actor=actor, note=note)


# --- Roster import -------------------------------------------------------------------------------


@transaction.atomic
def roster_apply(
    *, session: TrainingSession, checked: Checked, actor: User, filename: str = "", job=None
) -> dict[str, int]:
    """Writes the valid rows of a checked roster in one transaction: new people, roster entries,
    one audit record for the import, and the flags the file raised. Call on the connection that
    checked the file (on PostgreSQL its rows wait there in a temporary table). With the checking
    job, marks it applied so the same file is not imported twice."""
    session = TrainingSession.objects.select_for_update().select_related("project__plan").get(pk=session.pk)
    _require(may.can_manage_session(actor, session))
    if not session.project.accepts_work:
        raise ValidationError("项目当前不在实施阶段，不能导入花名册。")
    if job is not None:
        locked = type(job).objects.select_for_update().get(pk=job.pk)
        if locked.result.get("applied"):
            raise ValidationError("该文件已导入过。")
        locked.result = {**locked.result, "applied": True}
        locked.save(update_fields=["result"])
    added = write_people_and_roster(checked, session)
    counts = {
        "rows": checked.total,
        "added": added,
        "new_people": checked.new_people,
        "known_people": checked.known_people,
        "already": checked.already,
        "errors": checked.error_count,
    }
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=session,
        event="roster_import",
        extra={"file": filename[:200], **counts},
    )
    flags.from_import(session, checked)
    flags.check_ages(session)
    flags.check_overlap(session)
    return counts


# --- Signing in and out -----------------------------------------------------------------------


def identify(*, session: TrainingSession, user=None, name: str = "", id_number: str = "") -> Person:
    """The person signing: a logged-in trainee with an archive, or name and ID number typed on the
    phone, which must match a person on this session's roster."""
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    if person is None:
        name = clean_text(name).replace(" ", "")
        if not name:
            raise ValidationError({"name": "请填写姓名。"})
        try:
            info = idnumbers.check(id_number)
        except ValidationError as e:
            raise ValidationError({"id_number": e.messages}) from None
        person = Person.objects.filter(id_hash=idnumbers.id_hash(info.number)).first()
        if person is None or person.name.replace(" ", "") != name:
            raise ValidationError("姓名与身份证号不在本场次花名册中，请联系现场工作人员。")
    if not RosterEntry.objects.filter(session=session, person=person).exists():
        raise ValidationError("您不在本场次花名册中，请联系现场工作人员。")
    return person


@transaction.atomic
def attendance_sign(
    *,
    session: TrainingSession,
    person: Person,
    direction: str,
    method: str,
    device: str = "",
    ip: str | None = None,
    at: datetime.datetime | None = None,
    actor: User | None = None,
) -> Attendance:
    """Signs a person in or out, once each. The caller has checked the code (or is the API,
    acting for a logged-in trainee)."""
    session = TrainingSession.objects.select_for_update().select_related("project__plan").get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(f"本场次{session.get_status_display()}，不能再签到签退。")
    at = at or timezone.now()
    existing = Attendance.objects.select_for_update().filter(session=session, person=person).first()
    if direction == "in":
        if existing is not None:
            raise ValidationError(f"您已于 {timezone.localtime(existing.signed_in_at):%H:%M} 签到，无需重复签到。")
        attendance = Attendance.objects.create(
            session=session, person=person, signed_in_at=at, in_method=method, in_device=device[:64], in_ip=ip
        )
        audit.record_create(actor=actor, instance=attendance, event="sign_in")
        flags.check_counts(session)
        flags.check_burst(session, attendance)
        flags.check_overlap(session, [person.pk])
    else:
        if existing is None:
            raise ValidationError("您还没有签到，不能签退。")
        if existing.signed_out_at is not None:
            raise ValidationError(f"您已于 {timezone.localtime(existing.signed_out_at):%H:%M} 签退。")
        before = audit.snapshot(existing)
        existing.signed_out_at = max(at, existing.signed_in_at)
        existing.out_method, existing.out_device, existing.out_ip = method, device[:64], ip
        existing.minutes = attended_minutes(session, existing.signed_in_at, existing.signed_out_at)
        existing.save(update_fields=["signed_out_at", "out_method", "out_device", "out_ip", "minutes"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=existing,
            event="sign_out",
            changes=audit.diff(before, audit.snapshot(existing)),
        )
        attendance = existing
    flags.check_hours(session, attendance)
    return attendance


# Wrong six-digit codes allowed before the page stops answering: per address (10 in 10 minutes)
# and per session and direction from anywhere (100 in 15 minutes, a 1-in-10,000 chance of a
# lucky guess against codes that change every 15 seconds).
CODE_FAILURES = (("code-ip", 10, 600), ("code-session", 100, 900))


def _check_text_code_throttled(session: TrainingSession, direction: str, text_code: str, ip: str | None) -> None:
    keys = {"code-ip": ip or "", "code-session": f"{session.pk}:{direction}"}
    if any(throttle_full(scope=scope, key=keys[scope], limit=limit) for scope, limit, _ in CODE_FAILURES):
        raise Throttled()
    try:
        codes.check_text_code(session, direction, text_code)
    except codes.CodeError:
        for scope, limit, window in CODE_FAILURES:
            throttle_hit(scope=scope, key=keys[scope], limit=limit, window=window)
        raise


@transaction.atomic
def attendance_sign_many(
    *, session: TrainingSession, signs: list[dict[str, Any]], method: str = Method.QR, actor: User
) -> list[Attendance]:
    """The bulk form of attendance_sign: many sign-ins (and sign-outs) at once, as a venue's
    sign-in terminal hands over what it recorded while offline. Each sign is a dict with person,
    signed_in_at, signed_out_at (or None), device and ip. The same rules as one by one: the
    session is scheduled, every person is on its roster and signs in once; the same flags are
    raised; one audit record per sign-in."""
    session = TrainingSession.objects.select_for_update().select_related("project__plan").get(pk=session.pk)
    _require(may.can_manage_session(actor, session))
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(f"本场次{session.get_status_display()}，不能再签到签退。")
    ids = [s["person"].pk for s in signs]
    if len(set(ids)) != len(ids):
        raise ValidationError("同一人在一批签到记录中出现了两次。")
    rostered = set(RosterEntry.objects.filter(session=session, person_id__in=ids).values_list("person_id", flat=True))
    signed = set(Attendance.objects.filter(session=session, person_id__in=ids).values_list("person_id", flat=True))
    rows = []
    for s in signs:
        person = s["person"]
        if person.pk not in rostered:
            raise ValidationError(f"{person.name} 不在本场次花名册中。")
        if person.pk in signed:
            raise ValidationError(f"{person.name} 已签到，不能重复签到。")
        signed_in, signed_out = s["signed_in_at"], s.get("signed_out_at")
        if signed_out is not None and signed_out < signed_in:
            raise ValidationError(f"{person.name} 的签退时间早于签到时间。")
        rows.append(
            Attendance(
                session=session,
                person=person,
                signed_in_at=signed_in,
                in_method=method,
                in_device=s.get("device", "")[:64],
                in_ip=s.get("ip"),
                signed_out_at=signed_out,
                out_method=method if signed_out else "",
                out_device=s.get("device", "")[:64] if signed_out else "",
                out_ip=s.get("ip") if signed_out else None,
                minutes=attended_minutes(session, signed_in, signed_out),
            )
        )
    created = Attendance.objects.bulk_create(rows, batch_size=1000)
    if any(a.pk is None for a in created):
        by_person = dict(Attendance.objects.filter(session=session, person_id__in=ids).values_list("person_id", "pk"))
        for a in created:
            a.pk = by_person[a.person_id]
    audit.record_created_many(actor=actor, instances=created, event="sign_in")
    flags.check_counts(session)
    flags.check_overlap(session, ids)
    for attendance in created:
        flags.check_burst(session, attendance)
        flags.check_hours(session, attendance)
    return created


def attendance_sign_with_code(
    *,
    session: TrainingSession,
    direction: str,
    token: str = "",
    text_code: str = "",
    user=None,
    name: str = "",
    id_number: str = "",
    device: str = "",
    ip: str | None = None,
) -> Attendance:
    """A trainee's scan (token) or typed code (text_code), then identity, then the sign."""
    try:
        if token:
            parsed = codes.parse_token(token)
            if parsed is None or parsed.direction != direction:
                raise codes.CodeError("二维码无效。")
            codes.check_token(session, parsed)
            method = Method.QR
        else:
            _check_text_code_throttled(session, direction, text_code, ip)
            method = Method.CODE
    except codes.CodeError as e:
        raise ValidationError(str(e)) from None
    person = identify(session=session, user=user, name=name, id_number=id_number)
    actor = user if user is not None and user.is_authenticated else None
    return attendance_sign(
        session=session, person=person, direction=direction, method=method, device=device, ip=ip, actor=actor
    )


NOT_ON_ROSTER = "该身份证号不在本场次花名册中：人工补录只能补录花名册上的人员，请先导入花名册。"


def _roster_person(*, session: TrainingSession, id_number: str, name: str) -> Person:
    """The person on this session's roster with this ID number and name. Anyone else, in the
    archive or not, gets the same answer; the archive is never written from here."""
    try:
        info = idnumbers.check(id_number)
    except ValidationError as e:
        raise ValidationError({"id_number": e.messages}) from None
    entry = (
        RosterEntry.objects.filter(session=session, person__id_hash=idnumbers.id_hash(info.number))
        .select_related("person")
        .first()
    )
    if entry is None:
        raise ValidationError({"id_number": NOT_ON_ROSTER})
    if entry.person.name != clean_text(name).replace(" ", ""):
        raise ValidationError(
            {"name": f"姓名与花名册不一致（花名册为「{entry.person.name}」）：姓名更正须由经办机构在人员档案中办理。"}
        )
    return entry.person


@transaction.atomic
def attendance_mark(
    *,
    session: TrainingSession,
    actor: User,
    name: str,
    id_number: str,
    signed_in_at: datetime.datetime,
    signed_out_at: datetime.datetime | None,
    reason: str,
) -> Attendance:
    """The provider records attendance by hand (a phone that failed), only for someone on the
    session's roster and only with a reason; audited, and visible as 人工补录 everywhere the
    attendance shows."""
    session = TrainingSession.objects.select_for_update().select_related("project__plan").get(pk=session.pk)
    _require(may.can_manage_session(actor, session))
    reason = reason.strip()
    if len(reason) < 4:
        raise ValidationError({"reason": "请写明补录原因（至少 4 个字）。"})
    if signed_out_at is not None and signed_out_at < signed_in_at:
        raise ValidationError({"signed_out_at": "签退时间不能早于签到时间。"})
    person = _roster_person(session=session, id_number=id_number, name=name)
    existing = Attendance.objects.select_for_update().filter(session=session, person=person).first()
    minutes = attended_minutes(session, signed_in_at, signed_out_at)
    if existing is None:
        attendance = Attendance.objects.create(
            session=session,
            person=person,
            signed_in_at=signed_in_at,
            in_method=Method.MANUAL,
            signed_out_at=signed_out_at,
            out_method=Method.MANUAL if signed_out_at else "",
            manual_reason=reason[:300],
            minutes=minutes,
        )
        audit.record_create(actor=actor, instance=attendance, event="manual_mark")
    else:
        before = audit.snapshot(existing)
        existing.signed_in_at = signed_in_at
        existing.in_method = Method.MANUAL
        existing.signed_out_at = signed_out_at
        existing.out_method = Method.MANUAL if signed_out_at else ""
        existing.manual_reason = reason[:300]
        existing.minutes = minutes
        existing.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=existing,
            event="manual_mark",
            changes=audit.diff(before, audit.snapshot(existing)),
            extra={"reason": reason},
        )
        attendance = existing
    flags.check_counts(session)
    flags.check_hours(session, attendance)
    flags.check_overlap(session, [person.pk])
    return attendance


# --- Flags -------------------------------------------------------------------------------------


def _note_effect(*, obj: Flag, actor: User, note: str = "", **params) -> None:
    obj.review_note = note[:300]


FLAG_WORKFLOW = Workflow(
    model=Flag,
    transitions=[
        Transition(
            FlagStatus.OPEN,
            "confirm",
            FlagStatus.CONFIRMED,
            "核实为问题",
            may.can_review_flags,
            effect=_note_effect,
            style="danger",
            needs_note=True,
        ),
        Transition(
            FlagStatus.OPEN,
            "dismiss",
            FlagStatus.DISMISSED,
            "核实无问题",
            may.can_review_flags,
            effect=_note_effect,
            style="outline-secondary",
            needs_note=True,
        ),
    ],
)


def session_completion_revoked(*, completion, actor: User) -> None:
    """A completion a session recorded was revoked (targets.completion_revoke, inside its
    transaction): the session's 认定完成 figure loses that person, so every figure that counted
    them moves. The revocation itself is the audited act."""
    if completion.source_type.model_class() is not TrainingSession:
        return
    session = TrainingSession.objects.select_for_update(of=("self",)).get(pk=int(completion.source_id))
    before = session.completed_count
    session.completed_count = max(before - 1, 0)
    session.save(update_fields=["completed_count", "updated_at"])
    audit.record(
        actor=actor,
        instance=session,
        action=AuditAction.UPDATE,
        changes={"completed_count": [before, session.completed_count]},
        event="completion_revoked",
    )


def flag_transition(*, flag: Flag, action: str, actor: User, note: str = "") -> Flag:
    return FLAG_WORKFLOW.perform(obj=flag, action=action, actor=actor, note=note)


def flags_decide(*, flags: list[Flag], action: str, actor: User, note: str = "") -> int:
    """Decide several flags with one note: each through the flag workflow (its own check and
    audit record), all in one transaction, so a flag that may not be decided leaves none
    decided. Returns how many were decided."""
    if not flags:
        raise ValidationError("请先勾选要处理的线索。")
    with transaction.atomic():
        for flag in flags:
            try:
                flag_transition(flag=flag, action=action, actor=actor, note=note)
            except ValidationError as e:
                reason = "；".join(e.messages)
                raise ValidationError(f"线索「{flag}」：{reason}") from e
    return len(flags)
