"""/api/v1/training/: sessions, rosters, attendance and flags, with the same scoping as the pages;
roster import and signing in/out are API actions too."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from yufang.core.api import PageNumberPagination, scoped_object
from yufang.core.context import client_ip
from yufang.core.jobs import job_start
from yufang.core.models import Job

from . import permissions as may
from . import services
from .models import Attendance, Flag, RosterEntry, TrainingSession
from .selectors import attendance_list, flag_evidence, flag_list, session_list

router = Router(tags=["线下培训"])


class SessionOut(Schema):
    id: int
    project_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    industry_id: int
    topic: str
    region_id: int
    venue: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    class_hours: Decimal
    instructors: str
    capacity: int
    status: str
    completed_count: int


class RosterEntryOut(Schema):
    id: int
    session_id: int
    person_id: int
    name: str = Field(alias="person.name")
    id_masked: str = Field(alias="person.id_masked")
    row_number: int | None


class AttendanceOut(Schema):
    id: int
    session_id: int
    person_id: int
    name: str = Field(alias="person.name")
    id_masked: str = Field(alias="person.id_masked")
    signed_in_at: datetime.datetime
    in_method: str
    signed_out_at: datetime.datetime | None
    out_method: str
    minutes: int
    completed: bool
    manual_reason: str


class FlagOut(Schema):
    id: int
    source: str
    session_id: int | None
    project_id: int
    region_id: int | None
    subject: str = Field(alias="subject_label")
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    summary: str
    evidence: list
    status: str
    review_note: str

    @staticmethod
    def resolve_evidence(obj, context) -> list:
        # Rows about another organisation's records are hidden as on the flag's page.
        return flag_evidence(user=context["request"].auth, evidence=obj.evidence)


class JobOut(Schema):
    id: int
    kind: str
    status: str
    done: int
    total: int
    message: str
    report: dict

    @staticmethod
    def resolve_report(obj) -> dict:
        # The check's figures and problems (ID numbers masked); never the per-row error texts.
        return {k: v for k, v in obj.result.items() if k != "error_rows"}


class SignIn(Schema):
    direction: str = "in"
    token: str = ""
    session_id: int | None = None
    code: str = ""
    name: str = ""
    id_number: str = ""


@router.get("/sessions", response=list[SessionOut], summary="场次列表")
@paginate(PageNumberPagination, page_size=100)
def sessions(request, kind: str = "", status: str = ""):
    return session_list(user=request.auth, kind=kind, status=status)


@router.get("/sessions/{int:pk}", response=SessionOut, summary="场次")
def session(request, pk: int):
    return scoped_object(request, TrainingSession, pk=pk)


@router.get("/sessions/{int:pk}/attendance", response=list[AttendanceOut], summary="场次签到记录（身份证号脱敏）")
def session_attendance(request, pk: int):
    obj = scoped_object(request, TrainingSession, pk=pk)
    return attendance_list(user=request.auth, session=obj)


@router.get("/sessions/{int:pk}/flags", response=list[FlagOut], summary="场次异常线索")
def session_flags(request, pk: int):
    obj = scoped_object(request, TrainingSession, pk=pk)
    return flag_list(user=request.auth, session=obj)


@router.post(
    "/sessions/{int:pk}/roster", response={202: JobOut}, summary="上传花名册：逐行校验（不写入），返回校验任务"
)
def roster_upload(request, pk: int, file: File[UploadedFile]):
    obj = scoped_object(request, TrainingSession, pk=pk)
    allowed, reason = may.can_manage_session(request.auth, obj)
    if not allowed:
        raise PermissionDenied(reason)
    if not file.name.lower().endswith((".xlsx", ".xls", ".csv", ".xlsm")):
        raise ValidationError("请上传 .xlsx、.xls 或 .csv 文件。")
    job = job_start(
        kind="training.roster_check",
        title=f"校验花名册：{obj}",
        actor=request.auth,
        params={"session_id": obj.pk, "filename": file.name[:200]},
        file=file,
    )
    return 202, Job.objects.get(pk=job.pk)


def _own_job(request, job_id: int, kind: str) -> Job:
    return get_object_or_404(Job, pk=job_id, kind=kind, created_by=request.auth)


@router.get("/roster-checks/{int:job_id}", response=JobOut, summary="花名册校验任务与报告")
def roster_check(request, job_id: int):
    return _own_job(request, job_id, "training.roster_check")


@router.post("/roster-checks/{int:job_id}/confirm", response={202: JobOut}, summary="确认导入有效行（一个事务）")
def roster_confirm(request, job_id: int):
    job = _own_job(request, job_id, "training.roster_check")
    if job.status != "succeeded":
        raise ValidationError("校验尚未完成。")
    obj = scoped_object(request, TrainingSession, pk=job.result["session_id"])
    allowed, reason = may.can_manage_session(request.auth, obj)
    if not allowed:
        raise PermissionDenied(reason)
    if job.result.get("applied"):
        raise ValidationError("该文件已导入过。")
    apply_job = job_start(
        kind="training.roster_apply", title=f"导入花名册：{obj}", actor=request.auth, params={"check_job_id": job.pk}
    )
    return 202, Job.objects.get(pk=apply_job.pk)


@router.post("/sign", response=AttendanceOut, summary="签到或签退（扫码得到的 token，或场次编号加签到码）")
def sign(request, payload: SignIn):
    if payload.direction not in ("in", "out"):
        raise ValidationError({"direction": "只能是 in（签到）或 out（签退）。"})
    from .codes import parse_token

    parsed = parse_token(payload.token) if payload.token else None
    session_id = parsed.session_id if parsed else payload.session_id
    obj = TrainingSession.objects.select_related("project__plan").filter(pk=session_id).first()
    if obj is None:
        raise ValidationError("二维码或场次编号无效。")
    attendance = services.attendance_sign_with_code(
        session=obj,
        direction=payload.direction,
        token=payload.token,
        text_code=payload.code,
        user=request.auth,
        name=payload.name,
        id_number=payload.id_number,
        device=request.headers.get("X-Device-Id", "")[:64],
        ip=client_ip.get(),
    )
    return attendance


@router.get("/roster-entries/{int:pk}", response=RosterEntryOut, summary="花名册人员（脱敏）")
def roster_entry(request, pk: int):
    return scoped_object(request, RosterEntry.objects.select_related("person"), pk=pk)


@router.get("/attendances/{int:pk}", response=AttendanceOut, summary="签到记录（脱敏）")
def attendance(request, pk: int):
    return scoped_object(request, Attendance.objects.select_related("person"), pk=pk)


@router.get("/flags", response=list[FlagOut], summary="异常线索")
@paginate(PageNumberPagination, page_size=100)
def flags(request, status: str = "", kind: str = ""):
    return flag_list(user=request.auth, status=status, kind=kind)


@router.get("/flags/{int:pk}", response=FlagOut, summary="异常线索详情（含证据）")
def flag(request, pk: int):
    return scoped_object(request, Flag, pk=pk)
