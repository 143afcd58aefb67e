from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control

from yufang.core.client_ip import client_ip_address
from yufang.core.export import XLSX, attachment
from yufang.core.files import serve_upload
from yufang.core.jobs import job_start
from yufang.core.models import Job, JobStatus
from yufang.core.permissions import require as _require
from yufang.core.scoping import get_scoped_or_404
from yufang.core.templatetags.yufang import yuan
from yufang.core.throttle import throttle_hit
from yufang.plans.models import Plan, PlanStatus
from yufang.plans.selectors import plan_list

from . import public
from .effect_store import EFFECT_REFRESH, effect_refresh_start, effect_stale, refresh_job, stored_effect, stored_scope
from .exports import CAVEATS, rule_text, scope_label, years_xlsx
from .forms import EffectForm
from .jobs import ANNUAL_REPORT, EFFECT_EXPORT
from .permissions import can_make_annual_report, can_view_insight
from .report import SHEETS
from .selectors import effect_stamp, years_side_by_side


def _measure(m, digits: int):
    if m is None:
        return None
    return [round(v, digits) if v is not None else None for v in (m.estimate, m.low, m.high)]


def _chart(effect) -> dict:
    rows = [*effect.result.estimates, effect.result.overall]
    shown = [e for e in rows if e.rate is not None]
    overall = effect.result.overall
    return {
        "industries": [e.industry or "全部行业" for e in shown],
        "rate": [_measure(e.rate, 2) for e in shown],
        "loss": [_measure(e.loss, 1) for e in shown],
        "years": [f"{effect.before_year} 年（前）", f"{effect.after_year} 年（后）"],
        "groups": (
            {
                "trained": [round(overall.rate.trained_before, 2), round(overall.rate.trained_after, 2)],
                "control": [round(overall.rate.control_before, 2), round(overall.rate.control_after, 2)],
            }
            if overall and overall.rate
            else None
        ),
    }


@login_required
def effect(request: HttpRequest) -> HttpResponse:
    """Whether enterprises whose people were trained became safer than comparable ones: the
    result the background refresh stored (effect_store), never computed here. New records, or
    a choice not computed yet, start the refresh; the page shows its progress."""
    _require(can_view_insight(request.user))
    job = refresh_job()
    if job is None and effect_stale(stamp=effect_stamp()):
        job = effect_refresh_start(actor=request.user)
    scope_row = stored_scope(user=request.user)
    years = scope_row.years if scope_row else []
    form = EffectForm(request.GET, years=years)
    result = None
    if years and form.is_valid():
        wanted = {
            "year": form.cleaned_data["year"],
            "threshold": form.cleaned_data["threshold"],
            "exclude_key": form.cleaned_data["exclude_key"],
        }
        result = stored_effect(user=request.user, **wanted)
        if result is None:
            job = effect_refresh_start(actor=request.user, choice=wanted)
        elif request.method == "POST":
            # The workbook holds every enterprise behind the comparison: made in the background.
            export = job_start(
                kind=EFFECT_EXPORT,
                title=f"导出 {result.year} 年培训预防效果（受训占比 ≥ {result.threshold}%，{scope_label(request.user)}）",
                actor=request.user,
                params={**wanted, "threshold": str(wanted["threshold"])},
            )
            return redirect("core:job", pk=export.pk)
    context = {
        "form": form,
        "years": years,
        "effect": result,
        "job": job,
        "scope_row": scope_row,
        "rules": rule_text(result) if result else [],
        "caveats": CAVEATS,
        "chart": _chart(result) if result else None,
        "scope_label": scope_label(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "insight/effect.html", context)


@login_required
def effect_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The refresh's progress bar on the effect page; once it has ended, the page reloads."""
    _require(can_view_insight(request.user))
    job = get_object_or_404(Job, pk=pk, kind=EFFECT_REFRESH)
    if job.finished:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "insight/effect.html#refresh", {"job": job})


# Public disclosure: no login. Throttled per client address; the figures are cached (public.py).
PUBLIC_LIMIT = 120  # requests per address a minute


