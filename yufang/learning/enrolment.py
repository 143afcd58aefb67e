"""Applying a checked online enrolment list, as a background job (issue 13 item 4, issue 12 item 5).

Who may enrol whom (`enrolable_enterprises`):
- the agency: anyone;
- an enterprise contact: its own staff only (people whose enterprise on file is its own);
- a provider: people of the enterprises its projects serve, i.e. the participating enterprises
  (TrainingSession.enterprises) of the sessions of its projects under the year's plan that are
  being carried out. That list is what the provider declared and the agency sees for each
  session; a project's districts are too wide (every enterprise of a district) and the
  implementation plan names industries and positions, not enterprises.

A row the importer may not enrol is refused with its reason; nothing is written for it. A known
person's enterprise is the one on file (what the row says does not move them); a person on file
without an enterprise is enrolled only by the agency.

Credentials: a new account's one-time password is written only into a credential sheet (xlsx)
the job makes in the private job-output storage. Its starter alone downloads it, once, within
CREDENTIAL_HOURS; it is deleted on download or at expiry. The job result, the log, the audit
trail and every page hold no password. A person who already has an account is enrolled and gets
no credentials: the sheet says so."""

import datetime
import secrets
import tempfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from yufang.accounts.models import Organisation, Role, User, UserRole
from yufang.accounts.passwords import generate_password, set_issued_password
from yufang.core import audit
from yufang.core.jobs import JobFailed, job_output_delete, job_start, register
from yufang.core.masking import mask_id_number
from yufang.core.models import AuditAction, Job, JobStatus
from yufang.people.models import Person
from yufang.plans.models import Plan

from .models import Channel, Enrolment
from .permissions import can_enrol

APPLY_JOB = "learning.roster_apply"
CHECK_JOB = "learning.roster_check"
CREDENTIAL_HOURS = 24
EXISTING_ACCOUNT = "已有账号，请用原账号登录"
REFUSED_KEEP = 1000  # refused rows kept in the job result; the sheet lists every one


def enrolable_enterprises(actor, plan: Plan) -> set[int] | None:
    """The enterprises whose people `actor` may enrol in `plan`; None means any."""
    from yufang.projects.models import WORKING_STATUSES
    from yufang.training.models import TrainingSession

    if actor.has_role(Role.AGENCY_STAFF):
        return None
    allowed: set[int] = set()
    if actor.has_role(Role.ENTERPRISE_CONTACT) and actor.organisation_id:
        allowed.add(actor.organisation_id)
    if actor.has_role(Role.PROVIDER_STAFF) and actor.organisation_id:
        allowed.update(
            TrainingSession.enterprises.through.objects.filter(
                trainingsession__project__provider_id=actor.organisation_id,
                trainingsession__project__plan=plan,
                trainingsession__project__status__in=WORKING_STATUSES,
            ).values_list("organisation_id", flat=True)
        )
    return allowed


def enrolment_apply_start(*, actor, check_job: Job) -> Job:
    """Starts applying a checked enrolment list the actor checked (once)."""
    allowed, reason = can_enrol(actor)
    if not allowed:
        raise PermissionDenied(reason)
    if check_job.kind != CHECK_JOB or check_job.created_by_id != actor.pk:
        raise Http404
    if check_job.result.get("applied"):
        raise ValidationError("该名单已导入过。")
    pending = Job.objects.filter(
        kind=APPLY_JOB, params__check_job_id=check_job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    )
    if pending.exists():
        raise ValidationError("该名单正在导入，请在任务页查看进度。")
    plan = Plan.objects.get(pk=check_job.result["plan_id"])
    return job_start(
        kind=APPLY_JOB,
        title=f"导入线上培训报名名单（{plan.year}年）",
        actor=actor,
        params={"check_job_id": check_job.pk, "plan_id": plan.pk},
    )


