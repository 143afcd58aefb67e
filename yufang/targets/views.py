from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.export import XLSX, Column, attachment, xlsx_response
from yufang.core.export_jobs import export_source
from yufang.core.forms import form_errors_from
from yufang.core.jobs import job_start, succeeded_job_of
from yufang.core.listing import list_response
from yufang.core.masking import mask_id_number
from yufang.core.models import Job
from yufang.core.permissions import require as _require
from yufang.core.scoping import ScopeKind, get_scoped_or_404, scope_of, scoped
from yufang.enterprises.selectors import key_enterprise_marks
from yufang.plans.models import Plan
from yufang.plans.selectors import plan_list

from . import services
from .exports import progress_xlsx
from .forms import (
    BaselineUploadForm,
    CompletionFilterForm,
    HistoricUploadForm,
    ProgrammeForm,
    RevokeForm,
    TargetForm,
    TargetPartsForm,
)
from .models import Completion, EnterpriseSet, LegacyBatch, Target, TrainingProgramme
from .permissions import (
    can_import_historic,
    can_manage_targets,
    can_revoke_completion,
    can_set_target_parts,
    can_view_progress,
)
from .selectors import (
    completion_list,
    contributed_by_region,
    plan_progress,
    programme_partway,
    programme_summary,
    target_breakdown,
    with_district_parts,
)
from .selectors import target_parts as target_parts_of


@login_required
def current_progress(request: HttpRequest) -> HttpResponse:
    """The latest issued plan's progress: what leaders open first."""
    _require(can_view_progress(request.user))
    plan = plan_list(user=request.user, status="issued").order_by("-year").first()
    if plan is None:
        plan = plan_list(user=request.user).order_by("-year").first()
    if plan is None:
        raise Http404("尚无实施方案。")
    return redirect("targets:progress", plan_id=plan.pk)


@login_required
def progress(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan.objects.select_related("city"), pk=plan_id)
    _require(can_view_progress(request.user))
    rows = plan_progress(user=request.user, plan=plan)
    if rows and rows[0].district_only and request.user.organisation.region_id:
        rows = with_district_parts(rows, plan=plan, region_id=request.user.organisation.region_id)
    selected = None
    if rows:
        wanted = request.GET.get("target")
        selected = next((r for r in rows if str(r.target.pk) == wanted), rows[0])
    if request.GET.get("export") == "xlsx":
        return attachment(
            progress_xlsx(plan, rows, lambda t: target_breakdown(user=request.user, target=t)),
            f"{plan.year}年度目标进度.xlsx",
            XLSX,
        )
    contributed = None
    if selected and selected.target.is_contributed:
        contributed = contributed_by_region(user=request.user, target=selected.target)
    breakdown = target_breakdown(user=request.user, target=selected.target) if selected and not contributed else None
    key_marks = None
    if selected and selected.target.enterprise_set == EnterpriseSet.KEY:
        key_marks = list(key_enterprise_marks(user=request.user, year=plan.year))
    context = {
        "plan": plan,
        "rows": rows,
        "selected": selected,
        "breakdown": breakdown,
        "chart_data": {
            "region": breakdown.by_region,
            "industry": breakdown.by_industry,
            "position": breakdown.by_position,
            "month": breakdown.by_month,
        }
        if breakdown
        else None,
        "key_marks": key_marks,
        "contributed": contributed,
        "partway": programme_partway(user=request.user, target=selected.target) if selected else None,
        "can_manage": can_manage_targets(request.user)[0],
        "district": rows[0].district_only if rows else False,
    }
    if request.htmx and request.htmx.target == "breakdown":
        return render(request, "targets/progress.html#breakdown", context)
    return render(request, "targets/progress.html", context)


def _target_form_data(form):
    data = dict(form.cleaned_data)
    industries = data.pop("industries")
    positions = data.pop("positions")
    data["min_participants"] = data.get("min_participants") or 1
    return data, industries, positions


