"""Progress report pages: list, detail, editing and transitions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.registry import REPORT_PANELS, contributions
from yufang.core.scoping import get_scoped_or_404
from yufang.core.transitions import transition_response as _perform

from .. import permissions as may
from .. import selectors, services
from ..forms import ReportFilterForm, ReportForm
from ..models import ProgressReport
from .base import _form_page
from .project import _links

REPORT_COLUMNS = [
    Column("项目", lambda r: r.project.name, 30),
    Column("协议编号", lambda r: r.project.agreement.number, 16),
    Column("服务机构", lambda r: r.project.provider.name, 26),
    Column("期次", lambda r: r.sequence, 6),
    Column("报告期", lambda r: f"{r.period_start:%Y-%m-%d}～{r.period_end:%Y-%m-%d}", 24),
    Column("应报日期", lambda r: r.due_date, 12),
    Column("状态", lambda r: r.get_status_display(), 12),
]


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET)
    return list_response(
        request,
        queryset=selectors.report_list(user=request.user, on_date=timezone.localdate(), **form.values()),
        filter_form=form,
        template="core/list.html",
        export_columns=REPORT_COLUMNS,
        export_name="进度报告",
        context={"title": "进度报告", "columns": REPORT_COLUMNS, "links": _links()},
    )


def _report(request, pk) -> ProgressReport:
    return get_scoped_or_404(
        request.user, ProgressReport.objects.select_related("project__agreement", "project__provider"), pk=pk
    )


@login_required
def report_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return serve_upload(report.attachment, filename=f"进度报告附件-{report}")


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    prefill = selectors.report_prefill(report)
    return render(
        request,
        "projects/report_detail.html",
        {
            "r": report,
            "figures": [(f, prefill.get(f.pk)) for f in report.figures.all()],
            # The apps built on projects add sections (publicity: planned against delivered per kind).
            "panels": [html for source in contributions(REPORT_PANELS) if (html := source(request, report))],
            "held": selectors.sessions_held(report.project, until=report.period_end),
            "options": services.REPORT_WORKFLOW.options(report, request.user),
            "edit": may.can_edit_report(request.user, report),
            "overdue": report.is_overdue(timezone.localdate()),
            "history": history(report),
        },
    )


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    _require(may.can_edit_report(request.user, report), page=True)
    figures = list(report.figures.all())
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        figures=figures,
        prefill=selectors.report_prefill(report),
        initial={"narrative": report.narrative},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_save(
                report=report,
                narrative=form.cleaned_data["narrative"],
                achieved=form.achieved(),
                attachment=form.cleaned_data.get("attachment"),
                actor=request.user,
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "进度报告已保存，确认无误后请点击「提交进度报告」。")
            return redirect(report)
    return _form_page(
        request,
        f"填写{report}",
        report.get_absolute_url(),
        form=form,
        multipart=True,
        intro=f"报告期 {report.period_start:%Y-%m-%d} 至 {report.period_end:%Y-%m-%d}。完成数已按平台记录（实名培训记录、已举办场次、已验收的宣传成果）预填（累计至报告期末），不能高于平台记录。",
    )


@login_required
@require_POST
def report_transition(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return _perform(request, lambda **kw: services.report_transition(report=report, actor=request.user, **kw), report)
