"""The 2023 publicity line's records (seed 三（一）, 附件 工伤预防宣传), made through the publicity
services on the demo's clock, once each project's implementation plan is approved:

- 传统媒体 (淄博广电, login `provider_tv`): the 线性宣传课堂, one aired episode a week with its
  recording and a screenshot; most accepted, one returned because its screenshot is the previous
  episode's (the same file, so the platform marks it), the latest two awaiting review;
- 新媒体 (融媒, login `provider_rm`): twelve short videos (政策 / 知识 / 事故案例) with their view
  counts read on two or three platforms from publication to the year's end; six rounds of targeted
  pushes on the 5G 智媒 platform, each with its audience (industries, districts or the "进百企"
  enterprises) and the carrier's delivery report imported from Excel through the check job and
  the import, as the pages do; and the launch ceremony with its photos. All accepted before the
  project's reports are written (reach.py's figures come from the records);
- 定制资料 (鲁中印务, login `provider_ys`): the brochures, leaflets and promotional bags, each with
  a photo and its delivery note and its print run (ordered, received); the last run awaiting
  review. The brochures go to every district's bureau and the leaflets to a few enterprises, each
  handover with its signed receipt (签收单), confirmed by the district's staff, except 张店区's
  (login `district`), which waits on its 待办.

Running again changes nothing."""

import datetime
import hashlib
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from openpyxl import Workbook

from yufang.accounts.models import Organisation, OrganisationKind, User
from yufang.core.jobs import job_start, run_job
from yufang.projects.models import Project
from yufang.publicity import services
from yufang.publicity.distribution import distribution_record, distribution_transition, material_stock_save
from yufang.publicity.models import AudienceKind, Deliverable, DeliverableKind
from yufang.publicity.pushes import push_audience_save, push_delivery_import
from yufang.publicity.viewcounts import view_reading_add
from yufang.reference.models import Industry, Region

from . import evidence_files as files
from .clock import TZ, at, demo_clock
from .orgs import CITY_CODE, DISTRICT_STAFF, district_username

CHANNEL = "淄博电视台新闻综合频道"
PROGRAMME = "工伤预防线性宣传课堂"
PLATFORM = "淄博 5G 智媒平台"
CEREMONY = "工伤预防答题活动暨工伤预防体系建设启动仪式"


@dataclass
class Record:
    """One deliverable as the demo records it: what the provider enters, its files, and what
    the agency decides (`accept`, `return` with a note, or "" to leave it awaiting review)."""

    kind: str
    title: str
    day: datetime.date
    details: dict
    quantity: int = 1
    files: list[tuple[str, bytes]] = field(default_factory=list)
    decision: str = "accept"
    note: str = ""
    regions: list[Region] = field(default_factory=list)
    # What the provider records beside the deliverable before submitting it (a push's audience
    # and delivery report, a print run's quantities): frozen with it once accepted.
    reach: Callable[[Deliverable], None] | None = None


def _kinds() -> dict[str, DeliverableKind]:
    return {k.code: k for k in DeliverableKind.objects.all()}


def plan_quantities(project: Project, provider: User, planned: dict[str, int]) -> None:
    """The project's planned quantity per kind (by kind code), entered by its provider."""
    if project.publicity_plan.exists():
        return
    kinds = _kinds()
    services.publicity_plan_save(
        project=project, planned={kinds[code].pk: n for code, n in planned.items()}, actor=provider
    )


def record(project: Project, provider: User, agency: User, entry: Record) -> Deliverable:
    """Recorded and submitted the day after it was delivered, with its files; decided by the
    agency three days later. The block's clock is the demo's, so the deliverable's own
    submitted and decided times and its audit trail read 2023."""
    with demo_clock(datetime.datetime.combine(entry.day + datetime.timedelta(days=1), datetime.time(9), TZ), now=True):
        deliverable = services.deliverable_create(
            project=project,
            kind=_kinds()[entry.kind],
            data={
                "title": entry.title,
                "quantity": entry.quantity,
                "delivered_on": entry.day,
                "details": entry.details,
            },
            regions=entry.regions,
            actor=provider,
        )
        for name, content in entry.files:
            services.evidence_add(deliverable=deliverable, file=ContentFile(content, name=name), actor=provider)
        if entry.reach is not None:
            entry.reach(deliverable)
        deliverable = services.deliverable_transition(deliverable=deliverable, action="submit", actor=provider)
    if entry.decision:
        with demo_clock(
            datetime.datetime.combine(entry.day + datetime.timedelta(days=4), datetime.time(15), TZ), now=True
        ):
            deliverable = services.deliverable_transition(
                deliverable=deliverable, action=entry.decision, actor=agency, note=entry.note
            )
    return deliverable


