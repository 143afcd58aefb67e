"""The leaders' dashboard: every figure of a plan year on one page, for the city or (district
staff) one district. Each section is one selector with a fixed number of queries; the page, its
Excel export and the JSON API read `dashboard_figures`, which returns
plain data (lists, numbers, strings): a figure is a chart's categories and series, with the URL
of the records behind every number and the counting rule shown beside it.

The figures are kept in the database (`dashboard_store`) with a stamp of their sources (the
newest primary key of every table that is append-only or written only by audited services, and
the newest audit record), read with them in one query; a change anywhere moves the stamp, so
kept figures with the current stamp are exactly what a fresh count would give. When the stamp
has moved, the page shows the kept figures, labelled with when they were counted, while a
background task counts afresh (its progress shown on the page). The online funnel is read live:
a heartbeat starts a learner without leaving a trace a stamp could see."""

import calendar
import datetime
import hashlib
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Subquery, Sum, Value
from django.db.models.functions import ExtractMonth
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core.dates import today
from yufang.core.models import AuditLog
from yufang.core.scoping import ScopeKind, scope_of, scoped
from yufang.learning.models import Certificate, Enrolment
from yufang.plans.models import BudgetEntry, BudgetItem, Plan, PlanStatus
from yufang.plans.selectors import plan_list
from yufang.projects.models import ProgressReport, Project, ProjectStatus, ReportStatus
from yufang.projects.models.project import WORKING_STATUSES
from yufang.publicity.models import PushDelivery, ViewReading
from yufang.publicity.reach import plan_reach
from yufang.quiz.models import Participant
from yufang.supervision.models import Finding, FindingStatus, Inspection, InspectionStatus
from yufang.supervision.permissions import can_view_inspections
from yufang.targets.models import Completion, CompletionRevocation, Dimension, Mode, TargetTally
from yufang.targets.selectors import district_parts_of, plan_parts_rows, plan_progress, reference_names
from yufang.training.models import Flag, FlagSource, FlagStatus

from .dashboard_store import Kept, kept_begin, kept_claim, kept_progress, kept_read, kept_release, kept_save, stamp_text

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Period:
    """The plan year up to the end of a month (month None: the whole year)."""

    year: int
    month: int | None = None

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        month = self.month or 12
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def month_key(self) -> int:
        return self.year * 100 + (self.month or 12)

    @property
    def value(self) -> str:
        return f"{self.month:02d}" if self.month else ""

    def until(self, lookup: str) -> Q:
        """Records dated up to the period's end (the whole year: no limit, so that the figure is
        what the list behind it shows)."""
        return Q(**{f"{lookup}__lte": self.end}) if self.month else Q()

    @property
    def on(self) -> datetime.date:
        """The day overdue is judged on: today, or the period's end if that is earlier."""
        return min(today(), self.end) if self.month else today()

    @property
    def label(self) -> str:
        return f"{self.year} 年 1—{self.month} 月" if self.month else f"{self.year} 年全年"


def period_of(plan, value: str | int | None) -> Period:
    """`value`: "" (the whole year) or a month 1–12; anything else is the whole year."""
    try:
        month = int(value or 0)
    except (TypeError, ValueError):
        month = 0
    return Period(plan.year, month if 1 <= month <= 12 else None)


@dataclass
class Figure:
    """One chart: categories on one axis, one or more series of numbers; `links[s][c]` is the
    list behind series s at category c (None where there is no list the user may open)."""

    key: str
    title: str
    rule: str
    unit: str
    chart: str  # bar, stack, hbar, line, funnel, progress
    categories: list[str]
    series: list[dict]  # {"name": str, "data": [number | None]}
    links: list[list[str | None]] = field(default_factory=list)
    warn: list[list[bool]] = field(default_factory=list)  # colour a bar: it lags the pace
    link: str | None = None  # the records behind the whole figure
    note: str = ""
    computed_at: str | None = None  # set when the figure was read from a cache


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]


# --- Helpers -------------------------------------------------------------------------------------


