"""The completion report pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yufang.core.audit import history
from yufang.core.files import serve_upload
from yufang.core.forms import form_errors_from
from yufang.core.permissions import require as _require
from yufang.core.registry import COMPLETION_PANELS, contributions
from yufang.core.scoping import get_scoped_or_404

from .. import permissions as may
from .. import selectors, services
from ..forms import CompletionForm
from ..models import CompletionReport
from .base import _form_page, _project


@login_required
def completion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _require(may.can_write_completion(request.user, project), page=True)
    report = CompletionReport.objects.filter(project=project).first()
    if report is not None:
        figures = list(report.figures.all())
        prefill = {f.pk: selectors.platform_count(project, f) for f in figures}
        initial = {p: getattr(report, p) for p in CompletionReport.PARTS}
    else:
        figures, prefill = [], {}
        initial = selectors.completion_defaults(project)
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
        intro="完成数量取自平台记录（实名培训记录、已举办场次、已验收的宣传成果；首次保存后生成），填报数不能高于平台记录。",
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
    report = get_scoped_or_404(request.user, CompletionReport.objects.select_related("project"), pk=pk)
    # The apps built on projects add their own sections (the training app: flags of the offline
    # sessions); each source returns rendered HTML for this request and project.
    panels = [source(request, report.project) for source in contributions(COMPLETION_PANELS)]
    return render(
        request,
        "projects/completion_detail.html",
        {
            "c": report,
            "p": report.project,
            "held": selectors.sessions_held(report.project),
            "edit": may.can_write_completion(request.user, report.project),
            "panels": panels,
            "history": history(report),
        },
    )
