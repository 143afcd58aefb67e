"""Service agreement pages: list, drafting, detail, PDF, amendments, team changes and transitions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core.audit import history, readable_changes
from yufang.core.export import attachment
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404
from yufang.core.transitions import transition_response

from .. import services
from ..debarment import provider_is_debarred
from ..forms import AgreementFilterForm, AgreementForm, AmendmentForm, IndicatorFormSet, TeamChangeForm, TeamMemberForm
from ..models import ServiceAgreement
from ..pdf import agreement_pdf
from ..permissions import can_amend_agreement, can_edit_agreement, can_edit_team, can_request_team_change, is_manager
from ..qualifications import qualification_problems
from ..selectors import agreement_list, item_budget
from .base import _form_page

AGREEMENT_COLUMNS = [
    Column("协议编号", lambda a: a.number, 18),
    Column("协议名称", lambda a: a.title, 32),
    Column("服务机构", lambda a: a.provider.name, 30),
    Column("预算项目", lambda a: a.item.name, 30),
    Column("协议金额（元）", lambda a: a.price, 14),
    Column("状态", lambda a: a.get_status_display(), 12),
    Column("签订日期", lambda a: a.signed_on, 12),
]


@login_required
def agreement_index(request: HttpRequest) -> HttpResponse:
    form = AgreementFilterForm(request.GET)
    return list_response(
        request,
        queryset=agreement_list(user=request.user, **form.values()),
        filter_form=form,
        template="core/list.html",
        export_columns=AGREEMENT_COLUMNS,
        export_name="服务协议",
        context={
            "title": "服务协议",
            "columns": AGREEMENT_COLUMNS,
            "create_url": "providers:agreement_create" if can_edit_agreement(request.user)[0] else "",
            "create_label": "起草协议",
        },
    )


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    _require(can_edit_agreement(request.user))
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "协议草稿已创建，请填写数量指标和项目组成员。")
            return redirect(agreement)
    return _form_page(request, form, "起草服务协议", "/providers/agreements/")


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_scoped_or_404(
        request.user, ServiceAgreement.objects.select_related("item", "item__line", "provider", "agency"), pk=pk
    )
    user = request.user
    return render(
        request,
        "providers/agreement_detail.html",
        {
            "a": agreement,
            "options": services.AGREEMENT_WORKFLOW.options(agreement, user),
            "budget": item_budget(agreement.item) if is_manager(user) or user.has_role("partner") else None,
            "problems": qualification_problems(agreement.provider, agreement.item, timezone.localdate(), agreement),
            "debarment": provider_is_debarred(agreement.provider, timezone.localdate()),
            "edit": can_edit_agreement(user, agreement),
            "edit_team": can_edit_team(user, agreement),
            "amend": can_amend_agreement(user, agreement),
            "request_team_change": can_request_team_change(user, agreement),
            "show_phones": user.is_agency or user.organisation_id == agreement.provider_id,
            "team": agreement.team.all(),
            "team_form": TeamMemberForm(),
            "team_changes": [
                (r, services.TEAM_CHANGE_WORKFLOW.options(r, user))
                for r in agreement.team_changes.select_related("remove")
            ],
            "indicators": agreement.indicators.select_related("industry", "position"),
            "amendments": readable_changes(list(agreement.amendments.all()), model=ServiceAgreement),
            "history": history(agreement),
        },
    )


def _agreement_for_edit(request, pk):
    return get_scoped_or_404(request.user, ServiceAgreement, pk=pk)


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for_edit(request, pk)
    _require(can_edit_agreement(request.user, agreement))
    form = AgreementForm(request.POST or None, instance=ServiceAgreement.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(agreement=agreement, data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            return redirect(agreement)
    return _form_page(request, form, f"编辑协议：{agreement}", agreement.get_absolute_url())


@login_required
def agreement_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for_edit(request, pk)
    _require(can_edit_agreement(request.user, agreement))
    initial = [
        {
            "kind": i.kind,
            "description": i.description,
            "industry": i.industry,
            "position": i.position,
            "planned": i.planned,
        }
        for i in agreement.indicators.all()
    ]
    formset = IndicatorFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        rows = [f.cleaned_data for f in formset if f.cleaned_data and f.cleaned_data.get("planned")]
        try:
            services.agreement_set_indicators(agreement=agreement, indicators=rows, actor=request.user)
        except ValidationError as e:
            formset._non_form_errors = formset.error_class(e.messages)
        else:
            messages.success(request, "数量指标已保存。")
            return redirect(agreement)
    return _form_page(request, None, f"数量指标：{agreement}", agreement.get_absolute_url(), formset=formset)


@login_required
@require_POST
def agreement_team_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for_edit(request, pk)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            services.team_member_add(agreement=agreement, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as e:
            messages.error(request, "；".join(e.messages) if isinstance(e, ValidationError) else str(e))
    else:
        messages.error(request, "请填写成员姓名和项目职务。")
    return redirect(agreement)


@login_required
@require_POST
def agreement_team_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    agreement = _agreement_for_edit(request, pk)
    member = agreement.team.filter(pk=member_pk).first()
    if member is not None:
        try:
            services.team_member_remove(member=member, actor=request.user)
        except PermissionDenied as e:
            messages.error(request, str(e))
    return redirect(agreement)


@login_required
@require_POST
def agreement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for_edit(request, pk)
    return transition_response(
        request,
        lambda **kw: services.agreement_transition(agreement=agreement, actor=request.user, **kw),
        agreement,
    )


@login_required
def agreement_amend(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for_edit(request, pk)
    _require(can_amend_agreement(request.user, agreement))
    form = AmendmentForm(request.POST or None, instance=ServiceAgreement.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.agreement_amend(agreement=agreement, reason=reason, data=data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "协议变更已记录。")
            return redirect(agreement)
    return _form_page(
        request, form, f"协议变更：{agreement}", agreement.get_absolute_url(), budget=item_budget(agreement.item)
    )


@login_required
def agreement_team_change(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for_edit(request, pk)
    _require(can_request_team_change(request.user, agreement), page=True)
    form = TeamChangeForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_change_request_create(agreement=agreement, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "变更申请已提交，等待经办机构审核。")
            return redirect(agreement)
    return _form_page(request, form, f"申请变更项目组成员：{agreement}", agreement.get_absolute_url())


@login_required
@require_POST
def team_change_transition(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    agreement = _agreement_for_edit(request, pk)
    change = get_object_or_404(agreement.team_changes, pk=request_pk)
    return transition_response(
        request,
        lambda **kw: services.team_change_transition(request=change, actor=request.user, **kw),
        agreement,
    )


@login_required
def agreement_download(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_scoped_or_404(
        request.user, ServiceAgreement.objects.select_related("item", "provider", "agency"), pk=pk
    )
    return attachment(agreement_pdf(agreement), f"{agreement.number}.pdf", "application/pdf")