@login_required
def target_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan, pk=plan_id)
    _require(can_manage_targets(request.user))
    form = TargetForm(request.POST or None, initial={"deadline": f"{plan.year}-12-31"})
    if request.method == "POST" and form.is_valid():
        data, industries, positions = _target_form_data(form)
        try:
            target = services.target_save(
                actor=request.user, plan=plan, data=data, industries=industries, positions=positions
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, f"目标「{target}」已设定，已按现有培训记录统计。")
            return redirect(reverse("targets:progress", args=[plan.pk]) + f"?target={target.pk}")
    return render(request, "targets/target_form.html", {"form": form, "plan": plan})


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_scoped_or_404(request.user, Target.objects.select_related("plan"), pk=pk)
    _require(can_manage_targets(request.user))
    form = TargetForm(request.POST or None, initial=TargetForm.initial_from(target))
    if request.method == "POST" and form.is_valid():
        data, industries, positions = _target_form_data(form)
        try:
            services.target_save(
                actor=request.user,
                plan=target.plan,
                data=data,
                industries=industries,
                positions=positions,
                target=target,
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "目标已保存并重新统计。")
            return redirect(reverse("targets:progress", args=[target.plan_id]) + f"?target={target.pk}")
    return render(
        request,
        "targets/target_form.html",
        {"form": form, "plan": target.plan, "target": target, "history": history(target)},
    )


@login_required
@require_POST
def target_recount(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_scoped_or_404(request.user, Target, pk=pk)
    _require(can_manage_targets(request.user))
    job = job_start(
        kind="targets.recount", title=f"重新统计：{target.name}", actor=request.user, params={"target_id": target.pk}
    )
    return redirect("core:job", pk=job.pk)


@login_required
@require_POST
def figures_recount(request: HttpRequest) -> HttpResponse:
    """The owner's button: every figure recounted from the raw records in a background job."""
    _require(can_manage_targets(request.user))
    job = job_start(kind="targets.figures_recount", title="全部数字从原始记录重新核对", actor=request.user)
    return redirect("core:job", pk=job.pk)


@login_required
def figures_report(request: HttpRequest, job_id: int) -> HttpResponse:
    _require(can_manage_targets(request.user))
    job = succeeded_job_of(request.user, job_id, kind="targets.figures_recount")
    return render(request, "targets/figures_report.html", {"job": job, "result": job.result})


@login_required
def programme_index(request: HttpRequest) -> HttpResponse:
    _require(can_view_progress(request.user))
    programmes = scoped(request.user, TrainingProgramme).select_related("industry").prefetch_related("positions")
    return render(
        request,
        "targets/programme_list.html",
        {"programmes": programmes, "can_manage": can_manage_targets(request.user)[0]},
    )


def _programme_form_page(request, form, programme=None):
    return render(
        request,
        "targets/programme_form.html",
        {"form": form, "programme": programme, "history": history(programme) if programme else None},
    )


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    _require(can_manage_targets(request.user))
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        positions = data.pop("positions")
        try:
            programme = services.programme_save(
                actor=request.user, data={**data, "city": request.user.organisation.city}, positions=positions
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, f"多年度工程「{programme.name}」已建立，请导入应受训摸底表。")
            return redirect(programme)
    return _programme_form_page(request, form)


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_scoped_or_404(request.user, TrainingProgramme, pk=pk)
    _require(can_manage_targets(request.user))
    form = ProgrammeForm(request.POST or None, initial=ProgrammeForm.initial_from(programme))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        positions = data.pop("positions")
        try:
            services.programme_save(actor=request.user, data=data, positions=positions, programme=programme)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "多年度工程已保存，相关目标已按新规则重新统计。")
            return redirect(programme)
    return _programme_form_page(request, form, programme)


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_scoped_or_404(request.user, TrainingProgramme.objects.select_related("industry"), pk=pk)
    _require(can_view_progress(request.user))
    form = BaselineUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _require(can_manage_targets(request.user))
        if form.is_valid():
            job = job_start(
                kind="targets.baseline_check",
                title=f"校验应受训摸底表：{programme.name}",
                actor=request.user,
                params={"programme_id": programme.pk},
                file=form.cleaned_data["file"],
            )
            return redirect("core:job", pk=job.pk)
    return render(
        request,
        "targets/programme_detail.html",
        {
            "programme": programme,
            "summary": programme_summary(user=request.user, programme=programme),
            "targets": programme.targets.select_related("plan"),
            "form": form,
            "can_manage": can_manage_targets(request.user)[0],
            "history": history(programme),
        },
    )


def _baseline_job(request, job_id) -> Job:
    return succeeded_job_of(request.user, job_id, kind="targets.baseline_check")


