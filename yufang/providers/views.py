"""Pages for providers, qualifications, procurement, debarments and agreements. Each view
parses input, checks permission (through the service), calls one service and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.accounts.views import form_errors_from
from yufang.core.audit import history
from yufang.core.export import attachment
from yufang.core.files import serve_upload
from yufang.core.listing import Column, list_response
from yufang.core.masking import mask_account
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.core.workflow import done_message, status_of

from . import services
from .forms import (
    AgreementFilterForm,
    AgreementForm,
    AmendmentForm,
    DebarmentFilterForm,
    DebarmentForm,
    IndicatorFormSet,
    ProcurementFilterForm,
    ProcurementForm,
    ProfileCreateForm,
    ProfileForm,
    ProviderFilterForm,
    QualificationFilterForm,
    QualificationForm,
    RuleForm,
    TeamChangeForm,
    TeamMemberForm,
)
from .models import (
    Debarment,
    Procurement,
    ProcurementRule,
    ProviderProfile,
    Qualification,
    ServiceAgreement,
)
from .pdf import agreement_pdf
from .permissions import (
    can_amend_agreement,
    can_debar,
    can_edit_agreement,
    can_edit_profile,
    can_edit_team,
    can_manage_procurement,
    can_manage_providers,
    can_manage_qualifications,
    can_manage_rules,
    can_request_team_change,
    is_manager,
)
from .selectors import (
    agreement_list,
    debarment_list,
    item_budget,
    procurement_list,
    provider_list,
    qualification_list,
)


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _officials_only(user) -> None:
    if not user.is_official and not user.has_role("district_officer"):
        raise PermissionDenied("仅对主管部门开放。")


def _form_page(request, form, title: str, cancel: str, **extra) -> HttpResponse:
    return render(request, "providers/form.html", {"form": form, "title": title, "cancel": cancel, **extra})


def _transition(request, perform, obj, redirect_to) -> HttpResponse:
    action, previous = request.POST.get("action", ""), status_of(obj)
    try:
        perform(action=action, note=request.POST.get("note", ""))
    except (ValidationError, PermissionDenied) as e:
        text = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
        messages.error(request, text)
    else:
        messages.success(request, done_message(obj, action, previous))
    return redirect(redirect_to)


# --- Providers -------------------------------------------------------------------------------


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
        template="providers/list.html",
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
            "debarment": services.provider_is_debarred(org, day),
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
    return _transition(
        request,
        lambda **kw: services.provider_profile_transition(profile=profile, actor=request.user, **kw),
        profile,
        profile,
    )


# --- Qualifications --------------------------------------------------------------------------

QUALIFICATION_COLUMNS = [
    Column("服务机构", lambda q: q.provider.name, 32),
    Column("资质类别", lambda q: q.get_kind_display(), 30),
    Column("证书编号", lambda q: q.number, 20),
    Column("发证机关", lambda q: q.issuer, 20),
    Column("有效期起", lambda q: q.valid_from, 12),
    Column("有效期止", lambda q: q.valid_to or "长期", 12),
]


@login_required
def qualification_index(request: HttpRequest) -> HttpResponse:
    form = QualificationFilterForm(request.GET)
    return list_response(
        request,
        queryset=qualification_list(user=request.user, on_date=timezone.localdate(), **form.values()),
        filter_form=form,
        template="providers/list.html",
        export_columns=QUALIFICATION_COLUMNS,
        export_name="服务机构资质",
        context={"title": "服务机构资质", "columns": QUALIFICATION_COLUMNS},
    )


@login_required
def qualification_create(request: HttpRequest, provider_pk: int) -> HttpResponse:
    profile = get_scoped_or_404(request.user, ProviderProfile.objects.select_related("organisation"), pk=provider_pk)
    _require(can_manage_qualifications(request.user, profile.organisation))
    form = QualificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            q = services.qualification_create(provider=profile.organisation, data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "资质已上传。")
            return redirect(q)
    return _form_page(request, form, f"上传资质：{profile}", profile.get_absolute_url(), multipart=True)


@login_required
def qualification_document(request: HttpRequest, pk: int) -> HttpResponse:
    q = get_scoped_or_404(request.user, Qualification.objects.select_related("provider"), pk=pk)
    return serve_upload(q.document, filename=f"资质证明-{q}")


@login_required
def qualification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    q = get_scoped_or_404(request.user, Qualification.objects.select_related("provider"), pk=pk)
    return render(
        request,
        "providers/qualification_detail.html",
        {
            "q": q,
            "profile": ProviderProfile.objects.filter(organisation=q.provider).first(),
            "valid": q.is_valid_on(timezone.localdate()),
            "can_edit": can_manage_qualifications(request.user, q.provider)[0],
            "history": history(q),
        },
    )


@login_required
def qualification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    q = get_scoped_or_404(request.user, Qualification.objects.select_related("provider"), pk=pk)
    _require(can_manage_qualifications(request.user, q.provider))
    form = QualificationForm(request.POST or None, request.FILES or None, instance=Qualification.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_update(qualification=q, data=form.cleaned_data, actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            return redirect(q)
    return _form_page(request, form, f"编辑资质：{q}", q.get_absolute_url(), multipart=True)


# --- Procurement -----------------------------------------------------------------------------

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
        template="providers/list.html",
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


# --- Debarments ------------------------------------------------------------------------------

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
        template="providers/list.html",
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
    return _transition(request, lambda **kw: services.debarment_transition(debarment=d, actor=request.user, **kw), d, d)


# --- Agreements ------------------------------------------------------------------------------

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
        template="providers/list.html",
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
            "problems": services.qualification_problems(
                agreement.provider, agreement.item, timezone.localdate(), agreement
            ),
            "debarment": services.provider_is_debarred(agreement.provider, timezone.localdate()),
            "can_edit": can_edit_agreement(user, agreement)[0],
            "can_edit_team": can_edit_team(user, agreement)[0],
            "can_amend": can_amend_agreement(user, agreement)[0],
            "can_request_team_change": can_request_team_change(user, agreement)[0],
            "show_phones": user.is_agency or user.organisation_id == agreement.provider_id,
            "team": agreement.team.all(),
            "team_form": TeamMemberForm(),
            "team_changes": [
                (r, services.TEAM_CHANGE_WORKFLOW.options(r, user))
                for r in agreement.team_changes.select_related("remove")
            ],
            "indicators": agreement.indicators.select_related("industry", "position"),
            "amendments": agreement.amendments.all(),
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
    return _transition(
        request,
        lambda **kw: services.agreement_transition(agreement=agreement, actor=request.user, **kw),
        agreement,
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
    _require(can_request_team_change(request.user, agreement))
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
    return _transition(
        request,
        lambda **kw: services.team_change_transition(request=change, actor=request.user, **kw),
        change,
        agreement,
    )


@login_required
def agreement_download(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_scoped_or_404(
        request.user, ServiceAgreement.objects.select_related("item", "provider", "agency"), pk=pk
    )
    return attachment(agreement_pdf(agreement), f"{agreement.number}.pdf", "application/pdf")
