"""The enterprises' work-injury statistics after the demo's training year, carrying a known effect,
so the prevention-effect page (insight) has something true to show.

Every demo enterprise of orgs.py and training.py had people trained in 2023, so there is nothing
to compare them with. The agency therefore imports, through the register import, comparable
enterprises of the same industries and sizes whose staff the programme did not reach, with their
2020–2022 statistics; then the 2023 statistics of every enterprise (imported in March 2024, when
the work-injury insurance system closes the year) and the 2024 statistics (March 2025). All of
it goes through the statistics import: the spreadsheet, the checking job, the confirmation.

The planted effect: an enterprise whose people trained in 2023 are at least 10% of its insured
headcount (the page's default threshold) has, in 2024, a work-injury risk lower by
EFFECT_PER_THOUSAND cases per 1,000 insured than in the years before (never below 0.2); its
benefits paid follow its risk, so its loss ratio falls with it. Everyone else keeps their risk.
The figures are drawn exactly as load_enterprises draws 2020–2022."""

import datetime
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models import Count, Sum
from openpyxl import Workbook

from yufang.accounts.models import Organisation, User
from yufang.core.jobs import job_start, run_job
from yufang.core.models import Job, JobStatus
from yufang.enterprises import services as enterprise_services
from yufang.enterprises.models import EnterpriseProfile, InjuryStatistic
from yufang.reference.models import Industry, Region
from yufang.targets.models import Completion

from .clock import demo_clock
from .credit_codes import demo_credit_code

EFFECT_PER_THOUSAND = 2.0
TRAINED_SHARE = Decimal(10)  # percent of the insured headcount
TRAINING_YEAR = 2023
# Comparable enterprises per industry, and the word their names carry.
COMPARISON = {
    "hazchem": (24, "化工"),
    "construction": (16, "建筑工程"),
    "machinery": (16, "机械"),
    "transport": (12, "运输"),
    "express": (8, "快递服务"),
}
SYLLABLES_1 = "鑫华泰恒瑞宏金联盛源东润安达信丰嘉明万兴"
SYLLABLES_2 = "达泰源盛通顺隆昌和利"
GBT = {"hazchem": "C2614", "construction": "E4710", "machinery": "C3411", "transport": "G5430", "express": "G6020"}


def _year_figures(rng: random.Random, insured: int, risk: float, hazchem: bool) -> dict:
    """One year's figures, drawn as load_enterprises draws them."""
    headcount = max(30, int(insured * rng.uniform(0.9, 1.1)))
    cases = int(headcount * risk / 1000 * rng.uniform(0.6, 1.4))
    premiums = Decimal(headcount * rng.randint(900, 1600)).quantize(Decimal("0.01"))
    benefits = (premiums * Decimal(str(round(risk / 5 * rng.uniform(0.3, 1.5), 3)))).quantize(Decimal("0.01"))
    return {
        "accident_cases": cases,
        "disease_cases": 1 if hazchem and rng.random() < 0.2 else 0,
        "insured_headcount": headcount,
        "premiums_paid": premiums,
        "benefits_paid": benefits,
    }


def _xlsx(header: list[str], rows: list[list]) -> ContentFile:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return ContentFile(buffer.getvalue(), name="导入.xlsx")


def _import(agency: User, kind: str, title: str, header: list[str], rows: list[list], params: dict) -> int:
    """The agency's import: the checking job (run here and now), then the confirmation."""
    job = job_start(kind=kind, title=title, actor=agency, params=params, file=_xlsx(header, rows))
    run_job.call(job.pk)
    job = Job.objects.get(pk=job.pk)
    if job.status != JobStatus.SUCCEEDED or job.result["errors"]:
        raise RuntimeError(f"demo import {title} failed: {job.message} {job.result.get('errors', [])[:3]}")
    return enterprise_services.register_import_apply(
        actor=agency, rows=job.result["good"], job=job, kind=job.result["kind"]
    )


STAT_HEADER = ["统一社会信用代码", "企业名称", "年度", "工伤事故件数", "职业病件数", "参保人数", "缴费金额", "基金支付"]


def _stat_row(org: Organisation, year: int, figures: dict) -> list:
    return [
        org.credit_code,
        org.name,
        year,
        figures["accident_cases"],
        figures["disease_cases"],
        figures["insured_headcount"],
        str(figures["premiums_paid"]),
        str(figures["benefits_paid"]),
    ]


