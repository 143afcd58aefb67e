from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yufang.core.jobs import jobs_fail_stalled

from .export_jobs import EXPORT_KIND, export_source
from .forms import AuditFilterForm
from .listing import Column, list_response
from .models import Job
from .permissions import can_view_audit_log
from .registry import nav_entries_for, panels_for, todos_for
from .selectors import audit_log_search


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "lead_panels": panels_for(user, lead=True),
            "todos": todos_for(user),
            "panels": panels_for(user, lead=False),
            "nav_singles": [e for e in nav_entries_for(user) if not e.is_group],
        },
    )


AUDIT_COLUMNS = [
    Column("时间", lambda a: a.occurred_at, 20),
    Column("操作人", lambda a: a.actor_repr, 24),
    Column("动作", lambda a: a.get_action_display(), 10),
    Column("事件", lambda a: a.event, 14),
    Column("记录类型", lambda a: a.record_type, 14),
    Column("记录", lambda a: a.object_repr, 30),
    Column("变更", lambda a: a.changes_text, 60),
    Column("客户端地址", lambda a: a.client_ip, 16),
]


def _audit_rows(user, query):
    allowed, reason = can_view_audit_log(user)
    if not allowed:
        raise PermissionDenied(reason)
    return audit_log_search(**AuditFilterForm(query).values()).select_related("content_type")


AUDIT_EXPORT = export_source("audit", "审计记录", AUDIT_COLUMNS, _audit_rows)


@require_GET
@login_required
def audit_log_list(request: HttpRequest) -> HttpResponse:
    queryset = _audit_rows(request.user, request.GET)
    return list_response(
        request,
        queryset=queryset,
        filter_form=AuditFilterForm(request.GET),
        template="core/audit_list.html",
        export_source=AUDIT_EXPORT,
    )


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A job is its starter's; officials see every job.
    job = get_object_or_404(Job, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_programme_owner:
        raise Http404("未找到该任务。")
    if not job.finished and jobs_fail_stalled(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    template = "core/job.html#progress" if request.htmx else "core/job.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file an export job wrote, for the user who started it."""
    job = get_object_or_404(Job, pk=pk, created_by=request.user, kind=EXPORT_KIND)
    if not job.file:
        raise Http404("文件尚未生成。")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.result.get("filename", "导出.xlsx"))