def _pct(part, whole) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _number(value) -> int | float:
    """A figure as JSON shows it: whole numbers without a decimal point."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _url(name: str, args=None, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name, args=args) + (f"?{query}" if query else "")


def _district(user) -> int | None:
    scope = scope_of(user)
    return scope.region_id if scope.kind == ScopeKind.REGION else None


def _aggregate_base(user, model):
    """What a count may read: partner departments see the programme's figures (never the
    records), everyone else what their scope allows."""
    if scope_of(user).partner:
        return model.objects.all()
    return scoped(user, model)


def _lists_personal(user) -> bool:
    """Whether the user may open lists of people (completions, learners): not partners."""
    return not scope_of(user).partner


def _region_names(user) -> list[tuple[int, str]]:
    names = reference_names()
    order = names["region_order"]
    district = _district(user)
    ids = [district] if district else sorted(names["region"], key=lambda pk: order.get(pk, 999))
    return [(pk, names["region"][pk]) for pk in ids if pk in names["region"]]


# --- Targets -------------------------------------------------------------------------------------


def pace_share(target, period: Period, on: datetime.date | None = None) -> float:
    """The share of the target's time gone by at the period's end (or today, if earlier)."""
    start = datetime.date(target.programme.start_year, 1, 1) if target.is_share else period.start
    moment = min(period.end, on or today(), target.deadline)
    if moment < start:
        return 0.0
    total = (target.deadline - start).days + 1
    return min(1.0, ((moment - start).days + 1) / total) if total > 0 else 1.0


PARTS_SET_RULE = "区县分解数为市人社局分解到区县的数（目标进度页“分解到区县”）"
PARTS_INSURED_RULE = "区县分解数 = 全市目标 × 区县企业登记参保人数占全市比例（按最大余数法取整，市人社局尚未分解）"


@dataclass
class Parts:
    """Each target's parts by district: as the owner set them (分解到区县), else the proposed
    split by the districts' insured headcount; and which targets have set parts."""

    by_target: dict[int, dict[int, int]]
    set_for: set[int]

    def of(self, target, region_id: int) -> int:
        return self.by_target.get(target.pk, {}).get(region_id, 0)

    def rule(self, targets) -> str:
        """The counting rule of the parts, saying which targets' parts were set and which proposed."""
        chosen = [t for t in targets if t.pk in self.set_for]
        if not chosen:
            return PARTS_INSURED_RULE + "。"
        if len(chosen) == len(targets):
            return PARTS_SET_RULE + "。"
        others = "、".join(t.name for t in targets if t.pk not in self.set_for)
        return f"{PARTS_SET_RULE}；{others}：{PARTS_INSURED_RULE}。"


def district_parts(rows, set_parts: dict[int, dict[int, int]]) -> Parts:
    """The parts the owner set; the insured headcount (the register's cached totals) read only
    where a target has none."""
    return Parts(district_parts_of([p.target for p in rows if not p.is_share], set_parts), set(set_parts))


def target_figures(*, user, plan, period: Period) -> list[Figure]:
    """Progress of every target (the maintained rollups, as the targets page reads them) and each
    district's share of it. Lagging the pace (completed share of the target below the share of
    its time gone by) colours the bar. A district sees its own share against its part."""
    rows = plan_progress(user=user, plan=plan)
    district = _district(user)
    tally = TargetTally.objects.filter(target__plan=plan, dimension=Dimension.MONTH, key__lte=period.month_key)
    if district:
        tally = tally.filter(region_id=district)
    tally = tally.values_list("target_id", "region_id").annotate(n=Sum("count"), kind=Value(0)).order_by()
    # The parts the owner set come in the same query, marked 1 (every district's: a district's
    # target is divided whether or not its own row was named).
    by_region: dict[int, dict[int, int]] = {}
    set_parts: dict[int, dict[int, int]] = {}
    for target_id, region_id, n, kind in tally.union(plan_parts_rows(plan=plan), all=True):
        (set_parts if kind else by_region).setdefault(target_id, {})[region_id] = n
    parts = district_parts(rows, set_parts)
    progress = _progress_figure(rows, by_region, parts, district, period, plan)
    tallied = [p for p in rows if not p.target.is_contributed and not p.is_share]
    if district:
        return [progress, _district_part_figure(tallied, by_region, parts, district, period, plan)]
    return [progress, _city_shares_figure(tallied, by_region, parts, _region_names(user), period, plan)]


def _progress_figure(rows, by_region, parts: Parts, district, period, plan) -> Figure:
    """Every target's figure against its threshold (a district: against its part)."""
    names, achieved, thresholds, links, warns, shares = [], [], [], [], [], []
    for p in rows:
        t = p.target
        counted_by_tally = not t.is_contributed and not p.is_share
        if period.month and counted_by_tally:
            value = sum(by_region.get(t.pk, {}).values())
        else:
            value = p.figure if p.figure is not None else 0
        threshold = float(t.threshold)
        if district and not p.is_share:
            threshold = float(parts.of(t, district))
        pace = pace_share(t, period)
        names.append(t.name)
        achieved.append(_number(value))
        thresholds.append(_number(threshold))
        shares.append(_pct(value, threshold) if threshold else None)
        warns.append(bool(threshold) and float(value) < threshold * pace)
        links.append(_url("targets:progress", args=[plan.pk], target=t.pk))
    divided = [p.target for p in rows if not p.is_share]
    return Figure(
        key="targets",
        title="目标完成进度" + ("（本区县）" if district else ""),
        rule=(
            "完成数按每个目标的计数规则（目标进度页），同一人同一目标只计一次；比例目标为占摸底总数的百分比。"
            "选择月份时按人计数的目标截至该月末，比例目标与竞答目标为当前数。"
            + (parts.rule(divided) if district else "橙色：完成比例低于时间进度（已过天数 ÷ 目标期限天数）。")
        ),
        unit="人（或 %）",
        chart="progress",
        categories=names,
        series=[
            {"name": "本区县完成" if district else "已完成", "data": achieved},
            {"name": "本区县分解数" if district else "目标", "data": thresholds},
            {"name": "完成比例（%）", "data": shares},
        ],
        links=[links, links, links],
        warn=[[False] * len(names), [False] * len(names), warns],
        link=_url("targets:progress", args=[plan.pk]),
    )


