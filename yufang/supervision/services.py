"""Writes of supervision: checklists (versioned), inspections and what is recorded on site,
findings with their rectification, the consequences they propose (a deduction, a debarment entry,
each through its own existing service), and call-back spot checks. Every lifecycle moves through
its transition table (core.workflow); every write is audited in its transaction."""

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.dates import today
from yufang.core.files import sha256_of, sniff
from yufang.core.masking import mask_id_number
from yufang.core.models import AuditAction
from yufang.core.permissions import require
from yufang.core.services import model_create
from yufang.core.upload_limits import max_mb
from yufang.core.workflow import Transition, Workflow
from yufang.people.idnumbers import id_hash, normalise
from yufang.projects.models import DeductionSource, Project
from yufang.projects.services import deduction_create
from yufang.providers.models import DebarmentGround
from yufang.providers.services import debarment_create
from yufang.targets.models import Completion
from yufang.training.flags import raise_record_flag
from yufang.training.models import Attendance, FlagKind, FlagSource, RosterEntry, TrainingSession

from . import permissions as may
from .models import (
    Answer,
    Callback,
    CallbackEntry,
    CallOutcome,
    Checklist,
    ChecklistItem,
    Finding,
    FindingKind,
    FindingStatus,
    Inspection,
    InspectionStatus,
    Photo,
    Result,
    RosterCheck,
    SubjectKind,
)
from .selectors import callback_population, callback_redraw, checklist_current, signed_in_count

# --- Checklists -------------------------------------------------------------------------------


@transaction.atomic
def checklist_revise(*, subject_kind: str, items: list[tuple[str, bool]], note: str, actor: User) -> Checklist:
    """A new version of a kind's checklist: past inspections keep the version they were made with."""
    require(may.can_edit_checklists(actor))
    if subject_kind not in SubjectKind.values:
        raise ValidationError({"subject_kind": "未知的检查对象。"})
    items = [(text.strip()[:300], bool(photo)) for text, photo in items if text.strip()]
    if not items:
        raise ValidationError({"items": "检查清单至少要有一项。"})
    latest = Checklist.objects.select_for_update().filter(subject_kind=subject_kind).order_by("-version").first()
    checklist = Checklist.objects.create(
        subject_kind=subject_kind, version=(latest.version + 1) if latest else 1, note=note.strip()[:200]
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(checklist=checklist, sort_order=i, text=text, photo_required=photo)
            for i, (text, photo) in enumerate(items, start=1)
        ]
    )
    audit.record_create(actor=actor, instance=checklist)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=checklist,
        event="items",
        changes={"items": [None, [f"{t}{'（须拍照）' if p else ''}" for t, p in items]]},
    )
    return checklist


# --- Inspections ------------------------------------------------------------------------------


@transaction.atomic
def inspection_create(*, data: dict[str, Any], actor: User) -> Inspection:
    """Plans an inspection of a project, one of its sessions, its archives or its publicity, in
    a district: the agency anywhere, a district bureau in its own district only."""
    kind = data.get("subject_kind")
    project: Project | None = data.get("project")
    session: TrainingSession | None = data.get("session") if kind == SubjectKind.SESSION else None
    if kind not in SubjectKind.values:
        raise ValidationError({"subject_kind": "请选择检查对象。"})
    if kind == SubjectKind.SESSION:
        if session is None:
            raise ValidationError({"session": "请选择要检查的培训场次。"})
        project = session.project
        region = session.region
    else:
        if project is None:
            raise ValidationError({"project": "请选择要检查的项目。"})
        region = data.get("region")
        if region is None:
            raise ValidationError({"region": "请选择区县。"})
        if not project.regions.filter(pk=region.pk).exists():
            raise ValidationError({"region": f"项目「{project.name}」不在{region.name}实施。"})
    require(may.can_inspect_in(actor, region.pk))
    if not (data.get("inspectors") or "").strip():
        raise ValidationError({"inspectors": "请填写检查人员。"})
    if data.get("planned_on") is None:
        raise ValidationError({"planned_on": "请填写检查日期。"})
    return model_create(
        model=Inspection,
        data={
            "organiser": actor.organisation,
            "region": region,
            "project": project,
            "session": session,
            "subject_kind": kind,
            "mode": data.get("mode"),
            "planned_on": data["planned_on"],
            "inspectors": data["inspectors"].strip(),
            "checklist": checklist_current(kind),
        },
        actor=actor,
    )


