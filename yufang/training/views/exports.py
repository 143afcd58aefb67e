"""Exports: a session's roster and attendance, a project's training archive (full exports audited)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yufang.core import audit
from yufang.core.export import XLSX, attachment, xlsx_bytes
from yufang.core.models import AuditAction
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.projects.models import Project

from .. import permissions as may
from ..exports import attendance_columns, project_archive, roster_columns, roster_rows
from ..models import Attendance
from ..selectors import (
    flag_list,
    roster_list,
    session_list,
)
from .sessions import _session

# --- Exports ----------------------------------------------------------------------------------------


def _full(request, session) -> bool:
    """Full ID numbers only when asked for, to a role that needs them; audited."""
    if request.GET.get("full") != "1":
        return False
    if not may.may_export_full_ids(request.user, session):
        raise PermissionDenied("您的角色只能导出脱敏后的身份证号。")
    return True


def _audit_export(request, instance, what: str, rows: int) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        instance=instance,
        event=what,
        extra={"rows": rows, "full_id_numbers": True},
    )


@login_required
def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    full = _full(request, session)
    rows = list(roster_list(user=request.user, session=session)) if not full else list(roster_rows(session))
    if full:
        _audit_export(request, session, "roster_export", len(rows))
    return attachment(xlsx_bytes("花名册", roster_columns(full), rows), f"花名册_{session.pk}.xlsx", XLSX)


@login_required
def attendance_export(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    full = _full(request, session)
    rows = list(scoped(request.user, Attendance).filter(session=session).select_related("person", "person__enterprise"))
    if full:
        _audit_export(request, session, "attendance_export", len(rows))
    return attachment(xlsx_bytes("签到记录", attendance_columns(full), rows), f"签到记录_{session.pk}.xlsx", XLSX)


@login_required
def project_training(request: HttpRequest, project_pk: int) -> HttpResponse:
    """A project's sessions and flags; with ?export=archive the training archive (培训档案)."""
    project = get_scoped_or_404(request.user, Project.objects.select_related("provider", "plan"), pk=project_pk)
    if request.GET.get("export") == "archive":
        if not (may.provider_of(request.user, project)[0] or request.user.is_official):
            raise PermissionDenied("培训档案由服务机构和主管部门导出。")
        full = request.GET.get("full") == "1" and may.may_export_full_ids(request.user, project)
        content = project_archive(project, full=full)
        if full:
            _audit_export(request, project, "training_archive", 0)
        return attachment(content, f"培训档案_{project.name}.xlsx", XLSX)
    return render(
        request,
        "training/project.html",
        {
            "project": project,
            "sessions": session_list(user=request.user, project=project),
            "flags": flag_list(user=request.user, project=project)[:200],
            "can_schedule": may.can_schedule(request.user, project)[0],
        },
    )