def _record_all(project: Project, provider: User, agency: User, entries: list[Record]) -> list[Deliverable]:
    # Recorded in the order they happened, so a reused file points back to the earlier one.
    return [record(project, provider, agency, e) for e in sorted(entries, key=lambda e: e.day)]


# --- 传统媒体: the broadcaster's 线性宣传课堂 ----------------------------------------------------

EPISODES = [
    "工伤保险政策与工伤认定",
    "危险化学品储存与装卸安全",
    "建筑施工高处坠落防范",
    "有限空间作业安全",
    "机械伤害防护与上锁挂牌",
    "道路运输驾驶员疲劳驾驶防范",
    "快递外卖骑手交通安全",
    "职业病危害与个体防护",
    "冬季施工防火防冻",
    "工伤事故应急处置与报告",
    "工伤预防费的使用与申报",
]
FIRST_AIRING = datetime.datetime(2023, 10, 7, 19, 35, tzinfo=TZ)  # Saturdays after the evening news


def broadcast_episodes(project: Project, provider: User, agency: User) -> None:
    """Twelve weekly episodes planned, eleven aired (7 October to 16 December). Episode 9's
    screenshot is episode 8's file uploaded again: the platform marks it and the agency returns
    it; episodes 10 and 11 await review."""
    plan_quantities(project, provider, {"broadcast": 12})
    if project.deliverables.exists():
        return
    entries = []
    screenshot = b""
    for number, topic in enumerate(EPISODES, start=1):
        aired = FIRST_AIRING + datetime.timedelta(weeks=number - 1)
        if number != 9:
            screenshot = files.photo(f"ZBTV ep.{number} screen", aired + datetime.timedelta(minutes=5))
        entries.append(
            Record(
                kind="broadcast",
                title=f"{PROGRAMME}第{number}期：{topic}",
                day=aired.date(),
                details={
                    "channel": CHANNEL,
                    "programme": PROGRAMME,
                    "aired_at": aired,
                    "duration_minutes": 15,
                    "topic": topic,
                },
                files=[
                    (f"第{number}期录像.mp4", files.video(f"episode-{number}")),
                    (f"第{number}期播出截图.jpg", screenshot),
                ],
                decision="return" if number == 9 else ("" if number >= 10 else "accept"),
                note="本期播出截图与第 8 期完全相同（同一文件），请上传本期播出截图或电视台出具的播出证明。"
                if number == 9
                else "",
            )
        )
    _record_all(project, provider, agency, entries)


# --- 新媒体: short videos, targeted pushes, the launch ceremony ------------------------------------

VIDEOS = [
    ("政策", "一图读懂工伤保险待遇", 95, datetime.date(2023, 10, 10)),
    ("政策", "工伤认定申请流程", 120, datetime.date(2023, 10, 17)),
    ("知识", "危险化学品泄漏应急处置", 150, datetime.date(2023, 10, 24)),
    ("事故案例", "有限空间中毒事故警示", 180, datetime.date(2023, 10, 31)),
    ("知识", "高处作业安全带正确使用", 110, datetime.date(2023, 11, 7)),
    ("事故案例", "塔吊倾覆事故警示", 165, datetime.date(2023, 11, 14)),
    ("政策", "工伤预防费能用在哪里", 100, datetime.date(2023, 11, 21)),
    ("知识", "机械设备上锁挂牌", 130, datetime.date(2023, 11, 28)),
    ("事故案例", "货车疲劳驾驶事故警示", 170, datetime.date(2023, 12, 1)),
    ("知识", "冬季用电防火", 90, datetime.date(2023, 12, 5)),
    ("政策", "新就业形态人员职业伤害保障", 140, datetime.date(2023, 12, 8)),
    ("事故案例", "粉尘爆炸事故警示", 175, datetime.date(2023, 12, 12)),
]