@login_required
def baseline_review(request: HttpRequest, job_id: int) -> HttpResponse:
    _require(can_manage_targets(request.user))
    job = _baseline_job(request, job_id)
    programme = get_scoped_or_404(request.user, TrainingProgramme, pk=job.result["programme_id"])
    return render(request, "targets/baseline_review.html", {"job": job, "programme": programme, "result": job.result})


@login_required
@require_POST
def baseline_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    _require(can_manage_targets(request.user))
    job = _baseline_job(request, job_id)
    programme = get_scoped_or_404(request.user, TrainingProgramme, pk=job.result["programme_id"])
    if job.result.get("applied"):
        messages.info(request, "该文件已导入过。")
        return redirect("targets:programme", pk=programme.pk)
    rows = [tuple(r) for r in job.result["good"]]
    count = services.baseline_apply(actor=request.user, programme=programme, rows=rows, job=job)
    messages.success(request, f"已导入 {count} 行应受训摸底数据；{len(job.result['errors'])} 行错误未导入。")
    return redirect("targets:programme", pk=programme.pk)


# --- Historic records (原系统记录) ---------------------------------------------------------------


def _require_historic(user):
    _require(can_import_historic(user))


@login_required
def historic_index(request: HttpRequest) -> HttpResponse:
    """The batches of historic records, and the upload that starts an import."""
    # Batches are programme-wide records: officials of the city see them, a district does not.
    if not request.user.has_role("programme_owner", "agency_staff", "partner"):
        raise PermissionDenied("原系统记录批次仅对市人社局、经办机构和协同部门开放。")
    can_import = can_import_historic(request.user)[0]
    form = HistoricUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _require_historic(request.user)
        if form.is_valid():
            data = form.cleaned_data
            provider = data["provider"]
            job = job_start(
                kind="targets.historic_check",
                title=f"校验原系统记录：{data['name']}",
                actor=request.user,
                params={
                    "city_id": request.user.organisation.city_id,
                    "batch": {
                        "name": data["name"],
                        "year": data["year"],
                        "provider_id": provider.pk if provider else None,
                        "source_document": data["source_document"],
                        "description": data["description"],
                    },
                },
                file=data["file"],
            )
            return redirect("core:job", pk=job.pk)
    batches = LegacyBatch.objects.select_related("provider").order_by("-year", "-pk")
    return render(request, "targets/historic_list.html", {"batches": batches, "form": form, "can_import": can_import})


def _historic_job(request, job_id) -> Job:
    _require_historic(request.user)
    return succeeded_job_of(request.user, job_id, kind="targets.historic_check")


