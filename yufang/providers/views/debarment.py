"""Debarment pages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404
from yufang.core.transitions import transition_response

from .. import services
from ..forms import DebarmentFilterForm, DebarmentForm
from ..models import Debarment
from ..permissions import can_debar
from ..selectors import debarment_list
from .base import _form_page

DEBARMENT_COLUMNS = [
    Column("服务机构", lambda d: d.provider.name, 32),
    Column("事由", lambda d: d.get_ground_display(), 14),
    Column("决定文号", lambda d: d.decision_number, 24),
    Column("决定机关", lambda d: d.decided_by, 24),
    Column("起始日期", lambda d: d.start_date, 12),
    Column("截止日期", lambda d: d.end_date, 12),
    Column("状态", lambda d: d.state_label, 10),
]


@login_required
def debarment_index(request: HttpRequest) -> HttpResponse:
    form = DebarmentFilterForm(request.GET)
    return list_response(
        request,
        queryset=debarment_list(user=request.user, **form.values()),
        filter_form=form,
        template="core/list.html",
        export_columns=DEBARMENT_COLUMNS,
        export_name="禁入名单",
        context={
            "title": "禁入名单（三年内不得从事本市工伤预防项目）",
            "columns": DEBARMENT_COLUMNS,
            "create_url": "providers:debarment_create" if can_debar(request.user)[0] else "",
            "create_label": "登记禁入决定",
        },
    )


@login_required
def debarment_create(request: HttpRequest) -> HttpResponse:
    _require(can_debar(request.user))
    form = DebarmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            d = services.debarment_create(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            return redirect(d)
    return _form_page(request, form, "登记禁入决定", "/providers/debarments/")


@login_required
def debarment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = get_scoped_or_404(request.user, Debarment.objects.select_related("provider"), pk=pk)
    return render(
        request,
        "providers/debarment_detail.html",
        {"d": d, "options": services.DEBARMENT_WORKFLOW.options(d, request.user), "history": history(d)},
    )


@login_required
@require_POST
def debarment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    d = get_scoped_or_404(request.user, Debarment, pk=pk)
    return transition_response(
        request, lambda **kw: services.debarment_transition(debarment=d, actor=request.user, **kw), d
    )