def short_videos(project: Project, provider: User, agency: User) -> None:
    """The twelve short videos the agreement undertakes, each with its MP4, all accepted."""
    entries = [
        Record(
            kind="short_video",
            title=title,
            day=day,
            details={
                "topic": topic,
                "duration_seconds": seconds,
                "platform": PLATFORM,
                "link": f"https://5g.zbnews.example.cn/gsyf/video/{day:%Y%m%d}",
            },
            files=[(f"{title}.mp4", files.video(f"video-{title}"))],
        )
        for topic, title, seconds, day in VIDEOS
    ]
    _record_all(project, provider, agency, entries)


# Where each video was published and how many views it gathers on each (a few months on): the
# 5G 智媒 platform and the bureau's Douyin account carry every video, its WeChat channel the
# policy videos and the accident cases.
VIEW_PLATFORMS = [(PLATFORM, 9000), ("抖音 @淄博人社", 42000), ("微信视频号 淄博人社", 7000)]
TOPIC_PULL = {"政策": 0.8, "知识": 1.0, "事故案例": 1.9}
LAST_READING = datetime.date(2023, 12, 28)
# The provider's regular reading days (mid-month and month end), besides each video's first days.
READING_DAYS = [
    datetime.date(2023, 10, 31),
    datetime.date(2023, 11, 15),
    datetime.date(2023, 11, 30),
    datetime.date(2023, 12, 15),
    LAST_READING,
]


def _spread(seed: str) -> float:
    """A steady factor between 0.7 and 1.3 from the seed (the same every run)."""
    return 0.7 + int(hashlib.sha256(seed.encode()).hexdigest()[:6], 16) / 0xFFFFFF * 0.6


def view_readings(topic: str, title: str, published: datetime.date) -> list[tuple[str, datetime.date, int]]:
    """(platform, date, cumulative views) as the provider reads them off each platform: three
    days and ten days after publication, then on the regular reading days to 28 December.
    Views grow fast in the first days and level off."""
    days = sorted(
        {published + datetime.timedelta(days=3), published + datetime.timedelta(days=10), *READING_DAYS}
        - {d for d in READING_DAYS if d < published + datetime.timedelta(days=3)}
    )
    days = [d for d in days if d <= LAST_READING]
    platforms = VIEW_PLATFORMS if topic != "知识" else VIEW_PLATFORMS[:2]
    readings = []
    for platform, typical in platforms:
        final = typical * TOPIC_PULL[topic] * _spread(f"{title}@{platform}")
        for day in days:
            age = (day - published).days
            readings.append((platform, day, int(final * (1 - math.exp(-age / 12)))))
    return readings


def video_views(project: Project, provider: User) -> None:
    """Each accepted video's readings, recorded by the provider on the day they were read."""
    readings: dict[datetime.date, list] = {}
    for deliverable in project.deliverables.filter(kind__code="short_video"):
        for platform, day, views in view_readings(
            deliverable.details["topic"], deliverable.title, deliverable.delivered_on
        ):
            readings.setdefault(day, []).append((deliverable, platform, views))
    for day in sorted(readings):
        with demo_clock(at(day, 17), now=True):
            for deliverable, platform, views in readings[day]:
                view_reading_add(deliverable=deliverable, platform=platform, read_on=day, views=views, actor=provider)


@dataclass
class PushRound:
    """A round of ten pushes on one day to one audience, and the carrier's totals for it
    (messages sent, delivered and opened), which its report splits by district and industry."""

    day: datetime.date
    audience: str  # AudienceKind
    detail: str
    planned_reach: int
    sent: int
    delivered: int
    opened: int
    industries: tuple[str, ...] = ()  # codes
    districts: tuple[str, ...] = ()  # names
    content: str = ""


