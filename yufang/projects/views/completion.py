"""The completion report pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yufang.accounts.views import form_errors_from
from yufang.core.audit import history
from yufang.core.scoping import ScopeKind, get_scoped_or_404, scope_of

from .. import permissions as may
from .. import services
from ..forms import CompletionForm
from ..models import CompletionReport, ProjectStatus
from .base import _form_page, _project, _require


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
            "can_edit": may.provider_of(request.user, report)[0] and report.project.status == ProjectStatus.IN_PROGRESS,
            "flag_groups": flag_groups,
            "has_sessions": bool(flag_groups) or session_list(user=request.user, project=report.project).exists(),
            "district_only": scope_of(request.user).kind == ScopeKind.REGION,
            "history": history(report),
        },
    )
