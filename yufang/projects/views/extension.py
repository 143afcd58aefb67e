"""Extension request and detail pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yufang.core.audit import history
from yufang.core.forms import form_errors_from
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404

from .. import permissions as may
from .. import services
from ..forms import ExtensionForm
from ..models import Extension
from .base import _form_page, _project


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