PUSHES = [
    PushRound(
        datetime.date(2023, 10, 16),
        AudienceKind.INDUSTRIES,
        "危险化学品、建筑施工企业职工",
        24000,
        236480,
        228915,
        61807,
        industries=("hazchem", "construction"),
        content="危险化学品储存装卸、建筑施工高处坠落防范知识及事故警示，每天 1 条，共 10 条。",
    ),
    PushRound(
        datetime.date(2023, 10, 30),
        AudienceKind.DISTRICTS,
        "张店区、临淄区、淄川区",
        30000,
        296350,
        284106,
        71027,
        districts=("张店区", "临淄区", "淄川区"),
        content="工伤保险待遇、工伤认定流程和“进百企”竞答报名提示，共 10 条。",
    ),
    PushRound(
        datetime.date(2023, 11, 13),
        AudienceKind.INDUSTRIES,
        "机械制造、交通运输企业职工",
        22000,
        215720,
        207810,
        54031,
        industries=("machinery", "transport"),
        content="机械设备上锁挂牌、货车疲劳驾驶防范及事故警示，共 10 条。",
    ),
    PushRound(
        datetime.date(2023, 11, 27),
        AudienceKind.ENTERPRISES,
        "“进百企”活动 100 家参与企业的职工",
        18000,
        178400,
        174120,
        62683,
        content="竞答题目解析与工伤预防知识要点，共 10 条。",
    ),
    PushRound(
        datetime.date(2023, 12, 11),
        AudienceKind.DISTRICTS,
        "博山区、周村区、桓台县、高青县、沂源县",
        26000,
        254300,
        241585,
        55565,
        districts=("博山区", "周村区", "桓台县", "高青县", "沂源县"),
        content="冬季施工防火防冻、用电安全和工伤保险政策，共 10 条。",
    ),
    PushRound(
        datetime.date(2023, 12, 15),
        AudienceKind.INDUSTRIES,
        "快递、外卖等新就业形态从业人员",
        15000,
        148600,
        141170,
        45174,
        industries=("express",),
        content="骑手交通安全和新就业形态人员职业伤害保障，共 10 条。",
    ),
]
# How the pushes' audience is spread over the districts (insured workers, roughly).
DISTRICT_WEIGHTS = {
    "张店区": 20,
    "临淄区": 16,
    "淄川区": 12,
    "桓台县": 10,
    "高新区": 9,
    "周村区": 8,
    "博山区": 7,
    "沂源县": 5,
    "经济开发区": 5,
    "高青县": 4,
    "文昌湖区": 2,
}
# How the carrier spells the districts and industries in its reports (the import reads them all).
CARRIER_DISTRICT = {"张店区": "张店", "临淄区": "临淄", "淄川区": "淄川", "桓台县": "桓台县", "高新区": "高新区"}
CARRIER_INDUSTRY = {
    "hazchem": "危化品",
    "construction": "建筑业",
    "machinery": "机械制造业",
    "transport": "道路运输",
    "express": "快递",
    "other": "其他",
}


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to the weights, whole numbers adding up exactly."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    parts = [int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: parts[i] - shares[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _within(total: int, caps: list[int], rates: list[float]) -> list[int]:
    """`total` split over rows in proportion to cap x rate, never above a row's cap."""
    parts = [
        min(c, p) for c, p in zip(caps, _split(total, [c * r for c, r in zip(caps, rates, strict=True)]), strict=True)
    ]
    for i in sorted(range(len(caps)), key=lambda i: caps[i] - parts[i], reverse=True):
        room = min(caps[i] - parts[i], total - sum(parts))
        parts[i] += max(room, 0)
    return parts


# A district round's recipients by their employer's industry (the lists come from the insured
# workers' register, so the carrier reports each district's rows by industry too).
INDUSTRY_WEIGHTS = {
    "hazchem": 18,
    "construction": 16,
    "machinery": 20,
    "transport": 12,
    "express": 8,
    "other": 26,
}


def _audience_rows(push: PushRound, enterprises: list[Organisation]) -> list[tuple[str, str, float]]:
    """(district, industry code, weight) of the rows the carrier's report has."""
    if push.audience == AudienceKind.DISTRICTS:
        return [(d, code, DISTRICT_WEIGHTS[d] * w) for d in push.districts for code, w in INDUSTRY_WEIGHTS.items()]
    if push.audience == AudienceKind.INDUSTRIES:
        return [
            (d, code, w * (1.4 if i == 0 else 1.0))
            for d, w in DISTRICT_WEIGHTS.items()
            for i, code in enumerate(push.industries)
        ]
    groups: dict[tuple[str, str], int] = {}
    for e in enterprises:
        key = (e.region.name, e.enterprise_profile.industry.code)
        groups[key] = groups.get(key, 0) + 1
    return [(d, code, n) for (d, code), n in sorted(groups.items())]


