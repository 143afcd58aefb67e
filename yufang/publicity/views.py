"""Publicity pages: the deliverables list and a deliverable's page with its evidence and review,
recording and editing deliverables, a project's planned quantities, the per-plan page of
planned against delivered, and the deliverable kinds (reference data)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.core.transitions import error_text
from yufang.core.transitions import transition_response as _perform
from yufang.plans.models import Plan
from yufang.projects.models import Project

from . import fields as kind_fields
from . import permissions as may
from . import previews, services
from .flags import project_period, taken_outside
from .forms import (
    DeliverableFilterForm,
    DeliverableForm,
    DeliverableKindForm,
    EvidenceForm,
    PlanFilterForm,
    PlanForm,
)
from .models import Deliverable, DeliverableKind, Evidence, PlannedQuantity
from .selectors import (
    deliverable_list,
    evidence_list,
    indicator_minimums,
    kind_list,
    planned_list,
    totals_by_kind,
)

DELIVERABLE_COLUMNS = [
    Column("编号", lambda d: d.pk, 8),
    Column("成果类型", lambda d: d.kind.name, 14),
    Column("名称", lambda d: d.title, 30),
    Column("数量", lambda d: d.quantity, 8),
    Column("单位", lambda d: d.kind.unit, 6),
    Column("完成日期", lambda d: d.delivered_on.isoformat(), 12),
    Column("面向区县", lambda d: "、".join(r.name for r in d.regions.all()) or "全市", 16),
    Column("项目", lambda d: d.project.name, 30),
    Column("服务机构", lambda d: d.project.provider.name, 24),
    Column("成果信息", lambda d: "；".join(f"{k}：{v}" for k, v in kind_fields.readable(d.kind.fields, d.details)), 50),
    Column("状态", lambda d: d.get_status_display(), 12),
    Column("审核意见", lambda d: d.review_note, 30),
]


def _projects_to_record(user) -> list[Project]:
    if not user.has_role("provider_staff"):
        return []
    projects = scoped(user, Project).filter(provider_id=user.organisation_id).select_related("agreement__item__line")
    return [p for p in projects if may.can_record(user, p).allowed]


@login_required
def deliverable_index(request: HttpRequest) -> HttpResponse:
    form = DeliverableFilterForm(request.GET)
    return list_response(
        request,
        queryset=deliverable_list(user=request.user, **form.values()),
        filter_form=form,
        template="publicity/deliverable_list.html",
        export_columns=DELIVERABLE_COLUMNS,
        export_name="宣传成果",
        context={"projects": _projects_to_record(request.user)},
    )


def _deliverable(request, pk) -> Deliverable:
    return get_scoped_or_404(
        request.user,
        Deliverable.objects.select_related("project__provider", "project__agreement", "kind"),
        pk=pk,
    )


def _with_previews(evidence, deliverable: Deliverable) -> list[Evidence]:
    """The evidence rows, each with its preview or the reason for none (a row uploaded before
    previews were made at upload gets its preview now, once) and whether a photo was taken
    outside the project's period."""
    period = project_period(deliverable.project)
    rows = list(evidence)
    for e in rows:
        previews.ensure(e)
        e.outside_period = taken_outside(e.taken_at, period)
    return rows


@login_required
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(request, pk)
    edit = may.can_edit(request.user, deliverable)
    return render(
        request,
        "publicity/deliverable_detail.html",
        {
            "d": deliverable,
            "details": kind_fields.readable(deliverable.kind.fields, deliverable.details),
            "regions": deliverable.regions.all(),
            "evidence": _with_previews(evidence_list(user=request.user, deliverable=deliverable), deliverable),
            "edit": edit,
            "upload_form": EvidenceForm() if edit.allowed else None,
            "transitions": services.DELIVERABLE_WORKFLOW.options(deliverable, request.user),
            "transition_url": reverse("publicity:transition", args=[deliverable.pk]),
            "history": history(deliverable),
        },
    )


@login_required
def deliverable_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = get_scoped_or_404(request.user, Project.objects.select_related("agreement__item__line"), pk=project_pk)
    _require(may.can_record(request.user, project), page=True)
    planned = (
        PlannedQuantity.objects.filter(project=project, planned__gt=0, kind__is_active=True)
        .select_related("kind")
        .order_by("kind__sort_order", "kind_id")
    )
    kinds = [p.kind for p in planned]
    kind = next((k for k in kinds if str(k.pk) == request.GET.get("kind", "")), None)
    if kind is None:
        return render(request, "publicity/kind_choice.html", {"p": project, "kinds": kinds})
    form = DeliverableForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        data, regions = form.data_for_service()
        try:
            deliverable = services.deliverable_create(
                project=project, kind=kind, data=data, regions=regions, actor=request.user
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, f"已记录「{deliverable}」：请上传佐证材料后提交审核。")
            return redirect(deliverable)
    return render(
        request,
        "publicity/form.html",
        {
            "form": form,
            "title": f"记录{kind.name}：{project}",
            "kind": kind,
            "cancel": reverse("publicity:list"),
        },
    )