def _finish(*, obj: Inspection, note: str, **_) -> None:
    """Every item answered; a photo for each item that needs one (unless not applicable)."""
    answers = {a.item_id: a for a in obj.answers.all()}
    photographed = set(obj.photos.exclude(item=None).values_list("item_id", flat=True))
    missing, no_photo = [], []
    for item in obj.checklist.items.all():
        answer = answers.get(item.pk)
        if answer is None:
            missing.append(item.text)
        elif item.photo_required and answer.verdict != Result.NOT_APPLICABLE and item.pk not in photographed:
            no_photo.append(item.text)
    if missing:
        raise ValidationError("尚有检查事项未填写结果：" + "；".join(missing))
    if no_photo:
        raise ValidationError("以下事项须拍照：" + "；".join(no_photo))
    obj.conclusion = note
    obj.done_at = timezone.now()


IS = InspectionStatus

INSPECTION_WORKFLOW = Workflow(
    model=Inspection,
    transitions=[
        Transition(IS.PLANNED, "start", IS.ON_SITE, "开始检查", may.conducts),
        Transition(
            IS.PLANNED,
            "cancel",
            IS.CANCELLED,
            "取消检查",
            may.conducts,
            style="outline-secondary",
            needs_note=True,
        ),
        Transition(
            IS.ON_SITE,
            "finish",
            IS.DONE,
            "完成检查",
            may.conducts,
            effect=_finish,
            needs_note=True,
            confirm="完成后检查结果不能再修改；发现的问题仍可补充记录。",
        ),
    ],
)


def inspection_transition(*, inspection: Inspection, action: str, actor: User, note: str = "") -> Inspection:
    return INSPECTION_WORKFLOW.perform(obj=inspection, action=action, actor=actor, note=note)


def _locked(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",)).select_related("organiser", "session").get(pk=inspection.pk)
    )