def _city_shares_figure(tallied, by_region, parts: Parts, regions, period, plan) -> Figure:
    """Each district's share of every target counted from the rollups, framed where it lags."""
    series, warn, share_links = [], [], []
    for p in tallied:
        t = p.target
        pace = pace_share(t, period)
        data, flags, urls = [], [], []
        for pk, _ in regions:
            n = by_region.get(t.pk, {}).get(pk, 0)
            part = parts.of(t, pk)
            data.append(n)
            flags.append(bool(part) and n < part * pace)
            urls.append(_url("targets:progress", args=[plan.pk], target=t.pk))
        series.append({"name": t.name, "data": data})
        warn.append(flags)
        share_links.append(urls)
    return Figure(
        key="target_shares",
        title="各区县对各目标的贡献",
        rule="各区县完成数之和即全市完成数（按人员所在区县计）。橙色边框：低于本区县分解数 × 时间进度。"
        + parts.rule([p.target for p in tallied]),
        unit="人",
        chart="bar",
        categories=[name for _, name in regions],
        series=series,
        links=share_links,
        warn=warn,
    )


def _district_part_figure(tallied, by_region, parts: Parts, district, period, plan) -> Figure:
    """A district's own count of every target against its part and against where the pace says
    it should be by now."""
    done, part, due, lag, links = [], [], [], [], []
    for p in tallied:
        t = p.target
        n = by_region.get(t.pk, {}).get(district, 0)
        share = Decimal(parts.of(t, district))
        expected = share * Decimal(str(pace_share(t, period)))
        done.append(n)
        part.append(_number(share))
        due.append(_number(expected.quantize(Decimal(1))))
        lag.append(bool(share) and n < expected)
        links.append(_url("targets:progress", args=[plan.pk], target=t.pk))
    return Figure(
        key="target_shares",
        title="本区县完成数与分解数",
        rule="本区县完成数（按人员所在区县计）；按进度应完成 = 分解数 × 时间进度。橙色：低于按进度应完成。"
        + parts.rule([p.target for p in tallied]),
        unit="人",
        chart="hbar",
        categories=[p.target.name for p in tallied],
        series=[
            {"name": "本区县完成", "data": done},
            {"name": "分解数", "data": part},
            {"name": "按进度应完成", "data": due},
        ],
        links=[links, links, links],
        warn=[lag, [False] * len(lag), [False] * len(lag)],
    )


# --- Fund ----------------------------------------------------------------------------------------


def fund_figures(*, user, plan, period: Period) -> list[Figure]:
    """Budget, committed and paid by budget line and item (the ledger's running totals): one
    query. The fund is the city's: a district sees the same figures."""
    items = list(
        scoped(user, BudgetItem).filter(line__plan=plan).select_related("line").order_by("line__category", "sort_order")
    )
    lines: dict[str, list] = {}
    for item in items:
        line = lines.setdefault(item.line.get_category_display(), [Decimal(0)] * 3)
        line[0] += item.amount
        line[1] += item.committed
        line[2] += item.paid
    plan_url = reverse("plans:detail", args=[plan.pk])
    rule = "预算为方案的预算科目与项目；已承诺为已签订服务协议占用的金额；已支付为已付给服务机构的金额（当前数，不随期间变化）。"

    def figure(key, title, names, rows, chart="bar"):
        return Figure(
            key=key,
            title=title,
            rule=rule,
            unit="万元",
            chart=chart,
            categories=names,
            series=[
                {"name": label, "data": [round(float(r[i]) / 10000, 2) for r in rows]}
                for i, label in enumerate(("预算", "已承诺", "已支付"))
            ],
            links=[[plan_url] * len(names)] * 3,
            link=plan_url,
            note="支付进度 " + "、".join(f"{n} {_pct(r[2], r[0]) or 0}%" for n, r in zip(names, rows, strict=True)),
        )

    return [
        figure("fund_lines", "预算执行（按科目）", list(lines), list(lines.values())),
        figure(
            "fund_items",
            "预算执行（按项目）",
            [i.name for i in items],
            [(i.amount, i.committed, i.paid) for i in items],
            chart="hbar",
        ),
    ]


