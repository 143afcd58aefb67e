"""Reach pages: a deliverable's reach records (a video's view readings, a push's audience and
delivery report, a print run's quantities and distributions), the distributions list and a
distribution's page with the district's confirmation, the delivery report's check and import,
and a plan's reach page with its charts and Excel export."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from yufang.core.audit import history
from yufang.core.export import XLSX, attachment, sheet_row
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.jobs import job_start, succeeded_job_of
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.core.transitions import error_text
from yufang.core.transitions import transition_response as _perform
from yufang.plans.models import Plan
from yufang.projects.models import Project

from . import reach_permissions as may
from .distribution import (
    DISTRIBUTION_WORKFLOW,
    distribution_record,
    distribution_remove,
    distribution_transition,
    material_stock_save,
)
from .models import (
    Deliverable,
    Distribution,
    DistributionStatus,
    MaterialStock,
    PushAudience,
    PushDelivery,
    ViewReading,
)
from .pushes import TEMPLATE_HEADERS, push_audience_save, push_delivery_import
from .reach import distribution_list, plan_reach
from .reach_forms import (
    AudienceForm,
    DistributionFilterForm,
    DistributionForm,
    ReachFilterForm,
    ReportUploadForm,
    StockForm,
    ViewReadingForm,
)
from .viewcounts import view_reading_add

KIND_TITLES = {may.VIDEO: "播放量记录", may.PUSH: "推送对象与送达报告", may.MATERIAL: "数量、发放与签收"}


def _deliverable(request, pk) -> Deliverable:
    deliverable = get_scoped_or_404(
        request.user,
        Deliverable.objects.select_related("project__provider", "project__agreement", "project__plan", "kind"),
        pk=pk,
    )
    if deliverable.kind.code not in KIND_TITLES:
        raise Http404("该类成果没有覆盖记录。")
    return deliverable


def _video_context(request, d, form):
    check = may.can_record_views(request.user, d)
    return {
        "readings": scoped(request.user, ViewReading)
        .filter(deliverable=d)
        .select_related("recorded_by")
        .order_by("platform", "-read_on"),
        "check": check,
        "form": (form or ViewReadingForm()) if check.allowed else None,
    }


def _push_context(request, d, form):
    check = may.can_edit_push(request.user, d)
    audience = (
        scoped(request.user, PushAudience)
        .filter(deliverable=d)
        .prefetch_related("industries", "districts", "enterprises")
        .first()
    )
    if form is None and check.allowed:
        initial = {}
        if audience is not None:
            initial = {
                "kind": audience.kind,
                "planned_reach": audience.planned_reach,
                "industries": list(audience.industries.all()),
                "districts": list(audience.districts.all()),
                "enterprises": list(audience.enterprises.all()),
            }
        form = AudienceForm(initial=initial, city_id=d.project.plan.city_id)
    rows = scoped(request.user, PushDelivery).filter(deliverable=d).select_related("region", "industry")
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("sent", "delivered", "opened")}
    return {
        "audience": audience,
        "check": check,
        "form": form if check.allowed else None,
        "upload_form": ReportUploadForm() if check.allowed else None,
        "rows": rows,
        "totals": totals,
    }


def _material_context(request, d, form):
    stock = scoped(request.user, MaterialStock).filter(deliverable=d).first()
    stock_check = may.can_edit_stock(request.user, d)
    d.stock = stock  # the check below reads it
    distribute_check = may.can_distribute(request.user, d)
    distributions = list(distribution_list(user=request.user, deliverable=d))
    stock_form = None
    if stock_check.allowed:
        stock_form = (
            form
            if isinstance(form, StockForm)
            else StockForm(initial={"ordered": stock.ordered, "received": stock.received} if stock else {})
        )
    distribution_form = None
    if distribute_check.allowed:
        distribution_form = (
            form if isinstance(form, DistributionForm) else DistributionForm(city_id=d.project.plan.city_id)
        )
    return {
        "stock": stock,
        "stock_check": stock_check,
        "stock_form": stock_form,
        "distribute_check": distribute_check,
        "distribution_form": distribution_form,
        "distributions": distributions,
        "confirmed": sum(x.quantity for x in distributions if x.status == DistributionStatus.CONFIRMED),
    }


@login_required
def deliverable_reach(request: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(request, pk)
    form = None
    if request.method == "POST":
        form, done = _post(request, d)
        if done:
            return redirect("publicity:reach", pk=d.pk)
    context = {"d": d, "title": KIND_TITLES[d.kind.code]}
    if d.kind.code == may.VIDEO:
        context.update(_video_context(request, d, form))
    elif d.kind.code == may.PUSH:
        context.update(_push_context(request, d, form))
    else:
        context.update(_material_context(request, d, form))
    return render(request, "publicity/reach_deliverable.html", context)


def _post(request, d):
    """Runs the form the page posted; (the bound form, whether it was saved)."""
    which = request.POST.get("form", "")
    user = request.user
    city_id = d.project.plan.city_id
    if which == "views" and d.kind.code == may.VIDEO:
        form = ViewReadingForm(request.POST)
        call = lambda c: view_reading_add(deliverable=d, actor=user, **c)  # noqa: E731
        done = "已记录播放量读数。"
    elif which == "audience" and d.kind.code == may.PUSH:
        form = AudienceForm(request.POST, city_id=city_id)
        call = lambda c: push_audience_save(deliverable=d, actor=user, **c)  # noqa: E731
        done = "推送对象已保存。"
    elif which == "stock" and d.kind.code == may.MATERIAL:
        form = StockForm(request.POST)
        call = lambda c: material_stock_save(deliverable=d, actor=user, **c)  # noqa: E731
        done = "订制和到货数量已保存。"
    elif which == "distribution" and d.kind.code == may.MATERIAL:
        form = DistributionForm(request.POST, request.FILES, city_id=city_id)
        call = lambda c: distribution_record(deliverable=d, actor=user, **c)  # noqa: E731
        done = "已记录发放，等待区县人社局确认签收。"
    else:
        raise Http404("未知的表单。")
    if not form.is_valid():
        return form, False
    try:
        call(form.cleaned_data)
    except ValidationError as e:
        form_errors_from(form, e)
        return form, False
    except PermissionDenied as e:
        messages.error(request, str(e))
        return form, True
    messages.success(request, done)
    return form, True


# --- Delivery report -------------------------------------------------------------------------------


@login_required
@require_POST
def push_upload(request: HttpRequest, pk: int) -> HttpResponse:
    d = _deliverable(request, pk)
    _require(may.can_edit_push(request.user, d), page=True)
    form = ReportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("publicity:reach", pk=d.pk)
    upload = form.cleaned_data["file"]
    job = job_start(
        kind="publicity.push_report_check",
        title=f"校验送达报告：{d.title}",
        actor=request.user,
        params={"deliverable_id": d.pk, "filename": upload.name[:200]},
        file=upload,
    )
    return redirect("core:job", pk=job.pk)


def _check_job(request, job_id):
    job = succeeded_job_of(request.user, job_id, kind="publicity.push_report_check")
    return job, _deliverable(request, job.result["deliverable_id"])


@login_required
def push_review(request: HttpRequest, job_id: int) -> HttpResponse:
    job, d = _check_job(request, job_id)
    return render(
        request,
        "publicity/push_review.html",
        {"job": job, "d": d, "result": job.result, "check": may.can_edit_push(request.user, d)},
    )


@login_required
@require_POST
def push_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job, d = _check_job(request, job_id)
    try:
        rows = push_delivery_import(deliverable=d, rows=job.result["good"], actor=request.user, job=job)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, error_text(e))
        return redirect("publicity:push_review", job_id=job.pk)
    skipped = len(job.result["errors"])
    messages.success(request, f"已导入 {len(rows)} 行送达记录" + (f"；{skipped} 行错误未导入。" if skipped else "。"))
    return redirect("publicity:reach", pk=d.pk)


@login_required
def push_template(request: HttpRequest) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("送达报告")
    ws.append(
        sheet_row(ws, ["定向推送送达报告（表头行以下每行一个日期、区县、行业；区县或行业不分时填「全市」或留空）"])
    )
    ws.append(sheet_row(ws, TEMPLATE_HEADERS))
    buffer = io.BytesIO()
    wb.save(buffer)
    return attachment(buffer.getvalue(), "定向推送送达报告模板.xlsx", XLSX)


# --- Distributions ---------------------------------------------------------------------------------

DISTRIBUTION_COLUMNS = [
    Column("编号", lambda x: x.pk, 8),
    Column("宣传资料", lambda x: x.deliverable.title, 30),
    Column("服务机构", lambda x: x.deliverable.project.provider.name, 24),
    Column("区县", lambda x: x.region.name, 10),
    Column("企业", lambda x: x.enterprise.name if x.enterprise_id else "（区县人社局）", 24),
    Column("发放数量", lambda x: x.quantity, 10),
    Column("发放日期", lambda x: x.distributed_on.isoformat(), 12),
    Column("状态", lambda x: x.get_status_display(), 14),
    Column("区县意见", lambda x: x.decision_note, 30),
]


@login_required
def distribution_index(request: HttpRequest) -> HttpResponse:
    form = DistributionFilterForm(request.GET)
    return list_response(
        request,
        queryset=distribution_list(user=request.user, **form.values()),
        filter_form=form,
        template="publicity/distribution_list.html",
        export_columns=DISTRIBUTION_COLUMNS,
        export_name="宣传资料发放",
    )


def _distribution(request, pk) -> Distribution:
    return get_scoped_or_404(
        request.user,
        Distribution.objects.select_related(
            "deliverable__project__provider", "deliverable__kind", "region", "enterprise", "decided_by"
        ),
        pk=pk,
    )


@login_required
def distribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    x = _distribution(request, pk)
    return render(
        request,
        "publicity/distribution_detail.html",
        {
            "x": x,
            "transitions": DISTRIBUTION_WORKFLOW.options(x, request.user),
            "transition_url": reverse("publicity:distribution_transition", args=[x.pk]),
            "remove": may.can_remove_distribution(request.user, x),
            "history": history(x),
        },
    )


@login_required
def distribution_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    x = _distribution(request, pk)
    return serve_upload(x.receipt, filename=x.receipt_name, inline=True)


@login_required
@require_POST
def distribution_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    x = _distribution(request, pk)
    return _perform(request, lambda **kw: distribution_transition(distribution=x, actor=request.user, **kw), x)


@login_required
@require_POST
def distribution_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    x = _distribution(request, pk)
    try:
        distribution_remove(distribution=x, actor=request.user)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, error_text(e))
        return redirect(x)
    messages.success(request, f"已删除发放记录，{x.quantity} 份退回库存。")
    return redirect("publicity:reach", pk=x.deliverable_id)


# --- A plan's reach ---------------------------------------------------------------------------------


def _reach_workbook(plan, reach) -> bytes:
    wb = Workbook(write_only=True)

    def sheet(title, header, rows):
        ws = wb.create_sheet(title)
        cells = sheet_row(ws, header)
        for c in cells:
            c.font = Font(bold=True)
        ws.append(cells)
        for row in rows:
            ws.append(sheet_row(ws, row))

    sheet(
        "按成果类型",
        ["成果类型", "单位", "计划", "已验收", "待审核", "完成率（%）"],
        [[t.kind.name, t.kind.unit, t.planned, t.delivered, t.pending, t.percent] for t in reach.totals],
    )
    sheet(
        "按项目",
        ["项目", "服务机构", "成果类型", "计划", "已验收", "待审核"],
        [
            [r.project.name, r.project.provider.name, r.kind.name, r.planned, r.delivered, r.pending]
            for r in reach.projects
        ],
    )
    audience_header = ["推送发送", "推送送达", "推送打开", "打开率（%）", "资料确认签收（份）", "活动参加人数"]

    def audience_row(a):
        return [a.name, a.push_sent, a.push_delivered, a.push_opened, a.open_rate, a.materials, a.attendance]

    sheet("按区县", ["区县", *audience_header], [audience_row(a) for a in reach.districts])
    sheet("按行业", ["行业", *audience_header], [audience_row(a) for a in reach.industries])
    sheet("播放量", ["日期", "累计播放量（各视频最新读数之和）"], [list(v) for v in reach.views])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@login_required
def plan_reach_page(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan, pk=plan_pk)
    projects = scoped(request.user, Project).filter(plan=plan, agreement__item__line__category="publicity")
    form = ReachFilterForm(request.GET, projects=projects.order_by("name"))
    reach = plan_reach(user=request.user, plan=plan, **form.values())
    if request.GET.get("export") == "xlsx":
        return attachment(_reach_workbook(plan, reach), f"{plan.year}年工伤预防宣传覆盖.xlsx", XLSX)
    chart = {
        "kinds": [[t.kind.name, t.planned, t.delivered] for t in reach.totals],
        "districts": [[a.name, a.push_delivered, a.push_opened, a.materials, a.attendance] for a in reach.districts],
        "industries": [[a.name, a.push_delivered, a.push_opened, a.materials] for a in reach.industries],
        "views": reach.views,
    }
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "publicity/plan_reach.html",
        {
            "plan": plan,
            "reach": reach,
            "filter_form": form,
            "chart_data": chart,
            "querystring": query.urlencode(),
            "plans": scoped(request.user, Plan).order_by("-year"),
        },
    )