def _usernames(count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        wanted = {f"xy{secrets.randbelow(10**8):08d}" for _ in range(count - len(names))}
        wanted -= set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        names |= wanted
    return list(names)[:count]


@register(APPLY_JOB)
def enrolment_apply_job(job, progress):
    from yufang.people.roster import check_progress, roster_check

    from .selectors import enrolment_target

    check_job = Job.objects.get(pk=job.params["check_job_id"], kind=CHECK_JOB)
    plan = Plan.objects.get(pk=job.params["plan_id"])
    actor = User.objects.get(pk=job.created_by_id)
    if not can_enrol(actor)[0]:
        raise JobFailed(can_enrol(actor)[1])
    target = enrolment_target(plan, check_job.params.get("enterprise_id"))
    progress.total(0, "正在按最新数据再校验")
    with check_job.file.open("rb") as f:
        checked = roster_check(f, check_job.file.name, target, progress=check_progress(progress))
    try:
        counts, sheet = enrolment_apply(actor=actor, check_job=check_job, plan=plan, checked=checked, progress=progress)
    except ValidationError as e:
        raise JobFailed("；".join(e.messages)) from None
    if sheet:
        credential_sheet_save(job, sheet)
    job.result_url = reverse("learning:enrolment_result", args=[job.pk])
    job.save(update_fields=["result_url"])
    progress.step(job.total, f"已报名 {counts['enrolled']} 人，新开通账号 {counts['accounts']} 个", force=True)
    return counts


@transaction.atomic
def enrolment_apply(*, actor, check_job: Job, plan: Plan, checked, progress) -> tuple[dict, list[list]]:
    """Writes the checked rows the actor may enrol: new people, one account for each person
    without one, one enrolment per person and year. Returns (counts and refused rows for the
    job result, the credential sheet's rows)."""
    from yufang.people.roster import drop_stage, rows_to_people, write_people

    from .selectors import enrolment_target
    from .services import study_rule_for

    locked = Job.objects.select_for_update().get(pk=check_job.pk)
    if locked.result.get("applied"):
        raise ValidationError("该名单已导入过。")
    sheet: list[list] = []
    refusals = _Refusals(checked=checked, sheet=sheet)
    enterprise_of = _keep_enrolable(checked, enrolable_enterprises(actor, plan), refusals)

    target = enrolment_target(plan, check_job.params.get("enterprise_id"))
    write_people(checked, target)
    drop_stage(checked)
    rows = rows_to_people(checked)
    progress.total(len(rows), "正在开通账号并报名")
    progress.step(0, force=True)
    ids = list(rows.values())
    people = _people_locked(ids)
    enterprises = Organisation.objects.in_bulk(set(enterprise_of.values()))
    already = set(Enrolment.objects.filter(plan=plan, person_id__in=ids).values_list("person_id", flat=True))
    without = [(row, people[pid]) for row, pid in rows.items() if people[pid].user_id is None]
    users, credentials = _accounts_open(actor, without, organisation_of=lambda row: enterprises[enterprise_of[row]])

    study_rule_for(plan=plan)
    provider = actor.organisation if actor.has_role(Role.PROVIDER_STAFF) else None
    new_enrolments = []
    for done, (row, person_id) in enumerate(rows.items(), start=1):
        person = people[person_id]
        if person_id not in already:
            new_enrolments.append(
                Enrolment(
                    person=person,  # the objects, not ids: the audit's description reads them
                    plan=plan,
                    enterprise=enterprises[enterprise_of[row]],
                    provider=provider,
                    channel=Channel.ROSTER,
                )
            )
        sheet.append(_sheet_row(row, person, credentials.get(row), already=person_id in already))
        progress.step(done)
    Enrolment.objects.bulk_create(new_enrolments, batch_size=2000)
    audit.record_created_many(actor=actor, instances=new_enrolments)
    counts = {
        "rows": checked.total,
        "enrolled": len(new_enrolments),
        "already": len(already) + checked.already,
        "accounts": len(users),
        "existing_accounts": len(rows) - len(users),
        "refused_count": refusals.count,
        "errors": checked.error_count,
    }
    _mark_applied(actor, locked, plan=plan, filename=check_job.params.get("filename", ""), counts=counts)
    sheet.sort(key=lambda r: r[0])
    return {**counts, "plan_id": plan.pk, "refused": refusals.kept}, sheet


def _mark_applied(actor, locked: Job, *, plan: Plan, filename: str, counts: dict) -> None:
    """Marks the checking job applied, so the same list is not imported twice, and audits the import."""
    locked.result = {**locked.result, "applied": True, "applied_counts": counts}
    locked.save(update_fields=["result"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=plan,
        event="enrolment_import",
        extra={"file": filename[:200], **counts},
    )


@dataclass
class _Refusals:
    """The rows refused with their reasons: every one on the credential sheet and counted, the
    first REFUSED_KEEP kept for the job result."""

    checked: Any
    sheet: list[list]
    kept: list[dict] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, name: str, id_masked: str, reason: str) -> None:
        self.count += 1
        self.checked.refused.append(row)
        self.sheet.append([row, name, id_masked, "", "", f"未报名：{reason}"])
        if len(self.kept) < REFUSED_KEEP:
            self.kept.append({"row": row, "name": name, "id": id_masked, "reason": reason})


def _keep_enrolable(checked, allowed: set[int] | None, refusals: _Refusals) -> dict[int, int]:
    """Drops from `checked` the rows the actor may not enrol (`allowed` None: anyone) and returns
    each kept row's enterprise. A known person's enterprise is the one on file, not the row's."""
    known_ids = [k.person_id for k in checked.known]
    on_file = {}
    for start in range(0, len(known_ids), 5000):
        on_file.update(
            (pk, (ent, name, number))
            for pk, ent, name, number in Person.objects.filter(pk__in=known_ids[start : start + 5000]).values_list(
                "pk", "enterprise_id", "name", "id_number"
            )
        )
    enterprise_of: dict[int, int] = {}
    if allowed is not None:
        kept_new = []
        for r in checked.new:
            if r.enterprise_id in allowed:
                kept_new.append(r)
            else:
                refusals.add(
                    r.row, r.name, mask_id_number(r.id_number), "所在单位不是本单位或本机构项目服务的企业，无权为其报名"
                )
        checked.new = kept_new
    for r in checked.new:
        enterprise_of[r.row] = r.enterprise_id
    kept_known = []
    for known in checked.known:
        row = known.row
        enterprise_id, name, number = on_file[known.person_id]
        if enterprise_id is None and allowed is not None:
            refusals.add(row, name, mask_id_number(number), "平台登记的该人员没有工作单位，须由经办机构为其报名")
        elif allowed is not None and enterprise_id not in allowed:
            refusals.add(
                row, name, mask_id_number(number), "平台登记的该人员不属于本单位或本机构项目服务的企业，无权为其报名"
            )
        else:
            kept_known.append(known)
            enterprise_of[row] = enterprise_id or known.enterprise_id
    checked.known = kept_known
    return enterprise_of


def _people_locked(ids: list[int]) -> dict[int, Person]:
    """The rows' people, locked, with what the accounts and the sheet read."""
    people = {}
    for start in range(0, len(ids), 5000):
        people.update(
            (p.pk, p)
            for p in Person.objects.select_for_update()
            .filter(pk__in=ids[start : start + 5000])
            .only("pk", "name", "phone", "id_number", "user_id")
        )
    return people


def _accounts_open(actor, without: list[tuple[int, Person]], *, organisation_of) -> tuple[list[User], dict]:
    """New trainee accounts, in bulk, for the people without one, bound to them. Returns the
    users and each row's (username, one-time password); the passwords stay in memory until the
    sheet is written."""
    usernames = _usernames(len(without))
    users, credentials = [], {}
    for (row, person), username in zip(without, usernames, strict=True):
        user = User(
            username=username,
            organisation=organisation_of(row),
            display_name=person.name,
            phone=person.phone,
        )
        password = generate_password()
        set_issued_password(user, password)
        users.append(user)
        credentials[row] = (username, password)
    User.objects.bulk_create(users, batch_size=1000)
    UserRole.objects.bulk_create([UserRole(user=u, role=Role.TRAINEE) for u in users], batch_size=2000)
    audit.record_created_many(actor=actor, instances=users, event="trainee_account")
    for (_, person), user in zip(without, users, strict=True):
        person.user = user
    Person.objects.bulk_update([p for _, p in without], ["user"], batch_size=1000)
    _audit_bound(actor, [(p, u) for (_, p), u in zip(without, users, strict=True)])
    return users, credentials


def _sheet_row(row: int, person: Person, credential: tuple[str, str] | None, *, already: bool) -> list:
    """The credential sheet's line for an enrolled (or already enrolled) row."""
    id_masked = mask_id_number(person.id_number)
    note = "已报名，未重复报名" if already else ""
    if credential is not None:
        return [row, person.name, id_masked, *credential, note or "新开通账号"]
    return [row, person.name, id_masked, "", "", "；".join(filter(None, [EXISTING_ACCOUNT, note]))]


def _audit_bound(actor, pairs: list[tuple[Person, User]]) -> None:
    """One UPDATE record per person bound to their new account, in one statement."""
    from django.contrib.contenttypes.models import ContentType

    from yufang.core.audit import AuditLog, _actor_repr, client_ip

    if not pairs:
        return
    content_type = ContentType.objects.get_for_model(Person)
    who, ip = _actor_repr(actor), client_ip.get()
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor_id=actor.pk,
                actor_repr=who,
                action=AuditAction.UPDATE,
                event="account_bound",
                content_type=content_type,
                object_id=str(person.pk),
                object_repr=str(person)[:300],
                changes={"user": [None, user.pk]},
                client_ip=ip,
            )
            for person, user in pairs
        ],
        batch_size=2000,
    )


