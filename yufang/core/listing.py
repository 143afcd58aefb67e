"""Lists: filter, paginate, render the page or its HTMX fragment, export to Excel.
Every list page in the platform goes through `list_response`."""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .export import Column, xlsx_response
from .widgets import StyledFormMixin


class FilterForm(StyledFormMixin, forms.Form):
    """A GET form whose cleaned values a selector takes as keyword arguments."""

    compact = True

    def values(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}


def list_response(
    request: HttpRequest,
    *,
    queryset: models.QuerySet,
    template: str,
    filter_form: FilterForm | None = None,
    export_columns: list[Column] | None = None,
    export_name: str = "导出",
    export_hook: Callable[[HttpRequest, int], None] | None = None,
    context: dict[str, Any] | None = None,
    page_size: int | None = None,
    export_source=None,
) -> HttpResponse:
    """`export_source` (core.export_jobs.ExportSource): a list that can grow large exports in
    the background above the instant limit; `export_columns` alone always exports at once."""
    if request.GET.get("export") == "xlsx" and export_source is not None:
        from .export_jobs import export_response

        return export_response(request, export_source, queryset, export_hook)
    if request.GET.get("export") == "xlsx" and export_columns:
        rows: Iterable[Any] = queryset.iterator(chunk_size=2000)
        if export_hook is not None:
            export_hook(request, queryset.count())
        return xlsx_response(export_name, export_columns, rows)
    paginator = Paginator(queryset, page_size or settings.YUFANG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    ctx = {
        "page_obj": page,
        "object_list": page.object_list,
        "filter_form": filter_form,
        "querystring": query.urlencode(),
        # The filters as fields, so the page jump keeps them.
        "query_pairs": [(key, value) for key, values in query.lists() for value in values],
        "exportable": bool(export_columns or export_source),
        **(context or {}),
    }
    if getattr(request, "htmx", False) and request.htmx.target == "results":
        return TemplateResponse(request, f"{template}#results", ctx)
    return TemplateResponse(request, template, ctx)
