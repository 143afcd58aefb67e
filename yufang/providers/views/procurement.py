"""Procurement pages and procurement rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from yufang.core.audit import history
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped

from .. import services
from ..forms import ProcurementFilterForm, ProcurementForm, RuleForm
from ..models import Procurement, ProcurementRule, ServiceAgreement
from ..permissions import can_manage_procurement, can_manage_rules
from ..selectors import procurement_list
from .base import _form_page, _officials_only

PROCUREMENT_COLUMNS = [
    Column("预算项目", lambda p: p.item.name, 30),
    Column("采购方式", lambda p: p.get_method_display(), 12),
    Column("成交机构", lambda p: p.chosen.name, 30),
    Column("成交金额（元）", lambda p: p.amount, 14),
    Column("确定日期", lambda p: p.decided_on, 12),
]


@login_required
def procurement_index(request: HttpRequest) -> HttpResponse:
    form = ProcurementFilterForm(request.GET)
    return list_response(
        request,
        queryset=procurement_list(user=request.user, **form.values()),
        filter_form=form,
        template="core/list.html",
        export_columns=PROCUREMENT_COLUMNS,
        export_name="采购记录",
        context={
            "title": "采购记录",
            "columns": PROCUREMENT_COLUMNS,
            "create_url": "providers:procurement_create" if can_manage_procurement(request.user)[0] else "",
            "create_label": "登记采购",
        },
    )


def _procurement_form(request, instance=None):
    form = ProcurementForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        candidates = list(data.pop("candidates"))
        try:
            if instance is None:
                p = services.procurement_create(data=data, candidates=candidates, actor=request.user)
            else:
                p = services.procurement_update(
                    procurement=instance, data=data, candidates=candidates, actor=request.user
                )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "采购记录已保存。")
            return form, p
    return form, None


@login_required
def procurement_create(request: HttpRequest) -> HttpResponse:
    _require(can_manage_procurement(request.user))
    form, saved = _procurement_form(request)
    if saved:
        return redirect(saved)
    return _form_page(request, form, "登记采购记录", "/providers/procurements/", multipart=True)


@login_required
def procurement_document(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_scoped_or_404(request.user, Procurement, pk=pk)
    return serve_upload(p.document, filename=f"采购文件-{p}")


@login_required
def procurement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_scoped_or_404(request.user, Procurement.objects.select_related("item", "chosen"), pk=pk)
    return render(
        request,
        "providers/procurement_detail.html",
        {
            "p": p,
            "can_edit": can_manage_procurement(request.user)[0],
            "agreements": scoped(request.user, ServiceAgreement).filter(procurement=p),
            "history": history(p),
        },
    )


@login_required
def procurement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_scoped_or_404(request.user, Procurement, pk=pk)
    _require(can_manage_procurement(request.user))
    form, saved = _procurement_form(request, Procurement.objects.get(pk=pk))
    if saved:
        return redirect(saved)
    return _form_page(request, form, f"编辑采购记录：{p}", p.get_absolute_url(), multipart=True)


@login_required
def rule_index(request: HttpRequest) -> HttpResponse:
    # Programme-wide configuration, read by every official.
    _officials_only(request.user)
    can_manage = can_manage_rules(request.user)[0]
    form = RuleForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        _require(can_manage_rules(request.user))
        if form.is_valid():
            services.procurement_rule_create(data=form.cleaned_data, actor=request.user)
            messages.success(request, "采购规则已保存。")
            return redirect("providers:rule_list")
    return render(request, "providers/rules.html", {"rules": ProcurementRule.objects.all(), "form": form})


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(can_manage_rules(request.user))
    rule = get_object_or_404(ProcurementRule, pk=pk)
    form = RuleForm(request.POST or None, instance=ProcurementRule.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        services.procurement_rule_update(rule=rule, data=form.cleaned_data, actor=request.user)
        return redirect("providers:rule_list")
    return _form_page(request, form, f"编辑采购规则：{rule}", "/providers/rules/", history=history(rule))