@login_required
def deliverable_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(request, pk)
    _require(may.can_edit(request.user, deliverable), page=True)
    form = DeliverableForm(request.POST or None, instance=deliverable, kind=deliverable.kind)
    if request.method == "POST" and form.is_valid():
        data, regions = form.data_for_service()
        try:
            services.deliverable_update(
                deliverable=Deliverable.objects.get(pk=pk), data=data, regions=regions, actor=request.user
            )
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "宣传成果已保存。")
            return redirect(deliverable)
    return render(
        request,
        "publicity/form.html",
        {
            "form": form,
            "title": f"修改：{deliverable}",
            "kind": deliverable.kind,
            "cancel": deliverable.get_absolute_url(),
            "history": history(deliverable),
        },
    )


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
        return redirect(deliverable)
    try:
        evidence = services.evidence_add(deliverable=deliverable, file=form.cleaned_data["file"], actor=request.user)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        if evidence.reused_from_id:
            messages.warning(
                request,
                f"已上传「{evidence.original_name}」，但同一文件已是另一项宣传成果的佐证："
                "已标记为异常线索，经办机构审核时会看到两项成果。",
            )
        else:
            messages.success(request, f"已上传「{evidence.original_name}」。")
    return redirect(deliverable)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_scoped_or_404(request.user, Evidence, pk=pk)
    return serve_upload(evidence.file, filename=evidence.original_name, inline=True)


@login_required
def evidence_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence's preview image, to whoever may see the evidence itself."""
    evidence = get_scoped_or_404(request.user, Evidence, pk=pk)
    previews.ensure(evidence)
    return serve_upload(evidence.preview, filename=f"预览-{evidence.original_name}", inline=True)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_scoped_or_404(request.user, Evidence.objects.select_related("deliverable"), pk=pk)
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"已删除佐证「{evidence.original_name}」。")
    return redirect(evidence.deliverable)


@login_required
@require_POST
def deliverable_transition(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(request, pk)
    return _perform(
        request,
        lambda **kw: services.deliverable_transition(deliverable=deliverable, actor=request.user, **kw),
        deliverable,
    )


# --- Planned against delivered -----------------------------------------------------------------


@login_required
def plan_edit(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = get_scoped_or_404(request.user, Project.objects.select_related("agreement__item__line"), pk=project_pk)
    _require(may.can_plan(request.user, project), page=True)
    current = dict(PlannedQuantity.objects.filter(project=project).values_list("kind_id", "planned"))
    kinds = DeliverableKind.objects.filter(is_active=True) | DeliverableKind.objects.filter(pk__in=current)
    form = PlanForm(request.POST or None, kinds=kinds.distinct(), current=current, minimums=indicator_minimums(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.publicity_plan_save(project=project, planned=form.planned(), actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, "宣传计划数量已保存。")
            return redirect(project)
    return render(
        request,
        "publicity/form.html",
        {"form": form, "title": f"宣传计划数量：{project}", "cancel": project.get_absolute_url()},
    )


PLAN_COLUMNS = [
    Column("项目", lambda r: r.project.name, 30),
    Column("服务机构", lambda r: r.project.provider.name, 24),
    Column("成果类型", lambda r: r.kind.name, 14),
    Column("单位", lambda r: r.kind.unit, 6),
    Column("计划数量", lambda r: r.planned, 10),
    Column("已验收数量", lambda r: r.delivered, 10),
    Column("待审核数量", lambda r: r.pending, 10),
    Column("完成率（%）", lambda r: round(r.delivered * 100 / r.planned) if r.planned else "", 10),
]


@login_required
def plan_index(request: HttpRequest) -> HttpResponse:
    plans = scoped(request.user, Plan).order_by("-year")
    first = plans.first()
    if first is not None and "all" not in request.GET:
        return redirect("publicity:plan", plan_pk=first.pk)
    return render(request, "publicity/plan_index.html", {"plans": plans})


@login_required
def plan_progress(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request.user, Plan, pk=plan_pk)
    form = PlanFilterForm(request.GET)
    rows = planned_list(user=request.user, plan=plan, **form.values())
    return list_response(
        request,
        queryset=rows,
        filter_form=form,
        template="publicity/plan_progress.html",
        export_columns=PLAN_COLUMNS,
        export_name=f"{plan.year}年工伤预防宣传计划与完成",
        context={
            "plan": plan,
            "totals": totals_by_kind(rows),
            "plans": scoped(request.user, Plan).order_by("-year"),
        },
    )


# --- Kinds (reference data) --------------------------------------------------------------------


@login_required
def kind_index(request: HttpRequest) -> HttpResponse:
    _require(may.can_edit_kinds(request.user), page=True)
    kinds = [(k, kind_fields.readable_specs(k.fields)) for k in kind_list(user=request.user)]
    return render(request, "publicity/kind_list.html", {"kinds": kinds})


@login_required
def kind_create(request: HttpRequest) -> HttpResponse:
    _require(may.can_edit_kinds(request.user), page=True)
    form = DeliverableKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.deliverable_kind_create(data=form.data_for_service(), actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, f"已新增宣传成果类型「{kind}」。")
            return redirect("publicity:kind_list")
    return render(
        request,
        "publicity/form.html",
        {"form": form, "title": "新增宣传成果类型", "cancel": reverse("publicity:kind_list")},
    )


@login_required
def kind_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(may.can_edit_kinds(request.user), page=True)
    kind = get_scoped_or_404(request.user, DeliverableKind, pk=pk)
    form = DeliverableKindForm(request.POST or None, instance=get_scoped_or_404(request.user, DeliverableKind, pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.deliverable_kind_update(kind=kind, data=form.data_for_service(), actor=request.user)
        except ValidationError as e:
            form_errors_from(form, e)
        else:
            messages.success(request, f"已保存宣传成果类型「{kind}」。")
            return redirect("publicity:kind_list")
    return render(
        request,
        "publicity/form.html",
        {
            "form": form,
            "title": f"修改宣传成果类型：{kind}",
            "cancel": reverse("publicity:kind_list"),
            "history": history(kind),
        },
    )
