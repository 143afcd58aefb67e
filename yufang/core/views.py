from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yufang.core.jobs import jobs_fail_stalled

from .forms import AuditFilterForm
from .listing import Column, list_response
from .models import Job
from .permissions import can_view_audit_log
from .registry import panels_for, todos_for
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
    return render(request, "core/home.html", {"todos": todos_for(request.user), "panels": panels_for(request.user)})


AUDIT_COLUMNS = [
    Column("时间", lambda a: a.occurred_at, 20),
    Column("操作人", lambda a: a.actor_repr, 24),
    Column("动作", lambda a: a.get_action_display(), 10),
    Column("事件", lambda a: a.event, 14),
    Column("记录类型", lambda a: a.record_type, 14),
    Column("记录", lambda a: a.object_repr, 30),
    Column("变更", lambda a: a.changes, 60),
    Column("客户端地址", lambda a: a.client_ip, 16),
]


@require_GET
@login_required
def audit_log_list(request: HttpRequest) -> HttpResponse:
    allowed, reason = can_view_audit_log(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    form = AuditFilterForm(request.GET)
    return list_response(
        request,
        queryset=audit_log_search(**form.values()),
        filter_form=form,
        template="core/audit_list.html",
        export_columns=AUDIT_COLUMNS,
        export_name="审计记录",
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
