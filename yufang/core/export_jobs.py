"""Large exports as background jobs. A list names its export (`ExportSource`): the columns and
how to build its filtered queryset from the user and the page's query string, so the worker
builds exactly the list the user was looking at. Up to `YUFANG_EXPORT_INSTANT_ROWS` rows the
file comes back at once; above, a job writes it in streaming mode with a progress bar and the
job page offers the download."""

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import get_resolver, reverse
from django.utils import timezone

from .export import Column, xlsx_response, xlsx_write
from .jobs import JobFailed, JobProgress, job_start, register
from .models import Job

EXPORT_KIND = "export.xlsx"


@dataclass(frozen=True)
class ExportSource:
    name: str
    title: str
    columns: list[Column]
    # (user, the page's query string) -> the filtered, scoped queryset the page lists.
    queryset: Callable[[Any, QueryDict], QuerySet]


_sources: dict[str, ExportSource] = {}


def export_source(
    name: str, title: str, columns: list[Column], queryset: Callable[[Any, QueryDict], QuerySet]
) -> ExportSource:
    source = ExportSource(name, title, columns, queryset)
    _sources[name] = source
    return source


def instant_limit() -> int:
    return settings.YUFANG_EXPORT_INSTANT_ROWS


def export_response(
    request: HttpRequest, source: ExportSource, queryset: QuerySet, hook: Callable | None = None
) -> HttpResponse:
    """A small list's file at once; a large one's job, and the page that watches it."""
    count = queryset.count()
    if hook is not None:
        hook(request, count)
    if count <= instant_limit():
        return xlsx_response(source.title, source.columns, queryset.iterator(chunk_size=2000))
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("page", None)
    job = job_start(
        kind=EXPORT_KIND,
        title=f"导出{source.title}（{count:,} 条）",
        actor=request.user,
        params={"source": source.name, "query": query.urlencode()},
    )
    return redirect("core:job", pk=job.pk)


def _counted(rows: Iterator[Any], progress: JobProgress) -> Iterator[Any]:
    done = 0
    for row in rows:
        yield row
        done += 1
        progress.step(done, "正在写入 Excel")


@register(EXPORT_KIND)
def run_export(job: Job, progress: JobProgress) -> dict[str, Any]:
    get_resolver().url_patterns  # noqa: B018 - imports the views, which name their exports
    source = _sources.get(job.params.get("source", ""))
    if source is None:
        raise JobFailed("该导出已不再提供。")
    # Scoped by the job's starter: the worker sees what they saw, no more.
    queryset = source.queryset(job.created_by, QueryDict(job.params.get("query", "")))
    progress.total(queryset.count(), "正在读取数据")
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    filename = f"{source.title}_{stamp}.xlsx"
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        xlsx_write(tmp.name, source.title, source.columns, _counted(queryset.iterator(chunk_size=2000), progress))
        progress.step(job.total, "已完成", force=True)
        with open(tmp.name, "rb") as handle:
            job.file.save(filename, File(handle), save=False)
    url = reverse("core:job_download", args=[job.pk])
    Job.objects.filter(pk=job.pk).update(file=job.file.name, result_url=url)
    return {"download": True, "filename": filename, "rows": job.total}