# --- Projects and supervision ---------------------------------------------------------------------


def project_figures(*, user, plan, period: Period) -> list[Figure]:
    """Projects by stage (one query) and overdue progress reports (one query)."""
    counts = dict(
        scoped(user, Project).filter(plan=plan).values_list("status").annotate(n=Count("pk", distinct=True)).order_by()
    )
    stages = [(s, label) for s, label in ProjectStatus.choices if counts.get(s)]
    on = period.on
    overdue = (
        scoped(user, ProgressReport)
        .filter(
            project__plan=plan,
            status__in=[ReportStatus.DUE, ReportStatus.RETURNED],
            due_date__lt=on,
            project__status__in=WORKING_STATUSES,
        )
        .aggregate(n=Count("pk", distinct=True), projects=Count("project", distinct=True))
    )
    return [
        Figure(
            key="projects",
            title="项目所处阶段",
            rule="本年度方案下的全部项目（区县：在本区县实施的项目），按当前状态计。",
            unit="个",
            chart="hbar",
            categories=[label for _, label in stages],
            series=[{"name": "项目数", "data": [counts[s] for s, _ in stages]}],
            links=[[_url("projects:list", status=s, year=plan.year) for s, _ in stages]],
            link=_url("projects:list", year=plan.year),
        ),
        Figure(
            key="reports_overdue",
            title="逾期未交的进度报告",
            rule="应报日期已过、仍待提交或已退回未重交的进度报告，只计实施中的项目。",
            unit="份",
            chart="bar",
            categories=["逾期报告", "涉及项目"],
            series=[{"name": "数量", "data": [overdue["n"], overdue["projects"]]}],
            links=[[_url("projects:report_list", overdue="yes", year=plan.year)] * 2],
            link=_url("projects:report_list", overdue="yes", year=plan.year),
        ),
    ]