def carrier_rows(push: PushRound, enterprises: list[Organisation]) -> list[tuple[str, str, int, int, int]]:
    """The report's rows: district, industry code, sent, delivered, opened, adding up exactly
    to the round's totals, with delivery and open rates varying a little by row."""
    rows = _audience_rows(push, enterprises)
    sent = _split(push.sent, [w for _, _, w in rows])
    delivered = _within(push.delivered, sent, [_spread(f"{push.day}{d}{c}d") for d, c, _ in rows])
    opened = _within(push.opened, delivered, [_spread(f"{push.day}{d}{c}o") for d, c, _ in rows])
    return [(d, c, s, dv, o) for (d, c, _), s, dv, o in zip(rows, sent, delivered, opened, strict=True)]


def carrier_report(push: PushRound, enterprises: list[Organisation], number: int) -> bytes:
    """The carrier's delivery report as it sends it: a title and a note above the header, its
    own column names (which differ from one month's template to the next), short district
    names, the industries as it spells them, and a 合计 row at the bottom (which the check
    reports as not a data row and the import leaves out)."""
    rows = carrier_rows(push, enterprises)
    wb = Workbook()
    ws = wb.active
    ws.title = "送达统计"
    ws.append([f"淄博 5G 智媒平台定向推送送达情况统计表（{push.day:%Y年%m月%d日}）"])
    ws.append([f"推送批次：2023-GSYF-{number:02d}　推送对象：{push.detail}　单位：条"])
    ws.append([])
    if number % 2:
        header = ["序号", "发送日期", "区/县", "行业类别", "发送量(条)", "成功送达", "阅读数"]
        day = f"{push.day:%Y/%m/%d}"
    else:
        header = ["序号", "日期", "所属区县", "所属行业", "下发量", "到达数", "打开人数"]
        day = datetime.datetime.combine(push.day, datetime.time())
    ws.append(header)
    for index, (district, code, sent, delivered, opened) in enumerate(rows, start=1):
        counts = [f"{sent:,}", f"{delivered:,}", f"{opened:,}"] if number == 3 else [sent, delivered, opened]
        ws.append([index, day, CARRIER_DISTRICT.get(district, district), CARRIER_INDUSTRY[code], *counts])
    totals = [sum(r[i] for r in rows) for i in (2, 3, 4)]
    ws.append(["", "合计", "", "", *totals])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _push_enterprises(project: Project) -> list[Organisation]:
    """The "进百企" enterprises in the register (the quiz's), a hundred of them."""
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.ENTERPRISE,
            city_id=project.plan.city_id,
            is_active=True,
            region__isnull=False,
            enterprise_profile__industry__isnull=False,
        )
        .select_related("region", "enterprise_profile__industry")
        .order_by("pk")[:100]
    )


def push_reach(push: PushRound, number: int, provider: User) -> Callable[[Deliverable], None]:
    """The round's audience, then the carrier's report: uploaded (the check job), read row by
    row, and its valid rows imported, as the push's page does."""

    def record(deliverable: Deliverable) -> None:
        enterprises = _push_enterprises(deliverable.project) if push.audience == AudienceKind.ENTERPRISES else []
        push_audience_save(
            deliverable=deliverable,
            kind=push.audience,
            planned_reach=push.planned_reach,
            industries=list(Industry.objects.filter(code__in=push.industries)),
            districts=list(Region.objects.filter(city_id=deliverable.project.plan.city_id, name__in=push.districts)),
            enterprises=enterprises,
            actor=provider,
        )
        name = f"定向推送送达报告{push.day:%Y%m%d}.xlsx"
        check = job_start(
            kind="publicity.push_report_check",
            title=f"校验送达报告：{deliverable.title}",
            actor=provider,
            params={"deliverable_id": deliverable.pk, "filename": name},
            file=ContentFile(carrier_report(push, enterprises, number), name=name),
        )
        run_job.call(check.pk)
        check.refresh_from_db()
        push_delivery_import(deliverable=deliverable, rows=check.result["good"], actor=provider, job=check)

    return record


def targeted_pushes(project: Project, provider: User, agency: User) -> None:
    """Sixty pushes on the 5G 智媒 platform in six rounds of ten, each with the platform's
    screenshot, its audience and the carrier's delivery report."""
    entries = [
        Record(
            kind="targeted_push",
            title=f"5G 智媒平台定向推送（{push.day:%m月%d日}，{push.detail}）",
            quantity=10,
            day=push.day,
            details={"platform": PLATFORM, "content": push.content},
            files=[
                (
                    f"推送截图{push.day:%m%d}.jpg",
                    files.photo(
                        f"5G push {push.day:%m-%d}", datetime.datetime.combine(push.day, datetime.time(10, 30), TZ)
                    ),
                )
            ],
            regions=list(Region.objects.filter(city_id=project.plan.city_id, name__in=push.districts)),
            reach=push_reach(push, number, provider),
        )
        for number, push in enumerate(PUSHES, start=1)
    ]
    _record_all(project, provider, agency, entries)


