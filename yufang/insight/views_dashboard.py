"""The leaders' dashboard page and each chart's Excel export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from yufang.core.export import Column, xlsx_response
from yufang.core.permissions import require as _require

from .dashboard import dashboard_counted, dashboard_figures, dashboard_plan, period_of
from .permissions import can_view_insight

MONTHS = [("", "全年")] + [(f"{m:02d}", f"1—{m} 月") for m in range(1, 13)]


def figure_rows(figure: dict) -> list[list]:
    """A chart's data as rows: the category, then one value per series."""
    return [[category, *(s["data"][i] for s in figure["series"])] for i, category in enumerate(figure["categories"])]


def _cell(figure: dict, s: int, i: int) -> tuple:
    links, warn = figure["links"], figure["warn"]
    link = links[s][i] if s < len(links) and i < len(links[s]) else None
    flagged = warn[s][i] if s < len(warn) and i < len(warn[s]) else False
    return figure["series"][s]["data"][i], link, flagged


LAG_BADGE = mark_safe(' <span class="badge text-bg-warning">落后进度</span>')  # noqa: S308 - a constant


def _td(value, link, lag) -> str:
    if value is None:
        inner = "—"
    elif link:
        inner = format_html('<a href="{}" data-testid="cell-link">{}</a>', link, value)
    else:
        inner = conditional_escape(value)
    css = "text-end text-nowrap" + (" text-warning-emphasis fw-semibold" if lag else "")
    return format_html('<td class="{}">{}{}</td>', css, inner, LAG_BADGE if lag else "")


def table_html(figure: dict) -> str:
    """The figure's table: every number a link to the records behind it (what the page shows
    without JavaScript too). Built here rather than in the template: a few hundred cells."""
    head = format_html_join("", '<th class="text-end">{}</th>', ((s["name"],) for s in figure["series"]))
    rows = format_html_join(
        "",
        '<tr><td><div class="text-wrap" style="max-width: 40vw">{}</div></td>{}</tr>',
        (
            (c, mark_safe("".join(_td(*_cell(figure, s, i)) for s in range(len(figure["series"])))))  # noqa: S308
            for i, c in enumerate(figure["categories"])
        ),
    )
    return format_html(
        '<table class="table table-sm align-middle mb-0" data-testid="table-{}"><thead><tr><th>项目</th>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        figure["key"],
        head,
        rows,
    )


def chart_height(figure: dict) -> int:
    """Pixels for the chart: horizontal bars grow with their categories."""
    n = len(figure["categories"])
    if figure["chart"] == "hbar":
        return max(200, 48 + n * (16 * len(figure["series"]) + 16))
    if figure["chart"] in ("progress", "hstack"):
        return max(200, 48 + n * 34)
    return 280


def with_tables(data: dict) -> list[dict]:
    """The sections for the page: each figure with its chart's height and its table."""
    return [
        {
            **section,
            "figures": [{**f, "height": chart_height(f), "table": table_html(f)} for f in section["figures"]],
        }
        for section in data["sections"]
    ]


def figure_xlsx(data: dict, key: str) -> HttpResponse:
    figure = next((f for s in data["sections"] for f in s["figures"] if f["key"] == key), None)
    if figure is None:
        raise Http404("没有这个图表。")
    columns = [Column("项目", lambda r: r[0], 24)] + [
        Column(f"{s['name']}（{figure['unit']}）", lambda r, i=i: r[i + 1], 16) for i, s in enumerate(figure["series"])
    ]
    when = data["counted"]["label"] if figure["computed_at"] else "导出时的实时数"
    blank = [None] * len(figure["series"])
    rows = figure_rows(figure) + [[f"计数规则：{figure['rule']}"] + blank, [f"统计时间：{when}"] + blank]
    title = f"{data['plan']['year']}年{figure['title']}（{data['scope']['label']}，{data['period']['label']}）"
    return xlsx_response(title, columns, rows)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """One page with every figure of a plan year: the city's, or a district's for its staff."""
    _require(can_view_insight(request.user), page=True)
    plan, plans = dashboard_plan(user=request.user, wanted=request.GET.get("plan"))
    if plan is None and request.GET.get("plan"):
        raise Http404("实施方案不存在。")
    if plan is None:
        return render(request, "insight/dashboard.html", {"plan": None})
    period = period_of(plan, request.GET.get("period"))
    export = request.GET.get("export") == "xlsx"
    data = dashboard_figures(user=request.user, plan=plan, period=period, wait=export)
    if export:
        return figure_xlsx(data, request.GET.get("figure", ""))
    return render(
        request,
        "insight/dashboard.html",
        {
            "plan": plan,
            "plans": plans,
            "period": period,
            "months": MONTHS,
            "data": data,
            "sections": with_tables(data),
            "counted": data["counted"],
            "shown": data["counted"]["at"],
            "query": f"plan={plan.pk}&period={period.value}",
        },
    )


@login_required
def dashboard_recount(request: HttpRequest) -> HttpResponse:
    """The note above the figures while they are counted afresh, asked for every few seconds:
    the recount's progress, then a link to the new figures (never a reload of its own: on a busy
    day the sources move again before the reader has read the page). After a first count, when
    the page had nothing to show, the page reloads."""
    _require(can_view_insight(request.user))
    plan, _ = dashboard_plan(user=request.user, wanted=request.GET.get("plan"))
    if plan is None:
        raise Http404("实施方案不存在。")
    period = period_of(plan, request.GET.get("period"))
    counted = dashboard_counted(user=request.user, plan=plan, period=period)
    if counted is None:
        raise Http404("尚未统计。")
    shown = request.GET.get("shown", "")
    if counted.at is not None and not shown:
        # The first count has ended: the page had no figures to read yet, so it reloads.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "insight/dashboard.html#counted",
        {
            "counted": counted.as_dict(),
            "shown": shown,
            "query": f"plan={plan.pk}&period={period.value}",
        },
    )