def _comparison_enterprises(agency: User, rng: random.Random) -> dict[int, float]:
    """Registers the comparable untrained enterprises with 2020–2022 statistics; their risks."""
    city = agency.organisation.city
    regions = list(Region.objects.filter(city=city).order_by("pk"))
    industries = {i.code: i for i in Industry.objects.filter(code__in=COMPARISON)}
    taken = set(Organisation.objects.values_list("name", flat=True))
    register, planned = [], []
    for code, (count, word) in COMPARISON.items():
        for _ in range(count):
            while True:
                region = rng.choice(regions)
                name = f"淄博{rng.choice(SYLLABLES_1)}{rng.choice(SYLLABLES_2)}{word}有限公司"
                if name not in taken:
                    break
            taken.add(name)
            insured = rng.randint(60, 1800)
            credit = demo_credit_code(name, region_code=region.code or "370300")
            register.append([name, credit, region.name, industries[code].name, GBT[code], insured])
            planned.append((credit, code, insured, rng.uniform(0.5, 9.0)))
    _import(
        agency,
        "enterprises.register_check",
        "导入企业名录：未参训企业",
        ["企业名称", "统一社会信用代码", "所在区县", "行业类别", "国民经济行业代码", "参保人数"],
        register,
        {"city_id": city.pk},
    )
    orgs = {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=[p[0] for p in planned])}
    rows, risks = [], {}
    for credit, code, insured, risk in planned:
        org = orgs[credit]
        risks[org.pk] = risk
        for year in (2020, 2021, 2022):
            rows.append(_stat_row(org, year, _year_figures(rng, insured, risk, code == "hazchem")))
    _import(agency, "enterprises.statistics_check", "导入工伤统计：2020—2022 年度（未参训企业）", STAT_HEADER, rows, {})
    return risks


def load(agency: User) -> None:
    if InjuryStatistic.objects.filter(year=TRAINING_YEAR + 1).exists():
        return
    rng = random.Random(TRAINING_YEAR + 1)
    with demo_clock(datetime.date(2023, 9, 10)):
        new_risks = _comparison_enterprises(agency, rng)
    profiles = list(EnterpriseProfile.objects.select_related("organisation", "industry").order_by("organisation__name"))
    # Each enterprise's risk: drawn for the new ones; from its 2020–2022 record for the others.
    history = {
        row["enterprise_id"]: row
        for row in InjuryStatistic.objects.filter(year__lte=TRAINING_YEAR - 1)
        .values("enterprise_id")
        .annotate(cases=Sum("accident_cases"), insured=Sum("insured_headcount"))
    }
    risks = {}
    for p in profiles:
        past = history.get(p.organisation_id)
        risks[p.organisation_id] = new_risks.get(p.organisation_id) or (
            max(0.5, past["cases"] * 1000 / past["insured"]) if past and past["insured"] else rng.uniform(0.5, 9.0)
        )
    trained = dict(
        Completion.objects.filter(year=TRAINING_YEAR, enterprise__isnull=False)
        .values("enterprise_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("enterprise_id", "n")
    )
    insured = {p.organisation_id: p.insured_headcount or 100 for p in profiles}
    current = {}
    rows = []
    for p in profiles:
        figures = _year_figures(rng, insured[p.organisation_id], risks[p.organisation_id], p.industry.code == "hazchem")
        current[p.organisation_id] = figures["insured_headcount"]
        rows.append(_stat_row(p.organisation, TRAINING_YEAR, figures))
    with demo_clock(datetime.date(TRAINING_YEAR + 1, 3, 15)):
        _import(agency, "enterprises.statistics_check", f"导入工伤统计：{TRAINING_YEAR} 年度", STAT_HEADER, rows, {})
    rows = []
    for p in profiles:
        eid = p.organisation_id
        share = (Decimal(trained.get(eid, 0)) * 100 / current[eid]).quantize(Decimal("0.1"))  # as the page rounds
        risk = risks[eid]
        if share >= TRAINED_SHARE:
            risk = max(0.2, risk - EFFECT_PER_THOUSAND)
        figures = _year_figures(rng, insured[eid], risk, p.industry.code == "hazchem")
        rows.append(_stat_row(p.organisation, TRAINING_YEAR + 1, figures))
    with demo_clock(datetime.date(TRAINING_YEAR + 2, 3, 14)):
        _import(
            agency, "enterprises.statistics_check", f"导入工伤统计：{TRAINING_YEAR + 1} 年度", STAT_HEADER, rows, {}
        )