@login_required
def historic_review(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _historic_job(request, job_id)
    return render(
        request, "targets/historic_review.html", {"job": job, "result": job.result, "batch": job.params["batch"]}
    )


@login_required
@require_POST
def historic_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    """Checks the same file again as the data stands now, then writes the valid rows."""
    from yufang.accounts.models import Organisation

    from .historic import historic_check

    job = _historic_job(request, job_id)
    if job.result.get("applied"):
        messages.info(request, "该文件已导入过。")
        return redirect("targets:historic")
    batch = dict(job.params["batch"])
    provider_id = batch.pop("provider_id", None)
    batch["provider"] = Organisation.objects.filter(pk=provider_id).first() if provider_id else None
    with job.file.open("rb") as f:
        checked = historic_check(f, job.file.name, city_id=job.params["city_id"], year=batch["year"])
    try:
        with job.file.open("rb") as f:
            record = services.historic_import_apply(actor=request.user, batch=batch, checked=checked, job=job, file=f)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("targets:historic_review", job_id=job.pk)
    messages.success(
        request, f"已导入原系统记录「{record.name}」{record.rows} 行；{len(checked.errors)} 行错误未导入。"
    )
    return redirect("targets:historic")


COMPLETION_COLUMNS = [
    Column("姓名", lambda c: c.person.name, 10),
    Column("身份证号", lambda c: mask_id_number(c.person.id_number), 22),
    Column("年度", lambda c: c.year, 8),
    Column("方式", lambda c: c.get_mode_display(), 10),
    Column("完成日期", lambda c: c.completed_on, 12),
    Column("企业", lambda c: c.enterprise.name if c.enterprise else "", 28),
    Column("区县", lambda c: c.region.name if c.region else "", 10),
    Column("行业", lambda c: c.industry.name if c.industry else "", 12),
    Column("岗位", lambda c: c.position.name if c.position else "", 16),
    Column("服务机构", lambda c: c.provider.name if c.provider else "", 24),
    Column("来源", lambda c: "原系统记录" if c.historic else "平台记录", 12),
    Column("依据", lambda c: c.source_repr, 30),
    Column("撤销", lambda c: f"已撤销：{c.revocation.reason}" if c.revoked_at else "", 30),
]


COMPLETION_EXPORT = export_source(
    "completions",
    "培训完成记录",
    COMPLETION_COLUMNS,
    lambda user, query: completion_list(user=user, **CompletionFilterForm(query).values()),
)


@login_required
def completion_index(request: HttpRequest) -> HttpResponse:
    return list_response(
        request,
        queryset=COMPLETION_EXPORT.queryset(request.user, request.GET),
        filter_form=CompletionFilterForm(request.GET),
        template="targets/completion_list.html",
        export_source=COMPLETION_EXPORT,
    )


def _basis_of(request: HttpRequest, token: str):
    """The record a revocation rests on, as the user may see it (404 otherwise)."""
    from django.contrib.contenttypes.models import ContentType

    try:
        app_label, model, pk = token.split(".")
        model_class = ContentType.objects.get_by_natural_key(app_label, model).model_class()
    except (ValueError, ContentType.DoesNotExist):
        raise Http404("撤销依据不存在。") from None
    if model_class is None or not hasattr(model_class, "revocation_allows") or not pk.isdigit():
        raise Http404("撤销依据不存在。")
    return get_scoped_or_404(request.user, model_class, pk=int(pk))


@login_required
def completion_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency revokes a completion that proved false, on a confirmed flag or a call-back."""
    completion = get_scoped_or_404(
        request.user, Completion.objects.select_related("person", "provider", "project", "region"), pk=pk
    )
    _require(can_revoke_completion(request.user))
    token = request.POST.get("basis") or request.GET.get("basis", "")
    basis = _basis_of(request, token)
    allowed, refusal = basis.revocation_allows(completion)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and allowed and not completion.revoked_at:
        try:
            services.completion_revoke(
                completion=completion,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
                basis=basis,
                actor=request.user,
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, f"已撤销「{completion}」，相关目标与项目报告数字已随之调整。")
            return redirect(basis.get_absolute_url())
    return render(
        request,
        "targets/completion_revoke.html",
        {"completion": completion, "basis": basis, "token": token, "form": form, "refusal": refusal},
    )


def _parts_xlsx(table) -> HttpResponse:
    t = table.target
    basis = "市人社局分解" if table.is_set else "建议（按企业登记参保人数占比，尚未分解）"
    columns = [
        Column("区县", lambda r: r.region.name, 16),
        Column("分解数", lambda r: r.value, 12),
        Column("依据", lambda r: basis, 36),
        Column("建议分解数（参保人数占比）", lambda r: r.proposed, 24),
        Column("已完成", lambda r: r.done, 12),
    ]
    return xlsx_response(f"{t.plan.year}年{t.name}分解到区县", columns, table.rows)


@login_required
def target_parts(request: HttpRequest, pk: int) -> HttpResponse:
    """A target's parts by district: the owner sets them (prefilled with the proposed split by
    insured headcount until set); officials read the table, a district officer its own row."""
    target = get_scoped_or_404(request.user, Target.objects.select_related("plan"), pk=pk)
    _require(can_view_progress(request.user))
    table = target_parts_of(user=request.user, target=target)
    if request.GET.get("export") == "xlsx":
        return _parts_xlsx(table)
    verdict = can_set_target_parts(request.user, target)
    form = TargetPartsForm(request.POST or None, table=table) if verdict.allowed else None
    if request.method == "POST":
        _require(verdict, page=True)
        if form.is_valid():
            try:
                services.target_parts_set(target=target, parts=form.parts(), actor=request.user)
            except ValidationError as e:
                form_errors_from(form, e)
            else:
                messages.success(request, f"「{target.name}」已分解到区县。")
                return redirect("targets:parts", pk=target.pk)
    return render(
        request,
        "targets/target_parts.html",
        {
            "target": target,
            "plan": target.plan,
            "table": table,
            "form": form,
            "refusal": verdict.reason,
            "district": scope_of(request.user).kind == ScopeKind.REGION,
            "history": history(target).filter(event="parts_set") if verdict.allowed else None,
        },
    )
