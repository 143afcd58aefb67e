"""The monthly briefing (工作简报): its figures, read through the selectors the pages use (so
the briefing never counts differently from them), and the short text written from them.

A briefing is for the city or for one district. District bureaus join the organisation of the
projects in their district and inspect them, and answer to their district government each
month: they get the same briefing narrowed to their district, as the targets page narrows.

Time: target progress and training are counted to the end of the month (the targets' monthly
tallies, the completions' dates); fund, projects, reports, rectifications, supervision, flags,
the online funnel and publicity are as they stand when the briefing is made (on the first day
of the next month, for the scheduled one). The briefing says so."""

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from yufang.core.scoping import scoped
from yufang.learning.selectors import certificate_list, enrolment_list
from yufang.plans.models import BudgetCategory, Plan, PlanStatus
from yufang.plans.selectors import plan_budget
from yufang.projects.models import ProjectStatus
from yufang.projects.selectors import project_list, report_list
from yufang.publicity.selectors import planned_list, totals_by_kind
from yufang.quiz.selectors import competition_list, participants_seen, totals
from yufang.reference.models import Region
from yufang.supervision.selectors import coverage, finding_list
from yufang.targets.models import Dimension, Metric, Mode, TargetTally
from yufang.targets.selectors import (
    Progress,
    contributed_value,
    district_parts_of,
    plan_progress,
    set_parts_of,
    target_breakdown,
)
from yufang.training.models import Flag, FlagStatus

from .readers import reader_for
from .report import plan_completions

PACE_RULE = (
    "时间进度 = 自方案年度 1 月 1 日至统计截止日的天数 ÷ 至目标截止日的天数；完成进度低于时间进度即为滞后。"
    "区县分解数：市人社局在“分解到区县”中设定的数；未设定的目标按各区县企业参保人数占全市的比例测算。"
)
STATE_RULE = "目标进度与培训人数统计至当月月末；资金、项目、报告、整改、督导、预警、线上培训与宣传为简报生成时的状态。"


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def plan_for_month(city_id: int | None, year: int) -> Plan | None:
    qs = Plan.objects.exclude(status=PlanStatus.DRAFT).filter(year=year)
    if city_id:
        qs = qs.filter(city_id=city_id)
    return qs.order_by("-pk").first()


def _pct(part, whole) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _pace(start: datetime.date, deadline: datetime.date, as_of: datetime.date) -> float:
    if as_of >= deadline:
        return 100.0
    if as_of < start:
        return 0.0
    return _pct((as_of - start).days + 1, (deadline - start).days + 1)


def _monthly(reader, progress: Progress, until: int) -> int:
    """The target's figure to the end of the month: its monthly tally (the breakdown page's
    cumulative column), or the page's figure where there is no monthly history."""
    target = progress.target
    if target.is_contributed or progress.is_share:
        return progress.value
    months = target_breakdown(user=reader, target=target).by_month
    return max([c for m, _, c in months if int(m.replace("-", "")) <= until], default=0)


def _district_parts(plan: Plan):
    """Each target's parts by district, as the dashboard holds districts to them: the parts the
    owner set (分解到区县), else the split by the districts' insured headcount."""
    set_parts = set_parts_of(plan=plan)
    return lambda target: district_parts_of([target], set_parts)[target.pk]


def _district_values(target, regions: list[Region], until: int) -> dict[int, int]:
    if target.is_contributed:
        return {r.pk: contributed_value(target, r.pk) for r in regions}
    return dict(
        TargetTally.objects.filter(
            target=target, dimension=Dimension.MONTH, key__lte=until, region_id__in=[r.pk for r in regions]
        )
        .values_list("region_id")
        .annotate(n=Sum("count"))
        .order_by()
    )


def _district_rows(target, regions: list[Region], parts, until: int, pace: float) -> list[dict]:
    values = _district_values(target, regions, until)
    rows = []
    for region in regions:
        part = parts(target).get(region.pk, 0)
        done = values.get(region.pk, 0) or 0
        share = _pct(done, part) if part >= 1 else None
        rows.append(
            {
                "name": region.name,
                "value": done,
                "part": part,
                "percent": share,
                "lagging": share is not None and share < pace,
            }
        )
    return rows


def target_figures(reader, plan: Plan, regions: list[Region], as_of: datetime.date) -> list[dict]:
    """Each target's figure to the end of the month against its threshold and the time pace;
    per person target, each district's figure against its part. A district's briefing measures
    the district against its part, not the city's threshold."""
    until = as_of.year * 100 + as_of.month
    parts = _district_parts(plan)
    district = len(regions) == 1
    rows = []
    for p in plan_progress(user=reader, plan=plan):
        value = _monthly(reader, p, until)
        figure = _pct(value, p.baseline or 0) if p.is_share else value
        pace = _pace(p.start, p.target.deadline, as_of)
        districts = []
        if p.target.metric == Metric.PERSONS or p.target.is_contributed:
            districts = _district_rows(p.target, regions, parts, until, pace)
        threshold = districts[0]["part"] if district and districts else float(p.target.threshold)
        percent = _pct(figure or 0, threshold)
        rows.append(
            {
                "name": p.target.name,
                "unit": "%" if p.is_share else p.unit,
                "value": value,
                "figure": figure,
                "threshold": threshold,
                "city_threshold": float(p.target.threshold),
                "percent": percent,
                "pace": pace,
                "lagging": percent is not None and percent < pace,
                "districts": [] if district else districts,
            }
        )
    return rows


