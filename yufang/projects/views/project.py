"""The project list, detail page and the project's transition form."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.listing import Column, list_response
from yufang.core.registry import PROJECT_PANELS, contributions
from yufang.core.transitions import transition_response as _perform

from .. import money, selectors, services
from .. import permissions as may
from ..forms import ProjectFilterForm
from ..models import Acceptance, CompletionReport, PaymentKind, PlanVersionState
from .base import _project

PROJECT_COLUMNS = [
    Column("项目名称", lambda p: p.name, 32),
    Column("协议编号", lambda p: p.agreement.number, 16),
    Column("服务机构", lambda p: p.provider.name, 28),
    Column("年度", lambda p: p.plan.year, 8),
    Column("协议金额（元）", lambda p: p.agreement.price, 14),
    Column("已支付（元）", lambda p: p.agreement.paid, 14),
    Column("完成时限", lambda p: p.deadline, 12),
    Column("状态", lambda p: p.get_status_display(), 14),
]


@login_required
def project_index(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET)
    return list_response(
        request,
        queryset=selectors.project_list(user=request.user, **form.values()),
        filter_form=form,
        template="core/list.html",
        export_columns=PROJECT_COLUMNS,
        export_name="工伤预防项目",
        context={"title": "工伤预防项目", "columns": PROJECT_COLUMNS, "links": _links()},
    )


def _links():
    return [
        ("projects:report_list", "进度报告"),
        ("projects:payment_list", "项目付款"),
        ("projects:deduction_list", "扣减项目费用"),
    ]


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    user = request.user
    day = timezone.localdate()
    versions = list(project.plan_versions.all())
    draft = next((v for v in versions if v.state == PlanVersionState.DRAFT), None)
    acceptance = Acceptance.objects.filter(project=project).first()
    payments = list(project.payments.all())
    return render(
        request,
        "projects/project_detail.html",
        {
            "p": project,
            "a": project.agreement,
            "options": services.PROJECT_WORKFLOW.options(project, user),
            "versions": versions,
            "approved": project.approved_plan,
            "draft": draft,
            "file_plan": may.can_file_plan(user, project),
            "edit_draft": may.can_edit_plan_version(user, draft) if draft is not None else None,
            "reports": [(r, r.is_overdue(day)) for r in project.reports.all()],
            "extensions": project.extensions.all(),
            "completion": CompletionReport.objects.filter(project=project).first(),
            "write_completion": may.can_write_completion(user, project),
            "acceptance": acceptance,
            "convene": may.can_convene(user, project),
            "payments": payments,
            "deductions": project.deductions.all(),
            "deducted": money.deductions_total(project),
            "request_advance": may.can_request_payment(user, project, PaymentKind.ADVANCE),
            "request_balance": may.can_request_payment(user, project, PaymentKind.BALANCE),
            "balance_due": money.balance_due(project),
            "deduct": may.can_record_deduction(user, project),
            "history": history(project),
            "regions": project.regions.all(),
            "panels": [html for source in contributions(PROJECT_PANELS) if (html := source(request, project))],
        },
    )


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return _perform(
        request, lambda **kw: services.project_transition(project=project, actor=request.user, **kw), project
    )
