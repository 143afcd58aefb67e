"""Fraud flags: the list, a flag's page, and deciding one or several."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.listing import Column, list_response
from yufang.core.scoping import get_scoped_or_404, scoped
from yufang.targets.permissions import can_revoke_completion
from yufang.targets.selectors import person_completions, revoke_url

from .. import permissions as may
from .. import services
from ..forms import FlagFilterForm
from ..models import Flag, FlagStatus
from ..selectors import (
    flag_evidence,
    flag_list,
)
from .sessions import _messages_of

# --- Flags ------------------------------------------------------------------------------------------

FLAG_COLUMNS = [
    Column("发现时间", lambda f: timezone.localtime(f.created_at).strftime("%Y-%m-%d %H:%M"), 18),
    Column("类型", lambda f: f.get_kind_display(), 20),
    Column("说明", lambda f: f.summary, 50),
    Column("来源", lambda f: f.get_source_display(), 10),
    Column("对象", lambda f: f.subject_label, 30),
    Column("项目", lambda f: f.project.name, 30),
    Column("状态", lambda f: f.get_status_display(), 10),
    Column("核查意见", lambda f: f.review_note, 30),
]


@login_required
def flag_index(request: HttpRequest) -> HttpResponse:
    form = FlagFilterForm(request.GET)
    return list_response(
        request,
        queryset=flag_list(user=request.user, **form.values()),
        filter_form=form,
        template="training/flag_list.html",
        export_columns=FLAG_COLUMNS,
        export_name="异常线索",
        context={"can_decide": may.can_review_flags(request.user)[0]},
    )


@login_required
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_scoped_or_404(request.user, Flag.objects.select_related("session", "project", "person"), pk=pk)
    return render(
        request,
        "training/flag_detail.html",
        {
            "flag": flag,
            "evidence": flag_evidence(user=request.user, evidence=flag.evidence),
            "transitions": services.FLAG_WORKFLOW.options(flag, request.user),
            "transition_url": reverse("training:flag_transition", args=[flag.pk]),
            "history": history(flag),
            "revocable": _revocable(request.user, flag),
        },
    )


def _revocable(user, flag: Flag):
    """A confirmed flag about a person: their completions from the flag's provider, each with
    the agency's link to revoke it on this flag (None: not offered)."""
    if flag.status != FlagStatus.CONFIRMED or flag.person_id is None or not can_revoke_completion(user)[0]:
        return None
    completions = person_completions(user=user, person_id=flag.person_id, provider_id=flag.project.provider_id)
    return [(c, revoke_url(c, flag)) for c in completions]


@login_required
@require_POST
def flag_transition(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_scoped_or_404(request.user, Flag, pk=pk)
    try:
        services.flag_transition(
            flag=flag, action=request.POST.get("action", ""), actor=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "核查意见已记录。")
    return redirect(flag)


@login_required
@require_POST
def flag_decide(request: HttpRequest) -> HttpResponse:
    """Several flags decided with one note. A flag outside the user's scope is a 404."""
    ids = sorted({int(v) for v in request.POST.getlist("flag") if v.isdigit()})
    flags = list(scoped(request.user, Flag).filter(pk__in=ids).order_by("pk"))
    if len(flags) != len(ids):
        raise Http404
    action = request.POST.get("action", "")
    try:
        count = services.flags_decide(flags=flags, action=action, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as e:
        messages.error(request, _messages_of(e))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        label = services.FLAG_WORKFLOW.table[(FlagStatus.OPEN, action)].label
        messages.success(request, f"已将 {count} 条线索{label}，核查意见已逐条记录。")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith(reverse("training:flag_list")) else "training:flag_list")