def fund_figures(reader, plan: Plan) -> list[dict]:
    labels = dict(BudgetCategory.choices)
    return [
        {
            "name": labels.get(line.category, line.category),
            "amount": str(line.amount),
            "committed": str(line.committed),
            "paid": str(line.paid),
            "paid_pct": _pct(line.paid, line.amount),
            "items": [{"name": i.name, "amount": str(i.amount)} for i in items],
        }
        for line, items in plan_budget(user=reader, plan=plan)
    ]


def project_figures(reader, plan: Plan, as_of: datetime.date) -> dict:
    labels = dict(ProjectStatus.choices)
    counts = dict(
        project_list(user=reader, year=plan.year)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk", distinct=True))
    )
    return {
        "by_status": [{"name": labels[s], "n": counts[s]} for s in ProjectStatus.values if counts.get(s)],
        "total": sum(counts.values()),
        "overdue_reports": report_list(user=reader, overdue="1", on_date=as_of).count(),
        "overdue_rectifications": finding_list(user=reader, overdue=True).count(),
    }


def training_figures(reader, plan: Plan, regions: list[Region], as_of: datetime.date) -> dict:
    """People trained in the plan year to the end of the month, by mode and district: the annual
    report's count (distinct persons per mode; the total counts a person once)."""
    completions = plan_completions(plan).filter(completed_on__lte=as_of)
    if len(regions) == 1:
        completions = completions.filter(region_id=regions[0].pk)
    by_mode = dict(completions.values_list("mode").annotate(n=Count("person_id", distinct=True)).order_by())
    cells: dict[int, dict[str, int]] = defaultdict(dict)
    for region_id, mode, n in (
        completions.values_list("region_id", "mode").annotate(n=Count("person_id", distinct=True)).order_by()
    ):
        cells[region_id][mode] = n
    return {
        "modes": [{"mode": m, "name": label, "n": by_mode.get(m, 0)} for m, label in Mode.choices],
        "total": completions.values("person_id").distinct().count(),
        "districts": [{"name": r.name, **{m: cells[r.pk].get(m, 0) for m in Mode.values}} for r in regions],
    }


def online_figures(reader, plan: Plan) -> dict:
    enrolments = enrolment_list(user=reader, plan=plan, counts=False).order_by()
    funnel = enrolments.aggregate(
        enrolled=Count("pk"),
        started=Count("pk", filter=Q(credited_ms__gt=0)),
        completed=Count("pk", filter=Q(completed_on__isnull=False)),
    )
    funnel["certified"] = certificate_list(user=reader).filter(enrolment__plan=plan).count()
    return funnel


def reach_figures(reader, plan: Plan) -> dict:
    publicity = [
        {"name": t.kind.name, "planned": t.planned, "delivered": t.delivered, "percent": t.percent}
        for t in totals_by_kind(planned_list(user=reader, plan=plan))
    ]
    quizzes = []
    for competition in competition_list(reader).filter(plan=plan):
        t = totals(competition, qs=participants_seen(reader, competition))
        quizzes.append({"name": competition.name, "participants": t["participants"], "enterprises": t["reached"]})
    return {"publicity": publicity, "quizzes": quizzes}


def oversight_figures(reader) -> dict:
    c = coverage(user=reader)
    flags = dict(scoped(reader, Flag).order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "sessions": sum(d.sessions for d in c.districts),
        "sessions_inspected": sum(d.sessions_inspected for d in c.districts),
        "findings": c.findings,
        "on_time": c.on_time,
        "late": c.late,
        "overdue": c.overdue,
        "open_now": c.open_now,
        "flags": {s: flags.get(s, 0) for s in FlagStatus.values},
    }


SECTIONS = ("目标进度", "资金执行", "项目与报告", "培训人数", "线上培训", "宣传与竞答", "督导与预警")


