"""Provider list, registration, profile pages and the profile's transitions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.masking import mask_account
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.core.transitions import transition_response

from .. import services
from ..debarment import provider_is_debarred
from ..forms import ProfileCreateForm, ProfileForm, ProviderFilterForm
from ..models import Debarment, ProviderProfile, Qualification, ServiceAgreement
from ..permissions import can_edit_profile, can_manage_providers, can_manage_qualifications, is_manager
from ..selectors import provider_list
from .base import _form_page


def provider_columns(user) -> list[Column]:
    full = is_manager(user)
    return [
        Column("服务机构", lambda p: p.organisation.name, 32),
        Column("统一社会信用代码", lambda p: p.organisation.credit_code, 22),
        Column("类别", lambda p: p.get_kind_display(), 12),
        Column("区县", lambda p: p.organisation.region.name if p.organisation.region else "", 10),
        Column("法定代表人", lambda p: p.legal_representative, 10),
        Column("开户银行", lambda p: p.bank_name, 20),
        Column("银行账号", (lambda p: p.bank_account) if full else (lambda p: mask_account(p.bank_account)), 24),
        Column("核验状态", lambda p: p.get_status_display(), 10),
    ]


@login_required
def provider_index(request: HttpRequest) -> HttpResponse:
    form = ProviderFilterForm(request.GET)
    return list_response(
        request,
        queryset=provider_list(user=request.user, **form.values()),
        filter_form=form,
        template="core/list.html",
        export_columns=provider_columns(request.user),
        export_name="服务机构",
        context={
            "title": "服务机构",
            "columns": provider_columns(request.user)[:4] + provider_columns(request.user)[7:],
            "create_url": "providers:provider_create" if can_manage_providers(request.user)[0] else "",
            "create_label": "登记服务机构",
            "links": [
                ("providers:qualification_list", "资质"),
                ("providers:procurement_list", "采购记录"),
                ("providers:debarment_list", "禁入名单"),
                ("providers:rule_list", "采购规则"),
            ],
        },
    )


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    profile = ProviderProfile.objects.filter(organisation_id=request.user.organisation_id).first()
    if profile is not None:
        return redirect("providers:provider_detail", pk=profile.pk)
    org = request.user.organisation
    _require(can_edit_profile(request.user, org) if org else (False, "您不属于任何服务机构。"))
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.provider_profile_create(organisation=org, data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "机构资料已提交，等待经办机构核验。")
            return redirect(profile)
    return _form_page(request, form, f"登记机构资料：{org}", "/")


@login_required
def provider_create(request: HttpRequest) -> HttpResponse:
    _require(can_manage_providers(request.user))
    form = ProfileCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            profile = services.provider_profile_create(
                organisation=data.pop("organisation"), data=data, actor=request.user
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            return redirect(profile)
    return _form_page(request, form, "登记服务机构", "/providers/")


@login_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_scoped_or_404(request.user, ProviderProfile.objects.select_related("organisation"), pk=pk)
    org = profile.organisation
    day = timezone.localdate()
    return render(
        request,
        "providers/provider_detail.html",
        {
            "profile": profile,
            "org": org,
            "show_bank": is_manager(request.user) or request.user.organisation_id == org.pk,
            "options": services.PROFILE_WORKFLOW.options(profile, request.user),
            "can_edit": can_edit_profile(request.user, org)[0],
            "can_add_qualification": can_manage_qualifications(request.user, org)[0],
            "qualifications": scoped(request.user, Qualification).filter(provider=org),
            "debarment": provider_is_debarred(org, day),
            "debarments": scoped(request.user, Debarment).filter(provider=org),
            "agreements": scoped(request.user, ServiceAgreement).filter(provider=org).select_related("item"),
            "today": day,
            "history": history(profile),
        },
    )


@login_required
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_scoped_or_404(request.user, ProviderProfile.objects.select_related("organisation"), pk=pk)
    _require(can_edit_profile(request.user, profile.organisation))
    form = ProfileForm(request.POST or None, instance=ProviderProfile.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_profile_update(profile=profile, data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "机构资料已保存。")
            return redirect(profile)
    return _form_page(request, form, f"编辑机构资料：{profile}", profile.get_absolute_url())


@login_required
@require_POST
def provider_transition(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_scoped_or_404(request.user, ProviderProfile, pk=pk)
    return transition_response(
        request,
        lambda **kw: services.provider_profile_transition(profile=profile, actor=request.user, **kw),
        profile,
    )
