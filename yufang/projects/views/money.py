"""Payment and deduction pages: lists, requests, details, transitions and the voucher PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.export import attachment
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404
from yufang.core.transitions import error_text as _error_text
from yufang.core.transitions import transition_response as _perform

from .. import permissions as may
from .. import selectors, services
from ..forms import DeductionFilterForm, DeductionForm, PayForm, PaymentFilterForm
from ..models import Deduction, Payment
from ..pdf import voucher_pdf
from .base import _form_page, _project
from .project import _links

PAYMENT_COLUMNS = [
    Column("项目", lambda p: p.project.name, 30),
    Column("协议编号", lambda p: p.project.agreement.number, 16),
    Column("服务机构", lambda p: p.project.provider.name, 26),
    Column("类别", lambda p: p.get_kind_display(), 8),
    Column("金额（元）", lambda p: p.amount, 14),
    Column("状态", lambda p: p.get_status_display(), 10),
    Column("支付凭证号", lambda p: p.voucher_number, 16),
    Column("支付日期", lambda p: p.paid_on or "", 12),
]


@login_required
def payment_index(request: HttpRequest) -> HttpResponse:
    form = PaymentFilterForm(request.GET)
    return list_response(
        request,
        queryset=selectors.payment_list(user=request.user, **form.values()),
        filter_form=form,
        template="core/list.html",
        export_columns=PAYMENT_COLUMNS,
        export_name="项目付款",
        context={"title": "项目付款", "columns": PAYMENT_COLUMNS, "links": _links()},
    )


@login_required
@require_POST
def payment_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    try:
        payment = services.payment_request(project=project, kind=request.POST.get("kind", ""), actor=request.user)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, _error_text(e))
        return redirect(project)
    messages.success(request, f"{payment.get_kind_display()}申请已提交。")
    return redirect(payment)


def _payment(request, pk) -> Payment:
    return get_scoped_or_404(
        request.user, Payment.objects.select_related("project__agreement__item", "project__provider"), pk=pk
    )


@login_required
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    options = services.PAYMENT_WORKFLOW.options(payment, request.user)
    return render(
        request,
        "projects/payment_detail.html",
        {
            "pay": payment,
            "p": payment.project,
            "options": [o for o in options if o[0].action != "pay"],
            "pay_option": next((o for o in options if o[0].action == "pay"), None),
            "pay_form": PayForm(initial={"paid_on": timezone.localdate()}),
            "history": history(payment),
        },
    )


@login_required
@require_POST
def payment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    params = {}
    if request.POST.get("action") == "pay":
        form = PayForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写支付凭证号和支付日期。")
            return redirect(payment)
        params = form.cleaned_data
    return _perform(
        request, lambda **kw: services.payment_transition(payment=payment, actor=request.user, **kw), payment, **params
    )


@login_required
def payment_voucher(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    return attachment(
        voucher_pdf(payment), f"付款凭证-{payment.project.agreement.number}-{payment.pk}.pdf", "application/pdf"
    )


DEDUCTION_COLUMNS = [
    Column("项目", lambda d: d.project.name, 30),
    Column("协议编号", lambda d: d.project.agreement.number, 16),
    Column("服务机构", lambda d: d.project.provider.name, 26),
    Column("扣减金额（元）", lambda d: d.amount, 14),
    Column("来源", lambda d: d.get_source_display(), 12),
    Column("理由", lambda d: d.reason, 30),
    Column("状态", lambda d: d.get_status_display(), 14),
]


@login_required
def deduction_index(request: HttpRequest) -> HttpResponse:
    form = DeductionFilterForm(request.GET)
    return list_response(
        request,
        queryset=selectors.deduction_list(user=request.user, **form.values()),
        filter_form=form,
        template="core/list.html",
        export_columns=DEDUCTION_COLUMNS,
        export_name="扣减项目费用",
        context={"title": "扣减项目费用", "columns": DEDUCTION_COLUMNS, "links": _links()},
    )


@login_required
def deduction_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _require(may.can_record_deduction(request.user, project), page=True)
    form = DeductionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            deduction = services.deduction_create(project=project, data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "扣减已记录；服务机构可提出一次异议。")
            return redirect(deduction)
    return _form_page(request, f"扣减项目费用：{project.name}", project.get_absolute_url(), form=form, multipart=True)


@login_required
def deduction_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    deduction = get_scoped_or_404(request.user, Deduction.objects.select_related("project"), pk=pk)
    return serve_upload(deduction.evidence, filename=f"扣减证据材料-{deduction.project.name}")


@login_required
def deduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deduction = get_scoped_or_404(request.user, Deduction.objects.select_related("project"), pk=pk)
    return render(
        request,
        "projects/deduction_detail.html",
        {
            "d": deduction,
            "p": deduction.project,
            "options": services.DEDUCTION_WORKFLOW.options(deduction, request.user),
            "history": history(deduction),
        },
    )


@login_required
@require_POST
def deduction_transition(request: HttpRequest, pk: int) -> HttpResponse:
    deduction = get_scoped_or_404(request.user, Deduction, pk=pk)
    return _perform(
        request, lambda **kw: services.deduction_transition(deduction=deduction, actor=request.user, **kw), deduction
    )