@transaction.atomic
def inspection_answer(*, inspection: Inspection, answers: dict[int, tuple[str, str]], actor: User) -> list[Answer]:
    """The inspector's results for checklist items of the inspection's own version."""
    inspection = _locked(inspection)
    require(may.can_record_on_site(actor, inspection))
    items = {i.pk: i for i in inspection.checklist.items.all()}
    saved = []
    for item_id, (result, note) in answers.items():
        if item_id not in items:
            raise ValidationError("检查事项不属于本次检查使用的清单版本。")
        if result not in Result.values:
            raise ValidationError(f"「{items[item_id].text}」的结果无效。")
        answer, created = Answer.objects.get_or_create(
            inspection=inspection, item_id=item_id, defaults={"verdict": result, "note": note[:300]}
        )
        if created:
            audit.record_create(actor=actor, instance=answer)
        elif (answer.verdict, answer.note) != (result, note[:300]):
            before = audit.snapshot(answer)
            answer.verdict, answer.note = result, note[:300]
            answer.save(update_fields=["verdict", "note"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=answer,
                changes=audit.diff(before, audit.snapshot(answer)),
            )
        saved.append(answer)
    return saved


def _coordinate(value, low: int, high: int, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError:
        raise ValidationError(f"{label}无效。") from None
    if not low <= number <= high:
        raise ValidationError(f"{label}超出范围。")
    return number


@transaction.atomic
def photo_add(
    *,
    inspection: Inspection,
    file,
    actor: User,
    caption: str = "",
    item: ChecklistItem | None = None,
    latitude=None,
    longitude=None,
) -> Photo:
    """A photo taken on site: an image by its content (core.files), stamped with the server's
    time and, when the phone gave it, its place."""
    inspection = _locked(inspection)
    require(may.can_record_on_site(actor, inspection))
    if file is None or not getattr(file, "size", 0):
        raise ValidationError({"file": "请选择照片。"})
    kind, extension = sniff(file)
    if kind != "image":
        raise ValidationError({"file": f"「{file.name}」的内容不是 JPG/PNG 图片（按文件内容识别，修改扩展名无效）。"})
    file.name = f"photo{extension}"  # stored and served as what it is, whatever it was called
    limit = max_mb("image")
    if file.size > limit * 1024 * 1024:
        raise ValidationError({"file": f"照片超过大小上限 {limit} MB。"})
    if item is not None and item.checklist_id != inspection.checklist_id:
        raise ValidationError({"item": "检查事项不属于本次检查使用的清单版本。"})
    return model_create(
        model=Photo,
        data={
            "inspection": inspection,
            "item": item,
            "file": file,
            "caption": caption.strip()[:200],
            "taken_at": timezone.now(),
            "latitude": _coordinate(latitude, -90, 90, "纬度"),
            "longitude": _coordinate(longitude, -180, 180, "经度"),
            "sha256": sha256_of(file),
        },
        actor=actor,
    )


@transaction.atomic
def head_count_record(*, inspection: Inspection, head_count: int, actor: User) -> Inspection:
    """The head count the inspector made in the room, beside the platform's signed-in number at
    that moment (both kept)."""
    inspection = _locked(inspection)
    require(may.can_record_on_site(actor, inspection))
    if inspection.session_id is None:
        raise ValidationError("只有培训场次检查需要清点现场人数。")
    if head_count is None or head_count < 0:
        raise ValidationError({"head_count": "请填写不小于零的人数。"})
    before = audit.snapshot(inspection)
    inspection.head_count = head_count
    inspection.signed_in_at_count = signed_in_count(inspection.session)
    inspection.counted_at = timezone.now()
    inspection.save(update_fields=["head_count", "signed_in_at_count", "counted_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=inspection,
        event="head_count",
        changes=audit.diff(before, audit.snapshot(inspection)),
    )
    return inspection


@transaction.atomic
def roster_check(*, inspection: Inspection, query: str, actor: User) -> RosterCheck:
    """Checks one person in the room against the session's roster, by ID number (matched by its
    keyed hash, kept only masked) or by name. The answer is at once: on the roster or not."""
    inspection = _locked(inspection)
    require(may.can_record_on_site(actor, inspection))
    if inspection.session_id is None:
        raise ValidationError("只有培训场次检查可以核对花名册。")
    text = normalise(query)
    if not text:
        raise ValidationError({"query": "请输入身份证号或姓名。"})
    roster = RosterEntry.objects.filter(session=inspection.session).select_related("person")
    by_id = len(text) == 18 and text[:17].isdigit()
    if by_id:
        entry = roster.filter(person__id_hash=id_hash(text)).first()
        shown = mask_id_number(text)
    else:
        entry = roster.filter(person__name=text).first()
        shown = text[:50]
    person = entry.person if entry else None
    check = RosterCheck.objects.create(
        inspection=inspection,
        query_masked=shown,
        by_id_number=by_id,
        matched=entry is not None,
        person=person,
        signed_in=bool(person and Attendance.objects.filter(session=inspection.session, person=person).exists()),
    )
    audit.record_create(actor=actor, instance=check)
    return check


# --- Findings and rectification -----------------------------------------------------------------


@transaction.atomic
def finding_create(*, inspection: Inspection, data: dict[str, Any], actor: User) -> Finding:
    inspection = _locked(inspection)
    require(may.can_add_finding(actor, inspection))
    if data.get("kind") not in FindingKind.values:
        raise ValidationError({"kind": "请选择问题类型。"})
    if not (data.get("description") or "").strip():
        raise ValidationError({"description": "请描述发现的问题。"})
    return model_create(
        model=Finding,
        data={
            "inspection": inspection,
            "kind": data["kind"],
            "severity": data.get("severity"),
            "description": data["description"].strip(),
        },
        actor=actor,
    )


def _request(*, obj: Finding, note: str, deadline: datetime.date | None = None, **_) -> None:
    if deadline is None:
        raise ValidationError({"deadline": "请填写整改期限。"})
    if deadline < today():
        raise ValidationError({"deadline": "整改期限不能早于今天。"})
    obj.deadline = deadline
    obj.requirement = note


def _answer(*, obj: Finding, note: str, file=None, **_) -> None:
    if file is not None and getattr(file, "size", 0):
        kind, extension = sniff(file)
        if kind not in ("image", "pdf"):
            raise ValidationError({"file": f"「{file.name}」的内容不是 JPG/PNG 图片或 PDF（按文件内容识别）。"})
        file.name = f"rectification{extension}"
        if file.size > max_mb("document") * 1024 * 1024:
            raise ValidationError({"file": f"整改佐证超过大小上限 {max_mb('document')} MB。"})
        obj.answer_file = file
    elif not obj.answer_file:
        raise ValidationError({"file": "请上传整改佐证（照片或 PDF）。"})
    obj.answer = note
    obj.answered_on = today()


def _verify(*, obj: Finding, note: str, **_) -> None:
    obj.review_note = note
    obj.closed_on = today()
    obj.on_time = obj.answered_on is not None and obj.deadline is not None and obj.answered_on <= obj.deadline


def _reopen(*, obj: Finding, note: str, deadline: datetime.date | None = None, **_) -> None:
    obj.review_note = note
    if deadline is not None:
        if deadline < today():
            raise ValidationError({"deadline": "整改期限不能早于今天。"})
        obj.deadline = deadline


def _close(*, obj: Finding, note: str, **_) -> None:
    obj.review_note = note
    obj.closed_on = today()


F = FindingStatus

FINDING_WORKFLOW = Workflow(
    model=Finding,
    transitions=[
        Transition(
            F.OPEN,
            "request",
            F.RECTIFYING,
            "下达整改通知",
            may.finding_inspector,
            effect=_request,
            needs_note=True,
        ),
        Transition(
            F.OPEN,
            "close",
            F.CLOSED,
            "无需整改，销号",
            may.finding_inspector,
            effect=_close,
            style="outline-secondary",
            needs_note=True,
        ),
        Transition(
            F.RECTIFYING, "answer", F.ANSWERED, "提交整改情况", may.finding_provider, effect=_answer, needs_note=True
        ),
        Transition(
            F.ANSWERED, "verify", F.CLOSED, "复核通过，销号", may.finding_inspector, effect=_verify, needs_note=True
        ),
        Transition(
            F.ANSWERED,
            "reopen",
            F.RECTIFYING,
            "复核不通过，重新整改",
            may.finding_inspector,
            effect=_reopen,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def finding_transition(*, finding: Finding, action: str, actor: User, note: str = "", **params: Any) -> Finding:
    return FINDING_WORKFLOW.perform(obj=finding, action=action, actor=actor, note=note, **params)


@transaction.atomic
def finding_propose(*, finding: Finding, clause: str, amount: Decimal, actor: User) -> Finding:
    """The inspecting side proposes a deduction under a clause of the agreement."""
    finding = Finding.objects.select_for_update(of=("self",)).select_related("inspection__organiser").get(pk=finding.pk)
    require(may.can_propose_consequence(actor, finding))
    if not (clause or "").strip():
        raise ValidationError({"clause": "请写明依据的协议条款。"})
    if amount is None or amount <= 0 or amount.as_tuple().exponent < -2:
        raise ValidationError({"amount": "建议扣减金额须大于零，最多两位小数。"})
    before = audit.snapshot(finding)
    finding.clause, finding.proposed_amount = clause.strip()[:200], amount
    finding.save(update_fields=["clause", "proposed_amount", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=finding,
        event="propose_deduction",
        changes=audit.diff(before, audit.snapshot(finding)),
    )
    return finding


@transaction.atomic
def finding_deduction_enter(*, finding: Finding, actor: User):
    """The agency takes the proposal into the project's existing deduction workflow, with the
    finding as its basis (the provider may object there as to any deduction)."""
    finding = Finding.objects.select_for_update(of=("self",)).select_related("inspection__project").get(pk=finding.pk)
    require(may.can_enter_deduction(actor, finding))
    source = DeductionSource.FALSIFICATION if finding.kind == FindingKind.FRAUD else DeductionSource.INSPECTION
    deduction = deduction_create(
        project=finding.inspection.project,
        data={
            "amount": finding.proposed_amount,
            "source": source,
            "reason": f"监督检查发现问题（{finding.inspection}）：{finding.description}\n依据协议条款：{finding.clause}",
        },
        actor=actor,
    )
    before = audit.snapshot(finding)
    finding.deduction = deduction
    finding.save(update_fields=["deduction", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=finding,
        event="deduction",
        changes=audit.diff(before, audit.snapshot(finding)),
    )
    return deduction


@transaction.atomic
def finding_debarment_enter(
    *, finding: Finding, decision_number: str, decided_by: str, start_date: datetime.date, actor: User
):
    """A finding of fraud: the owner enters the provider in the debarment register through its
    own service, with the finding as the entry's source."""
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("inspection__project__provider")
        .get(pk=finding.pk)
    )
    require(may.can_enter_debarment(actor, finding))
    debarment = debarment_create(
        provider=finding.inspection.project.provider,
        ground=DebarmentGround.BREACH_OF_AGREEMENT,
        decision_number=decision_number,
        decided_by=decided_by,
        start_date=start_date,
        facts=f"监督检查发现弄虚作假：{finding.description}",
        actor=actor,
        source=finding,
    )
    before = audit.snapshot(finding)
    finding.debarment = debarment
    finding.save(update_fields=["debarment", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=finding,
        event="debarment",
        changes=audit.diff(before, audit.snapshot(finding)),
    )
    return debarment


# --- Call-back spot checks ------------------------------------------------------------------------


@transaction.atomic
def callback_draw(
    *, project: Project, size: int, actor: User, session: TrainingSession | None = None, seed: int | None = None
) -> Callback:
    region = session.region if session is not None else None
    if session is not None and session.project_id != project.pk:
        raise ValidationError({"session": "场次不属于该项目。"})
    if region is not None:
        require(may.can_inspect_in(actor, region.pk))
    elif not actor.is_agency:
        # A district draws from a project only among its own district's trainees' sessions.
        raise ValidationError({"session": "区县人社局请选择本区县的培训场次抽取。"})
    if size is None or size < 1:
        raise ValidationError({"size": "抽取人数须大于零。"})
    population = callback_population(project=project, session=session)
    if not population:
        raise ValidationError("该范围内没有培训完成记录，无法抽取。")
    seed = seed if seed is not None else secrets.randbelow(2**53)
    drawn = callback_redraw(population=population, size=size, seed=seed)
    callback = model_create(
        model=Callback,
        data={
            "project": project,
            "session": session,
            "organiser": actor.organisation,
            "region": region,
            "size": size,
            "seed": seed,
            "population": population,
            "drawn": drawn,
        },
        actor=actor,
    )
    people = dict(Completion.objects.filter(pk__in=drawn).values_list("pk", "person_id"))
    CallbackEntry.objects.bulk_create(
        [
            CallbackEntry(callback=callback, completion_id=c, person_id=people[c], position=i)
            for i, c in enumerate(drawn, start=1)
        ]
    )
    return callback


@transaction.atomic
def callback_record(*, entry: CallbackEntry, outcome: str, remembers: str, actor: User) -> CallbackEntry:
    """What the call found. "Did not attend" raises a flag on the shared list (异常线索), which the
    agency reviews; the call-back itself is then a basis for revoking that completion."""
    entry = (
        CallbackEntry.objects.select_for_update(of=("self",))
        .select_related("callback__project", "callback__session", "person", "completion")
        .get(pk=entry.pk)
    )
    require(may.can_call_back(actor, entry.callback))
    if outcome not in CallOutcome.values or outcome == CallOutcome.PENDING:
        raise ValidationError({"outcome": "请选择回访结果。"})
    before = audit.snapshot(entry)
    entry.outcome = outcome
    entry.remembers = remembers.strip()
    entry.called_at = timezone.now()
    entry.caller = actor
    if outcome == CallOutcome.ABSENT and entry.flag_id is None:
        callback = entry.callback
        entry.flag = raise_record_flag(
            source=FlagSource.SUPERVISION,
            project=callback.project,
            kind=FlagKind.CALLBACK_ABSENT,
            key=f"callback{entry.pk}",
            summary=f"{entry.person.name} 回访称未参加培训（{entry.completion.source_repr}）",
            evidence=[
                {
                    "人员": f"{entry.person.name}（{mask_id_number(entry.person.id_number)}）",
                    "培训记录": entry.completion.source_repr,
                    "回访时间": timezone.localtime(entry.called_at).strftime("%Y-%m-%d %H:%M"),
                    "本人所述": entry.remembers or "—",
                    "抽查": f"{callback}（种子 {callback.seed}）",
                }
            ],
            subject=str(callback),
            subject_url=callback.get_absolute_url(),
            region=callback.region or entry.completion.region,
            person=entry.person,
        )
    entry.save(update_fields=["outcome", "remembers", "called_at", "caller", "flag"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=entry,
        event="call",
        changes=audit.diff(before, audit.snapshot(entry)),
    )
    return entry
