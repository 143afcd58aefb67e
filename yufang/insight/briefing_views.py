"""The briefings' archive (list, filter, export, download) and the making of one on demand."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from yufang.core.files import serve_upload
from yufang.core.listing import Column, FilterForm, list_response
from yufang.core.models import Job
from yufang.core.permissions import require
from yufang.core.scoping import ScopeKind, get_scoped_or_404, scope_of, scoped
from yufang.plans.models import Plan, PlanStatus
from yufang.reference.models import Region

from .models import Briefing
from .permissions import can_make_briefing, can_view_insight
from .services import BRIEFING, briefing_request

COLUMNS = [
    Column("年度", lambda b: b.year, 8),
    Column("月份", lambda b: b.month, 8),
    Column("范围", lambda b: b.scope_label, 14),
    Column("生成时间", lambda b: timezone.localtime(b.made_at).strftime("%Y-%m-%d %H:%M"), 18),
    Column("生成方式", lambda b: "定时生成" if b.scheduled else "手动生成", 10),
    Column("文件大小（字节）", lambda b: b.size, 14),
    Column("SHA-256", lambda b: b.sha256, 66),
    Column("简报文字", lambda b: b.summary, 80),
]


def _regions(user):
    scope = scope_of(user)
    qs = Region.objects.order_by("sort_order", "pk")
    return qs.filter(pk=scope.region_id) if scope.kind == ScopeKind.REGION else qs


class BriefingFilterForm(FilterForm):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False)
    region = forms.ChoiceField(label="范围", required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        years = sorted(set(scoped(user, Briefing).values_list("year", flat=True)), reverse=True)
        self.fields["year"].choices = [("", "全部年度")] + [(y, f"{y} 年") for y in years]
        city = [("", "全部"), ("city", "全市")] if scope_of(user).kind != ScopeKind.REGION else [("", "全部")]
        self.fields["region"].choices = city + [(str(r.pk), r.name) for r in _regions(user)]


class BriefingRequestForm(forms.Form):
    month = forms.ChoiceField(label="月份")
    region = forms.ChoiceField(label="范围", required=False)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        today = timezone.localdate()
        years = Plan.objects.exclude(status=PlanStatus.DRAFT).values_list("year", flat=True)
        months = [
            f"{y}-{m:02d}"
            for y in sorted(set(years), reverse=True)
            for m in range(12, 0, -1)
            if (y, m) <= (today.year, today.month)
        ]
        self.fields["month"].choices = [(m, f"{m[:4]} 年 {int(m[5:])} 月") for m in months]
        choices = [(str(r.pk), r.name) for r in _regions(user)]
        if scope_of(user).kind != ScopeKind.REGION:
            choices = [("", "全市"), *choices]
        self.fields["region"].choices = choices


def _queryset(user, form: BriefingFilterForm):
    qs = scoped(user, Briefing).select_related("region")
    values = form.values()
    if values.get("year"):
        qs = qs.filter(year=values["year"])
    if values.get("region") == "city":
        qs = qs.filter(region__isnull=True)
    elif values.get("region"):
        qs = qs.filter(region_id=values["region"])
    return qs.order_by("-year", "-month", "region__sort_order", "region_id")


@login_required
def briefing_list(request: HttpRequest) -> HttpResponse:
    """The archive of monthly briefings the user may see, and the form to make one now."""
    require(can_view_insight(request.user))
    form = BriefingRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        region = None
        if form.cleaned_data["region"]:
            region = get_object_or_404(_regions(request.user), pk=form.cleaned_data["region"])
        require(can_make_briefing(request.user, region))
        moment = datetime.date.fromisoformat(form.cleaned_data["month"] + "-01")
        job = briefing_request(year=moment.year, month=moment.month, regions=[region], actor=request.user)
        return redirect("core:job", pk=job.pk)
    recent = Job.objects.filter(created_by=request.user, kind=BRIEFING).order_by("-created_at")[:5]
    own_region = scope_of(request.user).region_id
    region = Region.objects.filter(pk=own_region).first() if own_region else None
    return list_response(
        request,
        queryset=_queryset(request.user, BriefingFilterForm(request.GET, user=request.user)),
        template="insight/briefings.html",
        filter_form=BriefingFilterForm(request.GET, user=request.user),
        export_columns=COLUMNS,
        export_name="工作简报",
        context={"form": form, "recent": recent, "can_make": can_make_briefing(request.user, region)[0]},
    )


@login_required
def briefing_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A briefing's PDF, for whoever may see the briefing (another district's, or any for a role
    without briefings, answers 404 like a missing one)."""
    briefing = get_scoped_or_404(request.user, Briefing.objects.select_related("region"), pk=pk)
    return serve_upload(briefing.file, filename=briefing.filename)
