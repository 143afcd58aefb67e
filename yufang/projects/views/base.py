"""What the project pages share: the permission guard, the transition form handler, the form page
and the scoped project lookup."""

from django.http import HttpResponse
from django.shortcuts import render

from yufang.core.scoping import get_scoped_or_404

from ..models import Project


def _form_page(request, title: str, cancel: str, **context) -> HttpResponse:
    return render(request, "projects/form.html", {"title": title, "cancel": cancel, **context})


def _project(request, pk: int) -> Project:
    return get_scoped_or_404(
        request.user, Project.objects.select_related("agreement", "agreement__agency", "provider", "plan"), pk=pk
    )