def launch_ceremony(project: Project, provider: User, agency: User) -> None:
    """The launch ceremony of 18 October 2023 with three photos (EXIF time and place) and its
    programme as a PDF."""
    day = datetime.date(2023, 10, 18)
    photos = [
        (
            f"启动仪式现场{n}.jpg",
            files.photo(
                f"Launch ceremony {n}", datetime.datetime(2023, 10, 18, 9, 5 + 15 * n, tzinfo=TZ), place=files.ZIBO
            ),
        )
        for n in (1, 2, 3)
    ]
    programme = files.pdf(
        f"{CEREMONY}议程",
        [
            "时间：2023 年 10 月 18 日上午 9:00",
            "地点：淄博市文化中心报告厅",
            "一、市人社局领导致辞",
            "二、工伤预防体系建设启动",
            "三、“进百企”工伤预防知识竞答活动启动",
            "四、重点企业代表发言",
        ],
    )
    entry = Record(
        kind="event",
        title=CEREMONY,
        day=day,
        details={
            "place": "淄博市文化中心报告厅",
            "organisers": "淄博市人力资源和社会保障局、淄博市社会保险事业中心",
            "attendance": 320,
        },
        files=[*photos, ("启动仪式议程.pdf", programme)],
    )
    _record_all(project, provider, agency, [entry])


def new_media(project: Project, provider: User, agency: User) -> None:
    """The new-media project's plan and deliverables, all accepted before its completion report."""
    plan_quantities(project, provider, {"short_video": 12, "targeted_push": 60, "event": 1})
    if project.deliverables.exists():
        return
    short_videos(project, provider, agency)
    targeted_pushes(project, provider, agency)
    launch_ceremony(project, provider, agency)
    video_views(project, provider)


# --- 定制资料: brochures, leaflets and promotional items ---------------------------------------------

MATERIALS = [
    ("工伤保险政策宣传册（2023 版）", "大 32 开 24 页，铜版纸彩印", 15000, datetime.date(2023, 10, 20), "accept"),
    ("工伤预防知识折页", "A4 三折页，双面彩印", 5000, datetime.date(2023, 11, 10), "accept"),
    ("工伤预防宣传环保袋", "无纺布 35×40 cm，单面印制", 5000, datetime.date(2023, 12, 5), ""),
]
# The brochures handed to each district's bureau (copies, day); 张店区's came last, after its
# office move, and it has not confirmed them yet.
BROCHURES = {
    "淄川区": (1500, datetime.date(2023, 10, 25)),
    "博山区": (1200, datetime.date(2023, 10, 25)),
    "临淄区": (1800, datetime.date(2023, 10, 26)),
    "周村区": (1200, datetime.date(2023, 10, 26)),
    "桓台县": (1200, datetime.date(2023, 10, 27)),
    "高青县": (900, datetime.date(2023, 10, 27)),
    "沂源县": (900, datetime.date(2023, 10, 30)),
    "高新区": (1000, datetime.date(2023, 10, 30)),
    "经济开发区": (800, datetime.date(2023, 10, 31)),
    "文昌湖区": (500, datetime.date(2023, 10, 31)),
    "张店区": (2000, datetime.date(2023, 12, 18)),
}
UNSIGNED = "张店区"
# The leaflets taken to enterprises the quiz reached, for their workshops' notice boards.
LEAFLETS = [
    ("淄博齐鲁化工配套有限公司", 300, datetime.date(2023, 11, 16)),
    ("淄博周村鲁中机械制造有限公司", 200, datetime.date(2023, 11, 16)),
    ("淄博高新精密装备有限公司", 200, datetime.date(2023, 11, 17)),
    ("高青县通达物流有限公司", 150, datetime.date(2023, 11, 20)),
]


def stock(ordered: int, received: int, provider: User) -> Callable[[Deliverable], None]:
    def record(deliverable: Deliverable) -> None:
        material_stock_save(deliverable=deliverable, ordered=ordered, received=received, actor=provider)

    return record


