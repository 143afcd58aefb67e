"""Evaluation and acceptance pages: convening the panel, scoring, the detail page and the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.export import attachment
from yufang.core.forms import form_errors_from
from yufang.core.permissions import require as _require
from yufang.core.registry import COMPLETION_PANELS, contributions
from yufang.core.scoping import get_scoped_or_404
from yufang.core.transitions import error_text as _error_text

from .. import permissions as may
from .. import selectors, services
from ..forms import ConveneForm, ScoreForm, panel_candidates
from ..models import Acceptance, ProjectStatus
from ..pdf import acceptance_pdf
from .base import _form_page, _project


@login_required
def acceptance_convene(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _require(may.can_convene(request.user, project), page=True)
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
    score = may.can_score(user, acceptance)
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
            "average": selectors.acceptance_average(acceptance),
            "form": ScoreForm(indicators=indicators) if score.allowed else None,
            "score": score,
            "options": services.PROJECT_WORKFLOW.options(acceptance.project, user)
            if acceptance.project.status == ProjectStatus.AWAITING_ACCEPTANCE
            else [],
            # What the completion report's sections show (planned against delivered per kind,
            # the flags), before the group that scores against them.
            "panels": [
                html for source in contributions(COMPLETION_PANELS) if (html := source(request, acceptance.project))
            ],
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
