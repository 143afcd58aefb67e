"""The staff's pages: learners and their evidence, the enrolment list and question bank imports,
suspicious patterns and the platform's figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core.export import XLSX, attachment
from yufang.core.jobs import job_start, succeeded_job_of
from yufang.core.listing import Column, list_response
from yufang.core.masking import mask_id_number
from yufang.core.models import Job
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404
from yufang.plans.models import Plan

from .. import services
from ..forms import (
    LearnerFilterForm,
    UploadForm,
)
from ..models import (
    Enrolment,
    StudyInterval,
)
from ..permissions import (
    can_enrol,
    can_manage_catalogue,
    can_view_learners,
    can_view_patterns,
    can_view_statistics,
    is_learner,
)
from ..selectors import (
    enrolment_list,
    hours_of,
    platform_figures,
    progress_of,
    suspicious_patterns,
)

# --- Staff --------------------------------------------------------------------------------


def _hours(ms: int, plan: Plan) -> str:
    return str(hours_of(ms, plan))


LEARNER_COLUMNS = [
    Column("姓名", lambda e: e.person.name, 10),
    Column("身份证号", lambda e: mask_id_number(e.person.id_number), 22),
    Column("年度", lambda e: e.plan.year, 8),
    Column("企业", lambda e: e.enterprise.name, 28),
    Column("区县", lambda e: e.enterprise.region.name if e.enterprise.region else "", 10),
    Column("行业", lambda e: e.person.industry.name if e.person.industry else "", 12),
    Column("岗位", lambda e: e.person.position.name if e.person.position else "", 16),
    Column("报名方式", lambda e: e.get_channel_display(), 10),
    Column("已完成课时", lambda e: e.lessons_done, 10),
    Column("计入学习时长（学时）", lambda e: _hours(e.credited_ms, e.plan), 14),
    Column("达标日期", lambda e: e.completed_on, 12),
]


@login_required
def learners(request: HttpRequest) -> HttpResponse:
    if not is_learner(request.user):  # a trainee sees their own row (scoping)
        _require(can_view_learners(request.user))
    form = LearnerFilterForm(request.GET)
    return list_response(
        request,
        queryset=enrolment_list(user=request.user, **form.values()),
        filter_form=form,
        template="learning/learner_list.html",
        export_columns=LEARNER_COLUMNS,
        export_name="线上学员",
        context={
            "can_enrol": can_enrol(request.user)[0],
            "can_patterns": can_view_patterns(request.user)[0],
            "can_stats": can_view_statistics(request.user)[0],
        },
    )


def _seconds(ms: int) -> int:
    return round(ms / 1000)


EVIDENCE_COLUMNS = [
    Column("服务器时间", lambda i: timezone.localtime(i.at).strftime("%Y-%m-%d %H:%M:%S"), 20),
    Column("课时", lambda i: i.lesson.title, 30),
    Column("心跳序号", lambda i: i.seq, 10),
    Column("间隔（秒）", lambda i: _seconds(i.wall_ms), 10),
    Column("起始位置（秒）", lambda i: _seconds(i.from_ms), 12),
    Column("报告位置（秒）", lambda i: _seconds(i.to_ms), 12),
    Column("倍速", lambda i: i.rate, 8),
    Column("计入（秒）", lambda i: _seconds(i.credited_ms), 10),
    Column("判定", lambda i: i.get_verdict_display(), 14),
]


@login_required
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner's record: progress, sessions and every study interval (the evidence), paged and
    exportable in full."""
    enrolment = get_scoped_or_404(
        request.user, Enrolment.objects.select_related("person", "plan", "enterprise", "provider"), pk=pk
    )
    return list_response(
        request,
        queryset=StudyInterval.objects.filter(enrolment=enrolment).select_related("lesson").order_by("-at", "-pk"),
        template="learning/enrolment_detail.html",
        export_columns=EVIDENCE_COLUMNS,
        export_name=f"{enrolment.person.name}学习时长凭证",
        page_size=50,
        context={
            "enrolment": enrolment,
            "progress": progress_of(enrolment),
            "sessions": enrolment.sessions.select_related("lesson").order_by("-started_at")[:50],
            "credited_hours": _hours(enrolment.credited_ms, enrolment.plan),
        },
    )


@login_required
def roster_upload(request: HttpRequest) -> HttpResponse:
    _require(can_enrol(request.user))
    plan = Plan.objects.filter(status="issued").order_by("-year").first()
    if plan is None:
        raise Http404("尚无已印发的实施方案。")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        organisation = request.user.organisation
        params = {"plan_id": plan.pk, "filename": form.cleaned_data["file"].name}
        if request.user.has_role("enterprise_contact"):
            params["enterprise_id"] = organisation.pk
        job = job_start(
            kind="learning.roster_check",
            title=f"校验线上培训报名名单（{plan.year}年）",
            actor=request.user,
            params=params,
            file=form.cleaned_data["file"],
        )
        return redirect("core:job", pk=job.pk)
    return render(request, "learning/upload.html", {"form": form, "kind": "roster", "plan": plan})


@login_required
def questions_upload(request: HttpRequest) -> HttpResponse:
    _require(can_manage_catalogue(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = job_start(
            kind="learning.questions_check",
            title="校验试题导入文件",
            actor=request.user,
            file=form.cleaned_data["file"],
        )
        return redirect("core:job", pk=job.pk)
    return render(request, "learning/upload.html", {"form": form, "kind": "questions"})


def _import_job(request, job_id) -> Job:
    return succeeded_job_of(request.user, job_id, kind__in=["learning.roster_check", "learning.questions_check"])


@login_required
def import_review(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    return render(request, "learning/import_review.html", {"job": job, "result": job.result})


@login_required
def import_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    """A checked enrolment list's rows with errors, as uploaded, with what is wrong."""
    from yufang.people.roster import roster_error_workbook

    job = _import_job(request, job_id)
    if job.kind != "learning.roster_check":
        raise Http404
    return attachment(roster_error_workbook(job), f"报名名单错误行_{job.pk}.xlsx", XLSX)


@login_required
@require_POST
def import_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    if job.result.get("applied"):
        messages.info(request, "该文件已导入过。")
        return redirect("learning:import_review", job_id=job.pk)
    try:
        if job.kind == "learning.questions_check":
            count = services.questions_apply(actor=request.user, job=job)
            messages.success(request, f"已导入 {count} 道试题。")
            return redirect("learning:courses")
        from ..enrolment import enrolment_apply_start

        apply_job = enrolment_apply_start(actor=request.user, check_job=job)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("learning:import_review", job_id=job.pk)
    return redirect("core:job", pk=apply_job.pk)


def _latest_plan(request) -> Plan | None:
    wanted = request.GET.get("plan")
    qs = Plan.objects.filter(status__in=["issued", "closed"]).order_by("-year")
    return (qs.filter(pk=wanted).first() if wanted and wanted.isdigit() else None) or qs.first()


@login_required
def patterns(request: HttpRequest) -> HttpResponse:
    _require(can_view_patterns(request.user))
    plan = _latest_plan(request)
    found = suspicious_patterns(user=request.user, plan=plan) if plan else []
    return render(request, "learning/patterns.html", {"plan": plan, "patterns": found})


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    _require(can_view_statistics(request.user))
    plan = _latest_plan(request)
    figures = platform_figures(user=request.user, plan=plan) if plan else {}
    return render(
        request,
        "learning/statistics.html",
        {"plan": plan, "figures": figures, "plans": Plan.objects.filter(status__in=["issued", "closed"])},
    )