def supervision_figures(*, user, plan, period: Period) -> list[Figure]:
    """Inspections by status and mode (one query), findings and their rectification (one query)."""
    may_open = can_view_inspections(user)[0]
    inspections = list(
        _aggregate_base(user, Inspection)
        .filter(period.until("planned_on"), project__plan=plan)
        .values_list("mode", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    modes = dict(Inspection._meta.get_field("mode").choices)
    statuses = [(s, label) for s, label in InspectionStatus.choices]
    series, links = [], []
    for status, label in statuses:
        series.append(
            {"name": label, "data": [sum(n for m, s, n in inspections if m == mode and s == status) for mode in modes]}
        )
        links.append(
            [_url("supervision:list", status=status, mode=mode, year=plan.year) if may_open else None for mode in modes]
        )
    return [
        Figure(
            key="inspections",
            title="检查指导",
            rule="本年度项目的检查（检查日期在期间内），按检查方式与状态计。",
            unit="次",
            chart="stack",
            categories=list(modes.values()),
            series=series,
            links=links,
            link=_url("supervision:list", year=plan.year) if may_open else None,
        ),
        _findings_figure(user, plan, period, may_open),
    ]


def _findings_figure(user, plan, period: Period, may_open: bool) -> Figure:
    """Findings by rectification status, overdue ones apart (one query)."""
    on = period.on
    findings = (
        _aggregate_base(user, Finding)
        .filter(period.until("created_at__date"), inspection__project__plan=plan)
        .aggregate(
            open=Count("pk", filter=Q(status=FindingStatus.OPEN)),
            rectifying=Count("pk", filter=Q(status=FindingStatus.RECTIFYING)),
            answered=Count("pk", filter=Q(status=FindingStatus.ANSWERED)),
            closed=Count("pk", filter=Q(status=FindingStatus.CLOSED)),
            overdue=Count("pk", filter=Q(status=FindingStatus.RECTIFYING, deadline__lt=on)),
        )
    )
    finding_keys = [
        ("open", "待处理", {"status": FindingStatus.OPEN}),
        ("rectifying", "整改中", {"status": FindingStatus.RECTIFYING}),
        ("overdue", "整改逾期", {"overdue": "on"}),
        ("answered", "整改待复核", {"status": FindingStatus.ANSWERED}),
        ("closed", "已销号", {"status": FindingStatus.CLOSED}),
    ]
    return Figure(
        key="findings",
        title="检查发现问题与整改",
        rule="检查发现的问题按当前整改状态计；整改逾期 = 整改中且已过整改期限。",
        unit="个",
        chart="bar",
        categories=[label for _, label, _ in finding_keys],
        series=[{"name": "问题数", "data": [findings[k] for k, _, _ in finding_keys]}],
        links=[[_url("supervision:findings", year=plan.year, **q) if may_open else None for _, _, q in finding_keys]],
        link=_url("supervision:findings", year=plan.year) if may_open else None,
    )


# --- Training --------------------------------------------------------------------------------------

TRAINING_DIMENSIONS = (
    ("region", "region_id", "培训人数（按区县）"),
    ("industry", "industry_id", "培训人数（按行业）"),
    ("position", "position_id", "培训人数（按岗位）"),
    ("month", "month", "培训人数（按月份）"),
)
MODES = list(Mode.choices)


def _training_counts(user, plan, period: Period) -> dict:
    """Distinct persons per dimension value and mode: four grouped queries."""
    qs = _aggregate_base(user, Completion).filter(period.until("completed_on"), year=plan.year, revoked_at__isnull=True)
    result = {}
    for dim, column, _ in TRAINING_DIMENSIONS:
        rows = qs.annotate(month=ExtractMonth("completed_on")) if dim == "month" else qs
        result[dim] = [
            (key, mode, n)
            for key, mode, n in rows.values_list(column, "mode")
            .annotate(n=Count("person_id", distinct=True))
            .order_by()
        ]
    return result


def training_figures(*, user, plan, period: Period) -> list[Figure]:
    counts = _training_counts(user, plan, period)
    names = reference_names()
    personal = _lists_personal(user)
    figures = []
    for dim, _, title in TRAINING_DIMENSIONS:
        rows = counts[dim]
        if dim == "month":
            keys = list(range(1, (period.month or 12) + 1))
            label = {m: f"{m} 月" for m in keys}
        elif dim == "region":
            keys = [pk for pk, _ in _region_names(user)]
            if any(k is None for k, _, _ in rows):
                keys.append(None)
            label = {pk: names["region"].get(pk, "未登记") for pk in keys}
        else:
            totals: dict = {}
            for k, _, n in rows:
                totals[k] = totals.get(k, 0) + n
            keys = sorted(totals, key=lambda k: -totals[k])
            label = {k: names[dim].get(k, "未登记") if k is not None else "未登记" for k in keys}
        cell = {(k, m): n for k, m, n in rows}
        series, links = [], []
        for mode, mode_label in MODES:
            series.append({"name": mode_label, "data": [cell.get((k, mode), 0) for k in keys]})
            row_links = []
            for k in keys:
                if not personal or (k is None and dim != "month"):
                    row_links.append(None)
                    continue
                params = {"year": plan.year, "mode": mode, "counted": 1}
                if dim == "month":
                    params["month"] = k
                else:
                    params[dim] = k
                    if period.month:
                        params["through"] = period.month
                row_links.append(_url("targets:completions", **params))
            links.append(row_links)
        figures.append(
            Figure(
                key=f"training_{dim}",
                title=title,
                rule=(
                    "本年度的培训完成记录（已撤销的不计）：每种方式内同一人只计一次，同一人可在几种方式中各计一次；"
                    "线下为签到签退覆盖整个场次，线上为必修课完成且选修学时达到方案要求。"
                    + ("按完成日期所在月份计。" if dim == "month" else "")
                ),
                unit="人",
                chart="hstack" if dim in ("industry", "position") else "stack",
                categories=[label[k] for k in keys],
                series=series,
                links=links,
                link=_url("targets:completions", year=plan.year, counted=1) if personal else None,
                note=f"共 {len(keys)} 项" if dim in ("industry", "position") else "",
            )
        )
    return figures


def funnel_figures(*, user, plan, period: Period) -> list[Figure]:
    """The online programme's funnel (one query over the year's enrolments)."""
    enrolments = _aggregate_base(user, Enrolment).filter(period.until("created_at__date"), plan=plan)
    row = enrolments.aggregate(
        enrolled=Count("pk"),
        started=Count("pk", filter=Q(credited_ms__gt=0)),
        completed=Count("pk", filter=Q(completed_on__isnull=False) & period.until("completed_on")),
        certified=Count(
            "pk",
            filter=Q(
                pk__in=Certificate.objects.filter(period.until("issued_on"), enrolment__plan=plan).values(
                    "enrolment_id"
                )
            ),
        ),
    )
    personal = _lists_personal(user)
    steps = [
        ("enrolled", "已报名", ""),
        ("started", "已开始学习", "started"),
        ("completed", "已达标", "completed"),
        ("certified", "已获证书", "certified"),
    ]
    return [
        Figure(
            key="funnel",
            title="线上培训漏斗",
            rule="本年度线上培训的报名（每人一条）：已开始 = 计入学习时长大于 0；已达标 = 必修课完成且选修学时达到要求；"
            "已获证书 = 已发电子证书。期间按报名、达标和发证日期截止。",
            unit="人",
            chart="funnel",
            categories=[label for _, label, _ in steps],
            series=[{"name": "人数", "data": [row[k] for k, _, _ in steps]}],
            links=[[_url("learning:learners", plan=plan.pk, status=s) if personal else None for _, _, s in steps]],
            link=_url("learning:learners", plan=plan.pk) if personal else None,
            note="转化率 " + " → ".join(f"{_pct(row[k], row['enrolled']) or 0}%" for k, _, _ in steps[1:]),
        )
    ]


# --- Publicity and the quiz ----------------------------------------------------------------------


def reach_figures(*, user, plan, period: Period) -> list[Figure]:
    """Publicity reach by district (the reach page's selector) and the quiz's participants and
    enterprises by district (one query)."""
    reach = plan_reach(user=user, plan=plan)
    reach_url = reverse("publicity:plan_reach", args=[plan.pk])
    districts = reach.districts  # a district's staff: what reached their district (the selector's scope)
    reach_fig = Figure(
        key="publicity_reach",
        title="宣传覆盖（按区县）",
        rule="定向推送按运营商回执的送达与打开数；宣传资料按区县人社局确认的发放数；宣传活动按登记的到场人数。",
        unit="人次/份",
        chart="bar",
        categories=[a.name for a in districts],
        series=[
            {"name": "推送送达", "data": [a.push_delivered for a in districts]},
            {"name": "推送打开", "data": [a.push_opened for a in districts]},
            {"name": "资料发放", "data": [a.materials for a in districts]},
            {"name": "活动到场", "data": [a.attendance for a in districts]},
        ],
        links=[[reach_url] * len(districts)] * 4,
        link=reach_url,
        note="计划与完成：" + "、".join(f"{t.kind.name} {t.delivered}/{t.planned}" for t in reach.totals),
    )
    quiz = (
        _aggregate_base(user, Participant)
        .filter(period.until("joined_at__date"), competition__plan=plan)
        .values_list("region_id")
        .annotate(people=Count("pk"), enterprises=Count("enterprise", distinct=True))
        .order_by()
    )
    by_region = {pk: (p, e) for pk, p, e in quiz}
    regions = _region_names(user)
    quiz_url = reverse("quiz:list")
    quiz_fig = Figure(
        key="quiz_reach",
        title="知识竞答参与（按区县）",
        rule="本年度竞答的参与者（同一竞答每个身份证号一人）及其所在企业数（按登记的统一社会信用代码匹配）。",
        unit="人/家",
        chart="bar",
        categories=[name for _, name in regions],
        series=[
            {"name": "参与人数", "data": [by_region.get(pk, (0, 0))[0] for pk, _ in regions]},
            {"name": "覆盖企业", "data": [by_region.get(pk, (0, 0))[1] for pk, _ in regions]},
        ],
        links=[[quiz_url] * len(regions)] * 2,
        link=quiz_url,
    )
    return [reach_fig, quiz_fig]


# --- Flags ---------------------------------------------------------------------------------------


def flag_figures(*, user, plan, period: Period) -> list[Figure]:
    """Fraud and data flags by source, open and decided (one query)."""
    rows = (
        _aggregate_base(user, Flag)
        .filter(period.until("created_at__date"), project__plan=plan)
        .values_list("source", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cell = {(s, st): n for s, st, n in rows}
    sources = list(FlagSource.choices)
    series, links = [], []
    for status, label in FlagStatus.choices:
        series.append({"name": label, "data": [cell.get((s, status), 0) for s, _ in sources]})
        links.append([_url("training:flag_list", source=s, status=status, year=plan.year) for s, _ in sources])
    return [
        Figure(
            key="flags",
            title="异常线索（按来源）",
            rule="各来源自动或人工提出的异常线索：待核查为尚未决定，已核实为问题 / 无问题为经办机构的决定。",
            unit="条",
            chart="stack",
            categories=[label for _, label in sources],
            series=series,
            links=links,
            link=_url("training:flag_list", year=plan.year),
        )
    ]


def dashboard_plan(*, user, wanted=None):
    """The plan the dashboard shows: the one asked for among those the user may see, else the
    latest issued one. Returns (plan or None, every plan offered), one query."""
    plans = list(plan_list(user=user).exclude(status=PlanStatus.DRAFT).order_by("-year", "-pk"))
    chosen = next((p for p in plans if str(p.pk) == str(wanted)), None) if wanted else None
    if chosen is None and not wanted:
        chosen = next((p for p in plans if p.status == PlanStatus.ISSUED), plans[0] if plans else None)
    return chosen, plans


SECTIONS = (
    ("targets", "目标进度", target_figures),
    ("fund", "资金与预算执行", fund_figures),
    ("projects", "项目与进度报告", project_figures),
    ("training", "培训", training_figures),
    ("online", "线上培训", funnel_figures),
    ("reach", "宣传与知识竞答", reach_figures),
    ("supervision", "监督检查", supervision_figures),
    ("flags", "异常线索", flag_figures),
)


# The records whose change changes a figure. Each is either append-only (a new row: a new
# primary key) or changed only by services that write the audit log in the same transaction, so
# the newest primary key of each, read together, moves whenever any figure could.
STAMP_MODELS = (
    AuditLog,  # every transition and edit: projects, reports, inspections, findings, flags, targets
    Completion,
    CompletionRevocation,
    BudgetEntry,  # the ledger behind committed and paid
    Flag,
    Participant,
    PushDelivery,
    ViewReading,
)
LIVE = ("online",)  # the funnel: a heartbeat starts a learner without a trace, so it is read live


def _stamp_columns() -> dict:
    """The newest primary key of every source, as subqueries (index lookups)."""
    return {f"m{i}": Subquery(model.objects.order_by("-pk").values("pk")[:1]) for i, model in enumerate(STAMP_MODELS)}


def dashboard_stamp(plan) -> str:
    """The sources' stamp, in one query (read on the plan's row), with today's date: overdue
    reports and the pace move with the calendar."""
    columns = _stamp_columns()
    row = type(plan).objects.filter(pk=plan.pk).annotate(**columns).values_list(*columns).first()
    return stamp_text((*(row or ()), today().isoformat()))


def dashboard_sections(*, user, plan, period: Period, skip: tuple = ()) -> list[Section]:
    return [
        Section(key, title, fn(user=user, plan=plan, period=period)) for key, title, fn in SECTIONS if key not in skip
    ]


def reader_key(user, plan, period: Period) -> str:
    """Who reads the same figures: the scope, whether lists of people and inspections open,
    the plan and the period."""
    scope = scope_of(user)
    raw = (
        f"{scope.kind}:{int(scope.partner)}:{scope.region_id}:{int(_lists_personal(user))}:"
        f"{int(can_view_inspections(user)[0])}:{plan.pk}:{period.month}"
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def count_sections(*, user, plan, period: Period, progress=None) -> list[dict]:
    """Every section but the live ones, counted now, as plain data. `progress(done, total)` is
    told after each section."""
    computed_at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    counted = [(key, title, fn) for key, title, fn in SECTIONS if key not in LIVE]
    sections = []
    for done, (key, title, fn) in enumerate(counted, start=1):
        figures = fn(user=user, plan=plan, period=period)
        for figure in figures:
            figure.computed_at = computed_at
        sections.append({"key": key, "title": title, "figures": [asdict(f) for f in figures]})
        if progress is not None:
            progress(done, len(counted))
    return sections


def _count_and_keep(key: str, user, plan, period: Period, progress=None, new: bool = False) -> tuple:
    stamp = dashboard_stamp(plan)  # read first: a change during the count moves it again
    computed_at = timezone.now()
    sections = count_sections(user=user, plan=plan, period=period, progress=progress)
    kept_save(key=key, plan=plan, month=period.month, stamp=stamp, sections=sections, computed_at=computed_at, new=new)
    return sections, computed_at


@task(queue_name="dashboard")
def dashboard_recount(user_id: int, plan_id: int, month: int | None) -> None:
    """Counts a reader's figures afresh after their sources moved, reporting each section."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    plan = Plan.objects.filter(pk=plan_id).first()
    if user is None or plan is None:
        return
    period = Period(plan.year, month)
    key = reader_key(user, plan, period)
    try:
        _count_and_keep(key, user, plan, period, progress=lambda done, total: kept_progress(key, done, total))
    except Exception:
        kept_release(key)
        raise


@dataclass(frozen=True)
class Counted:
    """When the figures shown were counted (None: never yet, the first count runs), and whether
    the sources have moved since (a recount then runs in the background: `done` of `total`
    sections so far)."""

    at: datetime.datetime | None
    fresh: bool
    recounting: bool
    done: int = 0
    total: int = 0

    def as_dict(self) -> dict:
        at = timezone.localtime(self.at) if self.at else None
        return {
            "at": at.isoformat() if at else "",
            "label": at.strftime("%Y-%m-%d %H:%M:%S") if at else "",
            "fresh": self.fresh,
            "recounting": self.recounting,
            "done": self.done,
            "total": self.total,
        }


FIRST = Counted(None, fresh=False, recounting=True)


def _kept(key: str, *, sections: bool = True) -> Kept | None:
    return kept_read(key, _stamp_columns(), (today().isoformat(),), sections=sections)


def _recount_if_behind(key: str, kept: Kept, user, plan, period: Period, *, sections: bool = True) -> Kept:
    """Starts the background recount when the kept figures are behind their sources and no
    recount runs. Returns the row as it now stands: counted afresh already where the task ran
    at once (the tests' backend), else marked as being recounted."""
    if kept.fresh or kept.recounting:
        return kept
    claiming = replace(kept, recount_started=timezone.now(), recount_done=0, recount_total=0)
    if not kept_claim(key):
        return claiming  # another visit claimed it a moment ago
    if dashboard_recount.enqueue(user.pk, plan.pk, period.month).is_finished:
        return _kept(key, sections=sections) or kept
    return claiming


def _first_count(key: str, user, plan, period: Period) -> Kept | None:
    """Places the row nothing was counted for and starts its first count in the background;
    the row once counted where the task ran at once, else None (the page shows the progress)."""
    if kept_begin(key, plan=plan, month=period.month):
        if dashboard_recount.enqueue(user.pk, plan.pk, period.month).is_finished:
            return _kept(key)
    return None


def kept_sections(*, user, plan, period: Period, wait: bool = False) -> tuple[list[dict], Counted]:
    """Every section but the live ones: as kept while no source has changed (one query with the
    stamp); when a source has, the kept figures while a background task counts afresh. When
    nothing was counted yet for this reader, plan and period, the first count runs in the
    background too (no sections: the page shows its progress), or in the request if `wait`."""
    key = reader_key(user, plan, period)
    kept = _kept(key)
    if (kept is None or not kept.counted) and wait:
        sections, computed_at = _count_and_keep(key, user, plan, period, new=kept is None)
        return sections, Counted(computed_at, fresh=True, recounting=False)
    if kept is None:
        kept = _first_count(key, user, plan, period)
    else:  # behind its sources, or a first count that stopped: counted (again) in the background
        kept = _recount_if_behind(key, kept, user, plan, period)
    if kept is None:
        return [], FIRST
    return (kept.sections if kept.counted else []), counted_of(kept)


def counted_of(kept: Kept) -> Counted:
    if not kept.counted:
        return replace(FIRST, done=kept.recount_done, total=kept.recount_total)
    return Counted(
        kept.computed_at,
        fresh=kept.fresh,
        recounting=not kept.fresh and kept.recounting,
        done=kept.recount_done,
        total=kept.recount_total,
    )


def dashboard_counted(*, user, plan, period: Period) -> Counted | None:
    """Where the count of the reader's figures stands (the page's progress note asks every few
    seconds), starting it again if it stopped; None when nothing was counted or placed yet."""
    key = reader_key(user, plan, period)
    kept = _kept(key, sections=False)
    if kept is None:
        return None
    return counted_of(_recount_if_behind(key, kept, user, plan, period, sections=False))


def dashboard_figures(*, user, plan, period: Period | str | int | None = None, wait: bool = False) -> dict:
    """Every figure of the dashboard as plain data (the page, the API and the export read
    this): the kept count (see `kept_sections`) and the live sections. While the first count of
    this reader, plan and period runs (not `wait`), there are no sections."""
    if not isinstance(period, Period):
        period = period_of(plan, period)
    district = _district(user)
    sections, counted = kept_sections(user=user, plan=plan, period=period, wait=wait)
    kept = {s["key"]: s for s in sections}
    live = {}
    if kept:
        live = {
            s.key: {"key": s.key, "title": s.title, "figures": [asdict(f) for f in s.figures]}
            for s in dashboard_sections(user=user, plan=plan, period=period, skip=tuple(kept))
        }
    return {
        "plan": {"id": plan.pk, "year": plan.year, "title": plan.title},
        "period": {"month": period.month, "label": period.label, "end": period.end.isoformat()},
        "scope": {
            "district_id": district,
            "label": reference_names()["region"].get(district, "全市") if district else "全市",
        },
        "counted": counted.as_dict(),
        "sections": [kept.get(key) or live[key] for key, _, _ in SECTIONS] if kept else [],
    }


def dashboard_orm_baseline(*, user, plan) -> list:
    """Plain ORM aggregates over the same records, without rollups or cache: what the bench
    compares the page with (completions per district, industry, position and mode; enrolments;
    projects; flags)."""
    qs = Completion.objects.filter(year=plan.year, revoked_at__isnull=True)
    out = []
    for column in ("region_id", "industry_id", "position_id"):
        out += list(qs.values_list(column, "mode").annotate(n=Count("person_id", distinct=True)).order_by())
    out += list(Enrolment.objects.filter(plan=plan).aggregate(n=Count("pk"), c=Count("completed_on")).items())
    out += list(Project.objects.filter(plan=plan).values_list("status").annotate(n=Count("pk")).order_by())
    out += list(
        Flag.objects.filter(project__plan=plan).values_list("source", "status").annotate(n=Count("pk")).order_by()
    )
    return out
