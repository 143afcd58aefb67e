"""Implementation plan version pages: the plan form with its cost and indicator rows, detail and
transitions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.forms import form_errors_from
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404
from yufang.core.transitions import transition_response as _perform

from .. import permissions as may
from .. import selectors, services
from ..forms import CostItemFormSet, PlanIndicatorFormSet, PlanVersionForm
from ..models import PlanVersion, Project
from .base import _project


def _rows(formset, keys) -> list[dict]:
    return [
        {k: f.cleaned_data.get(k) for k in keys}
        for f in formset
        if f.cleaned_data and (f.cleaned_data.get("amount") is not None or f.cleaned_data.get("planned"))
    ]


def _plan_form(request, project: Project, version: PlanVersion | None):
    if version is not None:
        initial_costs, initial_indicators = _version_rows(version)
        form = PlanVersionForm(request.POST or None, instance=PlanVersion.objects.get(pk=version.pk))
    else:
        initial, initial_costs, initial_indicators = _new_version_initial(project)
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
        try:
            saved = _plan_save(request, project, version, form, costs, indicators)
        except ValidationError as e:
            _plan_errors(e, form, costs, indicators)
    return form, costs, indicators, saved


def _version_rows(version: PlanVersion) -> tuple[list[dict], list[dict]]:
    """A version's cost and indicator rows as the formsets' initial data."""
    costs = [{"category": c.category, "name": c.name, "amount": c.amount} for c in version.cost_items.all()]
    indicators = [
        {
            "kind": i.kind,
            "description": i.description,
            "industry": i.industry,
            "position": i.position,
            "planned": i.planned,
        }
        for i in version.indicators.all()
    ]
    return costs, indicators


def _new_version_initial(project: Project) -> tuple[dict, list[dict], list[dict]]:
    """A new version starts from the latest one, or for the first from the project and the
    agreement's indicators."""
    base = project.plan_versions.order_by("-number").first()
    if base is not None:
        initial = {f: getattr(base, f) for f in services.PLAN_FIELDS if f != "change_reason"}
        return initial, *_version_rows(base)
    initial = {
        "title": project.name,
        "start_date": project.agreement.period_start,
        "completion_date": project.deadline,
        "report_interval_months": 1,
    }
    return initial, [], selectors.plan_indicator_defaults(project)


def _plan_save(request, project: Project, version: PlanVersion | None, form, costs, indicators) -> PlanVersion:
    cost_rows = _rows(costs, ("category", "name", "amount"))
    indicator_rows = _rows(indicators, ("kind", "description", "industry", "position", "planned"))
    if version is None:
        return services.plan_version_create(
            project=project,
            data=form.cleaned_data,
            cost_items=cost_rows,
            indicators=indicator_rows,
            actor=request.user,
        )
    return services.plan_version_update(
        version=version,
        data=form.cleaned_data,
        cost_items=cost_rows,
        indicators=indicator_rows,
        actor=request.user,
    )


def _plan_errors(e: ValidationError, form, costs, indicators) -> None:
    """The service's refusal shown where it belongs: cost and indicator errors above their
    formsets, the rest beside the form's fields."""
    if hasattr(e, "error_dict"):
        for key in ("cost_items", "indicators"):
            if key in e.error_dict:
                target = costs if key == "cost_items" else indicators
                target._non_form_errors = target.error_class([m for err in e.error_dict.pop(key) for m in err.messages])
        if e.error_dict:
            form_errors_from(form, e)
    else:
        form_errors_from(form, e)


@login_required
def plan_version_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _require(may.can_file_plan(request.user, project), page=True)
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
    _require(may.can_edit_plan_version(request.user, version), page=True)
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
            "edit": may.can_edit_plan_version(request.user, version),
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