def receipt(item: str, to: str, quantity: int, day: datetime.date, signer: str, number: int) -> ContentFile:
    """The signed receipt (签收单): the form as a PDF, or a phone photo of the signed paper."""
    if number % 4 == 3:
        taken = datetime.datetime.combine(day, datetime.time(15, 10 + number), TZ)
        return ContentFile(files.photo(f"Receipt No.{number:03d}", taken), name=f"签收单{number:03d}.jpg")
    content = files.pdf(
        "宣传资料签收单",
        [
            f"编号：QS-2023-{number:03d}",
            f"品名：{item}",
            f"数量：{quantity} 份",
            f"送达日期：{day:%Y 年 %m 月 %d 日}",
            f"收货单位：{to}",
            "送货单位：淄博鲁中印务有限公司",
            f"签收人：{signer}（签字）　　　　单位（盖章）",
        ],
    )
    return ContentFile(content, name=f"签收单{number:03d}.pdf")


def distribute(project: Project, provider: User) -> None:
    """The handovers recorded by the provider on the day, each with its receipt, and
    confirmed by the district's staff two days later (张店区's not yet)."""
    runs = {d.title: d for d in project.deliverables.filter(kind__code="printed_material")}
    regions = {r.name: r for r in Region.objects.filter(city__code=CITY_CODE)}
    officers = {region: User.objects.get(username=district_username(i)) for i, (region, _) in enumerate(DISTRICT_STAFF)}
    officers[UNSIGNED] = User.objects.get(username="district")
    handovers = [
        (runs[MATERIALS[0][0]], regions[name], None, quantity, day) for name, (quantity, day) in BROCHURES.items()
    ]
    for name, quantity, day in LEAFLETS:
        enterprise = Organisation.objects.get(name=name)
        handovers.append((runs[MATERIALS[1][0]], enterprise.region, enterprise, quantity, day))
    for number, (run, region, enterprise, quantity, day) in enumerate(sorted(handovers, key=lambda h: h[4]), start=1):
        if enterprise is None:
            to = Organisation.objects.get(kind=OrganisationKind.DISTRICT, region=region).name
            signer = officers[region.name].display_name
        else:
            to, signer = enterprise.name, "安全管理部经办人"
        with demo_clock(at(day, 16), now=True):
            distribution = distribution_record(
                deliverable=run,
                region=None if enterprise else region,
                enterprise=enterprise,
                quantity=quantity,
                distributed_on=day,
                receipt=receipt(run.details["item"], to, quantity, day, signer, number),
                actor=provider,
            )
        if region.name == UNSIGNED:
            continue
        with demo_clock(at(day + datetime.timedelta(days=2), 10), now=True):
            distribution_transition(
                distribution=distribution,
                action="confirm",
                actor=officers[region.name],
                note="已核对签收单，数量无误。",
            )


def printed_materials(project: Project, provider: User, agency: User) -> None:
    """Brochures, leaflets and bags for every district: each run with its quantities, a photo of
    the goods and the delivery note signed at the agency's store; the bags await review. The
    accepted runs are then handed out, each handover with its receipt."""
    plan_quantities(project, provider, {"printed_material": 25000})
    if project.deliverables.exists():
        return
    districts = list(Region.objects.filter(city__code=CITY_CODE, is_active=True))
    entries = [
        Record(
            kind="printed_material",
            title=item,
            quantity=quantity,
            day=day,
            details={"item": item, "spec": spec},
            files=[
                (
                    f"{item}实物.jpg",
                    files.photo(f"Printed {day:%m-%d}", datetime.datetime.combine(day, datetime.time(14), TZ)),
                ),
                (
                    f"{item}到货验收单.pdf",
                    files.pdf(
                        "到货验收单",
                        [
                            f"品名：{item}",
                            f"规格：{spec}",
                            f"订制数量：{quantity} 份　到货数量：{quantity} 份",
                            f"到货日期：{day:%Y 年 %m 月 %d 日}",
                            "收货单位：淄博市社会保险事业中心",
                            "验收意见：数量相符，印制质量合格。",
                        ],
                    ),
                ),
            ],
            decision=decision,
            regions=districts,
            reach=stock(quantity, quantity, provider),
        )
        for item, spec, quantity, day, decision in MATERIALS
    ]
    _record_all(project, provider, agency, entries)
    distribute(project, provider)
