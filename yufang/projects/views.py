"""Pages for projects and their records. Each view fetches the scoped record first (another
organisation's record is a 404), parses input, calls one service and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.accounts.views import form_errors_from
from yufang.core.audit import history
from yufang.core.export import attachment
from yufang.core.files import serve_upload
from yufang.core.listing import Column, list_response
from yufang.core.scoping import ScopeKind, get_scoped_or_404, scope_of
from yufang.core.workflow import done_message, status_of

from . import permissions as may
from . import selectors, services
from .forms import (
    CompletionForm,
    ConveneForm,
    CostItemFormSet,
    DeductionFilterForm,
    DeductionForm,
    ExtensionForm,
    PayForm,
    PaymentFilterForm,
    PlanIndicatorFormSet,
    PlanVersionForm,
    ProjectFilterForm,
    ReportFilterForm,
    ReportForm,
    ScoreForm,
    panel_candidates,
)
from .models import (
    Acceptance,
    CompletionReport,
    Deduction,
    Extension,
    Payment,
    PaymentKind,
    PaymentStatus,
    PlanVersion,
    PlanVersionState,
    ProgressReport,
    Project,
    ProjectStatus,
    ReportStatus,
)
from .pdf import acceptance_pdf, voucher_pdf


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _error_text(e) -> str:
    return "；".join(e.messages) if isinstance(e, ValidationError) else str(e)


def _perform(request, perform, redirect_to, **params) -> HttpResponse:
    action, previous = request.POST.get("action", ""), status_of(redirect_to)
    try:
        perform(action=action, note=request.POST.get("note", ""), **params)
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, _error_text(e))
    else:
        messages.success(request, done_message(redirect_to, action, previous))
    return redirect(redirect_to)


def _form_page(request, title: str, cancel: str, **context) -> HttpResponse:
    return render(request, "projects/form.html", {"title": title, "cancel": cancel, **context})


def _project(request, pk: int) -> Project:
    return get_scoped_or_404(
        request.user, Project.objects.select_related("agreement", "agreement__agency", "provider", "plan"), pk=pk
    )


# --- Projects -------------------------------------------------------------------------------

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
        template="projects/list.html",
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
    holds = {p.kind for p in payments if p.status != PaymentStatus.REFUSED}
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
            "can_file": may.can_file_plan(user, project)[0]
            and draft is None
            and not any(v.state == PlanVersionState.SUBMITTED for v in versions)
            and (project.status in (ProjectStatus.PLAN_PENDING, ProjectStatus.RETURNED) or project.accepts_work),
            "reports": [(r, r.is_overdue(day)) for r in project.reports.all()],
            "extensions": project.extensions.all(),
            "completion": CompletionReport.objects.filter(project=project).first(),
            "can_write_completion": may.provider_of(user, project)[0] and project.status == ProjectStatus.IN_PROGRESS,
            "acceptance": acceptance,
            "can_convene": may.can_convene(user)[0]
            and project.status == ProjectStatus.AWAITING_ACCEPTANCE
            and acceptance is None,
            "payments": payments,
            "deductions": project.deductions.all(),
            "deducted": services.deductions_total(project),
            "can_request_advance": may.provider_of(user, project)[0]
            and PaymentKind.ADVANCE not in holds
            and project.status in services.ADVANCE_STATUSES,
            "can_request_balance": may.provider_of(user, project)[0]
            and PaymentKind.BALANCE not in holds
            and project.status == ProjectStatus.ACCEPTED,
            "balance_due": services.balance_due(project),
            "can_deduct": may.can_record_deduction(user)[0]
            and project.status not in (ProjectStatus.SETTLED, ProjectStatus.ARCHIVED, ProjectStatus.TERMINATED),
            "history": history(project),
            "regions": project.regions.all(),
        },
    )


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return _perform(
        request, lambda **kw: services.project_transition(project=project, actor=request.user, **kw), project
    )


@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _require(may.provider_of(request.user, project))
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_transition(
                project=project, action="request_extension", actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "延期申请已提交，等待经办机构确认。")
            return redirect(project)
    return _form_page(
        request,
        f"申请延期：{project.name}",
        project.get_absolute_url(),
        form=form,
        intro=f"现完成时限 {project.deadline:%Y-%m-%d}（原定 {project.original_deadline:%Y-%m-%d}）。",
    )


@login_required
def extension_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ext = get_scoped_or_404(request.user, Extension.objects.select_related("project"), pk=pk)
    return render(request, "projects/extension_detail.html", {"e": ext, "history": history(ext)})


# --- Plan versions ----------------------------------------------------------------------------


def _rows(formset, keys) -> list[dict]:
    return [
        {k: f.cleaned_data.get(k) for k in keys}
        for f in formset
        if f.cleaned_data and (f.cleaned_data.get("amount") is not None or f.cleaned_data.get("planned"))
    ]


def _plan_form(request, project: Project, version: PlanVersion | None):
    if version is not None:
        initial_costs = [{"category": c.category, "name": c.name, "amount": c.amount} for c in version.cost_items.all()]
        initial_indicators = [
            {
                "kind": i.kind,
                "description": i.description,
                "industry": i.industry,
                "position": i.position,
                "planned": i.planned,
            }
            for i in version.indicators.all()
        ]
        form = PlanVersionForm(request.POST or None, instance=PlanVersion.objects.get(pk=version.pk))
    else:
        base = project.plan_versions.order_by("-number").first()
        if base is not None:
            initial = {f: getattr(base, f) for f in services.PLAN_FIELDS if f != "change_reason"}
            initial_costs = [
                {"category": c.category, "name": c.name, "amount": c.amount} for c in base.cost_items.all()
            ]
            initial_indicators = [
                {
                    "kind": i.kind,
                    "description": i.description,
                    "industry": i.industry,
                    "position": i.position,
                    "planned": i.planned,
                }
                for i in base.indicators.all()
            ]
        else:
            initial = {
                "title": project.name,
                "start_date": project.agreement.period_start,
                "completion_date": project.deadline,
                "report_interval_months": 1,
            }
            initial_costs = []
            initial_indicators = services.plan_indicator_defaults(project)
        form = PlanVersionForm(request.POST or None, initial=initial)
    costs = CostItemFormSet(request.POST or None, initial=initial_costs, prefix="cost")
    indicators = PlanIndicatorFormSet(request.POST or None, initial=initial_indicators, prefix="ind")
    # Rows left as prefilled are still rows of the plan: validate them, not only changed ones.
    for f in [*costs, *indicators]:
        f.empty_permitted = False
    if not project.approved_plan_id:
        form.fields.pop("change_reason", None)
    saved = None
    if request.method == "POST" and form.is_valid() and costs.is_valid() and indicators.is_valid():
        cost_rows = _rows(costs, ("category", "name", "amount"))
        indicator_rows = _rows(indicators, ("kind", "description", "industry", "position", "planned"))
        try:
            if version is None:
                saved = services.plan_version_create(
                    project=project,
                    data=form.cleaned_data,
                    cost_items=cost_rows,
                    indicators=indicator_rows,
                    actor=request.user,
                )
            else:
                saved = services.plan_version_update(
                    version=version,
                    data=form.cleaned_data,
                    cost_items=cost_rows,
                    indicators=indicator_rows,
                    actor=request.user,
                )
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for key in ("cost_items", "indicators"):
                    if key in e.error_dict:
                        target = costs if key == "cost_items" else indicators
                        target._non_form_errors = target.error_class(
                            [m for err in e.error_dict.pop(key) for m in err.messages]
                        )
                if e.error_dict:
                    form_errors_from(form, e)
            else:
                form_errors_from(form, e)
    return form, costs, indicators, saved


@login_required
def plan_version_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _require(may.can_file_plan(request.user, project))
    form, costs, indicators, saved = _plan_form(request, project, None)
    if saved is not None:
        messages.success(request, f"实施方案第{saved.number}版已保存为草稿。")
        return redirect(saved)
    return render(
        request,
        "projects/plan_form.html",
        {
            "title": f"填写实施方案：{project.name}",
            "p": project,
            "form": form,
            "costs": costs,
            "indicators": indicators,
        },
    )


@login_required
def plan_version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_scoped_or_404(request.user, PlanVersion.objects.select_related("project__agreement"), pk=pk)
    _require(may.can_file_plan(request.user, version.project))
    if not version.is_editable:
        raise PermissionDenied("已提交的实施方案版本不能修改；如需调整，请新建版本。")
    form, costs, indicators, saved = _plan_form(request, version.project, version)
    if saved is not None:
        messages.success(request, "实施方案已保存。")
        return redirect(saved)
    return render(
        request,
        "projects/plan_form.html",
        {"title": f"修改{version}", "p": version.project, "form": form, "costs": costs, "indicators": indicators},
    )


@login_required
def plan_version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_scoped_or_404(request.user, PlanVersion.objects.select_related("project__agreement"), pk=pk)
    project = version.project
    approved = project.approved_plan if project.approved_plan_id != version.pk else None
    is_change = bool(project.approved_plan_id) and version.number > (
        project.approved_plan.number if project.approved_plan else 0
    )
    return render(
        request,
        "projects/plan_version_detail.html",
        {
            "v": version,
            "p": project,
            "approved": approved,
            "options": services.PLAN_CHANGE_WORKFLOW.options(version, request.user) if is_change else [],
            "project_options": [] if is_change else services.PROJECT_WORKFLOW.options(project, request.user),
            "can_edit": version.is_editable and may.can_file_plan(request.user, project)[0],
            "history": history(version),
        },
    )


@login_required
@require_POST
def plan_version_transition(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_scoped_or_404(request.user, PlanVersion.objects.select_related("project"), pk=pk)
    return _perform(
        request, lambda **kw: services.plan_change_transition(version=version, actor=request.user, **kw), version
    )


# --- Progress reports -----------------------------------------------------------------------

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
        template="projects/list.html",
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
    prefill = services.report_prefill(report)
    can_edit = (
        may.provider_of(request.user, report)[0]
        and report.status in (ReportStatus.DUE, ReportStatus.RETURNED)
        and report.project.accepts_work
    )
    return render(
        request,
        "projects/report_detail.html",
        {
            "r": report,
            "figures": [(f, prefill.get(f.pk)) for f in report.figures.all()],
            "held": selectors.sessions_held(report.project, until=report.period_end),
            "options": services.REPORT_WORKFLOW.options(report, request.user),
            "can_edit": can_edit,
            "overdue": report.is_overdue(timezone.localdate()),
            "history": history(report),
        },
    )


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    _require(may.provider_of(request.user, report))
    if not report.project.accepts_work:
        raise PermissionDenied(f"项目当前状态为「{report.project.get_status_display()}」，不能再填报进度报告。")
    if report.status not in (ReportStatus.DUE, ReportStatus.RETURNED):
        raise PermissionDenied("该进度报告已提交，不能修改。")
    figures = list(report.figures.all())
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        figures=figures,
        prefill=services.report_prefill(report),
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
        intro=f"报告期 {report.period_start:%Y-%m-%d} 至 {report.period_end:%Y-%m-%d}。完成数已按平台实名记录预填（累计至报告期末），不能高于平台记录。",
    )


@login_required
@require_POST
def report_transition(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return _perform(request, lambda **kw: services.report_transition(report=report, actor=request.user, **kw), report)


# --- Completion report ------------------------------------------------------------------------


@login_required
def completion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _require(may.provider_of(request.user, project))
    if project.status != ProjectStatus.IN_PROGRESS:
        raise PermissionDenied(f"项目当前状态为「{project.get_status_display()}」，不能填写项目实施情况报告。")
    report = CompletionReport.objects.filter(project=project).first()
    if report is not None:
        figures = list(report.figures.all())
        prefill = {f.pk: services.platform_count(project, f) for f in figures}
        initial = {p: getattr(report, p) for p in CompletionReport.PARTS}
    else:
        figures, prefill = [], {}
        initial = services.completion_defaults(project)
    form = CompletionForm(
        request.POST or None, request.FILES or None, figures=figures, prefill=prefill, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.completion_report_save(
                project=project,
                data={p: form.cleaned_data[p] for p in CompletionReport.PARTS},
                achieved=form.achieved(),
                files={"evidence": form.cleaned_data.get("evidence"), "archives": form.cleaned_data.get("archives")},
                actor=request.user,
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "项目实施情况报告已保存。完成数量已按平台记录填入，请核对后在项目页提交。")
            return redirect(report)
    return _form_page(
        request,
        f"项目实施情况报告：{project.name}",
        project.get_absolute_url(),
        form=form,
        multipart=True,
        intro="完成数量取自平台实名记录（首次保存后生成），填报数不能高于平台记录。",
    )


@login_required
def completion_file(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    report = get_scoped_or_404(request.user, CompletionReport.objects.select_related("project"), pk=pk)
    labels = {"evidence": "佐证材料", "archives": "培训档案"}
    if part not in labels:
        raise Http404("未找到该文件。")
    return serve_upload(getattr(report, part), filename=f"{labels[part]}-{report.project.name}")


@login_required
def completion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Imported here: the training app builds on projects, not the other way round.
    from yufang.training.selectors import flag_summary, session_list

    report = get_scoped_or_404(request.user, CompletionReport.objects.select_related("project"), pk=pk)
    flag_groups = flag_summary(user=request.user, project=report.project)
    return render(
        request,
        "projects/completion_detail.html",
        {
            "c": report,
            "p": report.project,
            "held": selectors.sessions_held(report.project),
            "can_edit": may.provider_of(request.user, report)[0] and report.project.status == ProjectStatus.IN_PROGRESS,
            "flag_groups": flag_groups,
            "has_sessions": bool(flag_groups) or session_list(user=request.user, project=report.project).exists(),
            "district_only": scope_of(request.user).kind == ScopeKind.REGION,
            "history": history(report),
        },
    )


# --- Acceptance ---------------------------------------------------------------------------------


@login_required
def acceptance_convene(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _require(may.can_convene(request.user))
    form = ConveneForm(
        request.POST or None,
        candidates=panel_candidates(),
        initial={
            "convened_on": timezone.localdate(),
            "indicators": "\n".join(f"{n}，{w}" for n, w in services.DEFAULT_ACCEPTANCE_INDICATORS),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            acceptance = services.acceptance_convene(
                project=project,
                convened_on=form.cleaned_data["convened_on"],
                pass_mark=form.cleaned_data["pass_mark"],
                members=list(form.cleaned_data["members"]),
                indicators=form.cleaned_data["indicators"],
                actor=request.user,
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "评估验收小组已组成，请各成员评分。")
            return redirect(acceptance)
    return _form_page(request, f"组织评估验收：{project.name}", project.get_absolute_url(), form=form)


def _acceptance(request, pk) -> Acceptance:
    return get_scoped_or_404(
        request.user, Acceptance.objects.select_related("project__agreement", "project__provider"), pk=pk
    )


@login_required
def acceptance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    acceptance = _acceptance(request, pk)
    user = request.user
    indicators = list(acceptance.indicators.all())
    sheets = list(acceptance.sheets.select_related("member").prefetch_related("scores"))
    is_member = acceptance.members.filter(pk=user.pk).exists()
    has_scored = any(s.member_id == user.pk for s in sheets)
    can_score = (
        is_member
        and not has_scored
        and not acceptance.result
        and acceptance.project.status == ProjectStatus.AWAITING_ACCEPTANCE
    )
    rows = []
    for s in sheets:
        values = {sc.indicator_id: sc.value for sc in s.scores.all()}
        rows.append((s, [values.get(i.pk) for i in indicators]))
    return render(
        request,
        "projects/acceptance_detail.html",
        {
            "acc": acceptance,
            "p": acceptance.project,
            "indicators": indicators,
            "rows": rows,
            "members": acceptance.members.select_related("organisation"),
            "waiting": acceptance.members.exclude(pk__in=[s.member_id for s in sheets]),
            "average": services.acceptance_average(acceptance),
            "form": ScoreForm(indicators=indicators) if can_score else None,
            "options": services.PROJECT_WORKFLOW.options(acceptance.project, user)
            if acceptance.project.status == ProjectStatus.AWAITING_ACCEPTANCE
            else [],
            "history": history(acceptance),
        },
    )


@login_required
@require_POST
def acceptance_score(request: HttpRequest, pk: int) -> HttpResponse:
    acceptance = _acceptance(request, pk)
    form = ScoreForm(request.POST, indicators=list(acceptance.indicators.all()))
    if not form.is_valid():
        messages.error(request, "请为每项指标填写得分（数字）。")
        return redirect(acceptance)
    try:
        services.acceptance_score(
            acceptance=acceptance, scores=form.scores(), remarks=form.cleaned_data["remarks"], actor=request.user
        )
    except ValidationError as e:
        messages.error(request, _error_text(e))
    else:
        messages.success(request, "评分已提交。")
    return redirect(acceptance)


@login_required
def acceptance_download(request: HttpRequest, pk: int) -> HttpResponse:
    acceptance = _acceptance(request, pk)
    return attachment(
        acceptance_pdf(acceptance), f"验收报告-{acceptance.project.agreement.number}.pdf", "application/pdf"
    )


# --- Payments --------------------------------------------------------------------------------

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
        template="projects/list.html",
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


# --- Deductions ------------------------------------------------------------------------------

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
        template="projects/list.html",
        export_columns=DEDUCTION_COLUMNS,
        export_name="扣减项目费用",
        context={"title": "扣减项目费用", "columns": DEDUCTION_COLUMNS, "links": _links()},
    )


@login_required
def deduction_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _require(may.can_record_deduction(request.user))
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