def briefing_figures(*, plan: Plan, year: int, month: int, region: Region | None, step=lambda n, m: None) -> dict:
    """Every figure of the briefing, as plain data (kept with the briefing; the next month's text
    compares with it)."""
    reader = reader_for(region.pk if region else None)
    today = timezone.localdate()
    as_of = min(month_end(year, month), today)
    regions = [region] if region else list(Region.objects.filter(city_id=plan.city_id).order_by("sort_order", "pk"))
    figures = {"year": year, "month": month, "as_of": as_of.isoformat(), "scope": region.name if region else "全市"}
    figures["plan"] = {"title": plan.title, "year": plan.year, "fund": str(plan.fund_amount)}
    parts = [
        ("targets", lambda: target_figures(reader, plan, regions, as_of)),
        ("fund", lambda: fund_figures(reader, plan)),
        ("projects", lambda: project_figures(reader, plan, as_of)),
        ("training", lambda: training_figures(reader, plan, regions, as_of)),
        ("online", lambda: online_figures(reader, plan)),
        ("reach", lambda: reach_figures(reader, plan)),
        ("oversight", lambda: oversight_figures(reader)),
    ]
    for done, ((key, read), label) in enumerate(zip(parts, SECTIONS, strict=True), start=1):
        figures[key] = read()
        step(done, f"已统计：{label}")
    return figures


# --- The text ---------------------------------------------------------------------------------


def _num(value) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{float(value):,.0f}"


def _moved(now, before) -> str:
    if before is None:
        return ""
    delta = now - before
    if not delta:
        return "，与上月持平"
    return f"，较上月{'增加' if delta > 0 else '减少'} {_num(abs(delta))}"


def _target_lines(figures: dict, previous: dict | None) -> list[str]:
    before = {t["name"]: t for t in (previous or {}).get("targets", [])}
    lines = []
    for t in figures["targets"]:
        prior = before.get(t["name"])
        unit = "%" if t["unit"] == "%" else f" {t['unit']}"
        against = "分解数" if t["threshold"] != t["city_threshold"] else "目标"
        moved = _moved(t["value"], prior["value"]) if prior else ""
        state = "已完成" if (t["percent"] or 0) >= 100 else ("落后于时间进度" if t["lagging"] else "符合时间进度")
        lines.append(
            f"「{t['name']}」完成 {_num(t['figure'] or 0)}{unit}，{against} {_num(t['threshold'])}{unit}，"
            f"完成进度 {t['percent'] or 0}%（时间进度 {t['pace']}%），{state}{moved}。"
        )
        lagging = [d for d in t["districts"] if d["lagging"]]
        if lagging and (t["lagging"] or t is figures["targets"][0]):
            named = "、".join(
                f"{d['name']}（{d['value']:,} 人，分解数 {d['part']:,}，{d['percent']}%）" for d in lagging[:6]
            )
            more = f"等 {len(lagging)} 个区县" if len(lagging) > 6 else ""
            lines.append(f"其中落后于时间进度的区县：{named}{more}。")
    return lines


def briefing_text(figures: dict, previous: dict | None) -> list[str]:
    """A few paragraphs in plain Chinese from the figures: what moved since the last month's
    briefing (when there is one), what is late, which districts lag the pace."""
    targets = figures["targets"]
    lagging = [t for t in targets if t["lagging"]]
    done = [t for t in targets if (t["percent"] or 0) >= 100]
    head = (
        f"截至 {figures['as_of']}，{figures['scope']} {figures['plan']['year']} 年度工伤预防工作的 {len(targets)} 项目标中，"
        f"{len(done)} 项已完成，{len(lagging)} 项落后于时间进度。"
    )
    lines = [head, *_target_lines(figures, previous)]
    paid = sum(Decimal(f["paid"]) for f in figures["fund"])
    amount = sum(Decimal(f["amount"]) for f in figures["fund"])
    before_paid = sum(Decimal(f["paid"]) for f in previous["fund"]) if previous else None
    moved = _moved(paid, before_paid)
    lines.append(
        f"资金{'' if figures['scope'] == '全市' else '（全市）'}：预算 {_num(amount)} 元，已支付 {_num(paid)} 元，支付进度 {_pct(paid, amount) or 0}%{moved}{' 元' if moved else ''}。"
    )
    p = figures["projects"]
    o = figures["oversight"]
    lines.append(
        f"项目 {p['total']} 个；逾期未提交的进度报告 {p['overdue_reports']} 份，逾期未整改的问题 {p['overdue_rectifications']} 项；"
        f"待核查的预警 {o['flags'].get(FlagStatus.OPEN, 0)} 条，已核实为问题 {o['flags'].get(FlagStatus.CONFIRMED, 0)} 条。"
    )
    online = figures["online"]
    before_online = (previous or {}).get("online", {})
    lines.append(
        f"线上培训：报名 {online['enrolled']:,} 人，已开始学习 {online['started']:,} 人，已完成 {online['completed']:,} 人"
        f"{_moved(online['completed'], before_online.get('completed'))}，取得证书 {online['certified']:,} 人。"
    )
    training = figures["training"]
    before_total = (previous or {}).get("training", {}).get("total")
    lines.append(
        f"本年度累计培训 {training['total']:,} 人（同一人只计一次）{_moved(training['total'], before_total)}。"
    )
    return lines