def _public_throttle(request: HttpRequest) -> HttpResponse | None:
    if not throttle_hit(scope="public_plan", key=client_ip_address(request) or "-", limit=PUBLIC_LIMIT, window=60):
        return HttpResponse("访问过于频繁，请稍后再试。", status=429, content_type="text/plain; charset=utf-8")
    return None


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=public.CACHE_SECONDS)
    return response


def public_index(request: HttpRequest) -> HttpResponse:
    if refused := _public_throttle(request):
        return refused
    return _public(render(request, "insight/public_index.html", {"plans": public.public_plans()}))


def public_plan(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _public_throttle(request):
        return refused
    plan = public.public_plan(pk)
    return _public(render(request, "insight/public_plan.html", {"d": public.disclosure(plan), "plan": plan}))


def public_plan_document(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _public_throttle(request):
        return refused
    plan = public.public_plan(pk)
    return _public(serve_upload(plan.document, filename=plan.doc_number or plan.title, inline=True))


@login_required
def annual_report(request: HttpRequest) -> HttpResponse:
    """The owner's or agency's page for the annual report to the province: choose the plan year,
    the workbook is made in the background."""
    _require(can_make_annual_report(request.user))
    plans = list(plan_list(user=request.user).exclude(status=PlanStatus.DRAFT).order_by("-year"))
    if request.method == "POST":
        plan = get_scoped_or_404(
            request.user, Plan.objects.exclude(status=PlanStatus.DRAFT), pk=request.POST.get("plan")
        )
        job = job_start(
            kind=ANNUAL_REPORT,
            title=f"生成 {plan.year} 年度工伤预防工作情况报表（报省）",
            actor=request.user,
            params={"plan_id": plan.pk},
        )
        return redirect("core:job", pk=job.pk)
    recent = Job.objects.filter(created_by=request.user, kind=ANNUAL_REPORT).order_by("-created_at")[:10]
    return render(request, "insight/annual_report.html", {"plans": plans, "recent": recent, "sheets": SHEETS})


@login_required
def effect_download(request: HttpRequest, pk: int) -> FileResponse:
    """The effect workbook an export job made, for the user who started it."""
    job = get_object_or_404(Job, pk=pk, created_by=request.user, kind=EFFECT_EXPORT, status=JobStatus.SUCCEEDED)
    if not job.file:
        raise Http404("文件尚未生成。")
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.result.get("filename", "培训预防效果.xlsx")
    )


@login_required
def annual_report_download(request: HttpRequest, pk: int) -> FileResponse:
    """The workbook a report job made, for the user who started it."""
    job = get_object_or_404(Job, pk=pk, created_by=request.user, kind=ANNUAL_REPORT, status=JobStatus.SUCCEEDED)
    if not job.file:
        raise Http404("文件尚未生成。")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.result.get("filename", "年度报表.xlsx"))


def _year_cell(key: str, unit: str, value) -> str:
    if value is None:
        return "—"
    if key.startswith("target:"):
        achieved, threshold = value
        return f"{achieved:,}" if threshold is None else f"{achieved:,} / {threshold:,.0f}"
    if unit == "元":
        return yuan(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _years_chart(table) -> dict:
    def series(key, scale=1):
        return [None if c.figures.get(key) is None else round(float(c.figures[key]) / scale, 2) for c in table.columns]

    return {
        "years": [f"{c.year} 年" for c in table.columns],
        "money": [
            {"name": "提取额度（万元）", "data": series("fund", 10000)},
            {"name": "已支付（万元）", "data": series("paid", 10000)},
        ],
        "safety": [
            {"name": "工伤发生率（‰）", "data": series("injury_rate")},
        ],
    }


@login_required
def years(request: HttpRequest) -> HttpResponse:
    """The key figures of every plan year side by side."""
    _require(can_view_insight(request.user))
    table = years_side_by_side(user=request.user)
    rows = [
        (label, unit, [_year_cell(key, unit, c.figures.get(key)) for c in table.columns])
        for key, label, unit in table.rows
    ]
    if request.GET.get("export") == "xlsx":
        return attachment(years_xlsx(table, scope_label(request.user)), "历年关键指标.xlsx", XLSX)
    return render(
        request,
        "insight/years.html",
        {"table": table, "rows": rows, "chart": _years_chart(table), "scope_label": scope_label(request.user)},
    )