SHEET_HEADER = ["原行号", "姓名", "身份证号", "用户名", "初始密码", "说明"]


def credential_sheet_save(job: Job, rows: list[list]) -> None:
    """The credential sheet, written as a stream into the job's private output, every cell as
    text; it expires CREDENTIAL_HOURS after it was made."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学员账号")
    ws.append(["初始密码仅此一份：请尽快逐一告知学员，学员首次登录须修改密码。本文件下载一次后即删除。"])
    ws.append(SHEET_HEADER)
    for values in rows:
        cells = []
        for value in values:
            cell = WriteOnlyCell(ws, value=str(value))
            cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
    with tempfile.TemporaryFile() as out:
        wb.save(out)
        out.seek(0)
        job.output.save(f"credentials_{job.pk}_{secrets.token_hex(16)}.xlsx", File(out), save=False)
    job.output_expires_at = timezone.now() + datetime.timedelta(hours=CREDENTIAL_HOURS)
    job.save(update_fields=["output", "output_expires_at"])


def credential_sheet_take(*, user, job: Job) -> bytes:
    """The sheet's content for its job's starter, once: the file is deleted as it is handed
    over. 404 for anyone else, after the download, or after expiry."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().filter(pk=job.pk, kind=APPLY_JOB, created_by=user).first()
        if locked is None or not locked.output:
            raise Http404("账号文件不存在或已下载。")
        expired = locked.output_expires_at is None or locked.output_expires_at <= timezone.now()
        content = b""
        if not expired:
            with locked.output.open("rb") as f:
                content = f.read()
        job_output_delete(locked)
        audit.record(
            actor=user,
            action=AuditAction.UPDATE,
            instance=locked,
            event="credential_sheet_expired" if expired else "credential_sheet_downloaded",
        )
    if expired:
        raise Http404("账号文件已过期并删除：请由经办机构为学员重置密码。")
    return content
