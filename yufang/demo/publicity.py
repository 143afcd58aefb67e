"""The 2023 publicity line's records (seed 三（一）, 附件 工伤预防宣传), made through the publicity
services on the demo's clock, once each project's implementation plan is approved:

- 传统媒体 (淄博广电, login `provider_tv`): the 线性宣传课堂, one aired episode a week with its
  recording and a screenshot; most accepted, one returned because its screenshot is the previous
  episode's (the same file, so the platform marks it), the latest two awaiting review;
- 新媒体 (融媒, login `provider_rm`): twelve short videos (政策 / 知识 / 事故案例), the targeted
  pushes on the 5G 智媒 platform and the launch ceremony with its photos, all accepted before the
  project's completion report;
- 定制资料 (鲁中印务, login `provider_ys`): the brochures, leaflets and promotional bags, each with
  a photo and its delivery note; the last run awaiting review.

Each part is its own function, so the delivery reports of the pushes and the distributions of
the brochures with their receipts can be added beside them. Running again changes nothing."""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from yufang.accounts.models import User
from yufang.projects.models import Project
from yufang.publicity import services
from yufang.publicity.models import Deliverable, DeliverableKind
from yufang.reference.models import Region

from . import evidence_files as files
from .clock import TZ, demo_clock
from .orgs import CITY_CODE

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


PUSHES = [
    (datetime.date(2023, 10, 16), "行业", "危险化学品、建筑施工企业职工", 24000),
    (datetime.date(2023, 10, 30), "区县", "张店区、临淄区、淄川区", 30000),
    (datetime.date(2023, 11, 13), "行业", "机械制造、交通运输企业职工", 22000),
    (datetime.date(2023, 11, 27), "企业名单", "“进百企”活动 100 家参与企业的职工", 18000),
    (datetime.date(2023, 12, 11), "区县", "博山区、周村区、桓台县、高青县、沂源县", 26000),
    (datetime.date(2023, 12, 15), "行业", "快递、外卖等新就业形态从业人员", 15000),
]


def targeted_pushes(project: Project, provider: User, agency: User) -> None:
    """Sixty pushes on the 5G 智媒 platform in six rounds of ten, each with the platform's
    screenshot. (The carrier's delivery report, imported from Excel, belongs to each round.)"""
    entries = [
        Record(
            kind="targeted_push",
            title=f"5G 智媒平台定向推送（{day:%m月%d日}，{detail}）",
            quantity=10,
            day=day,
            details={"platform": PLATFORM, "audience": audience, "audience_detail": detail, "planned_reach": reach},
            files=[
                (
                    f"推送截图{day:%m%d}.jpg",
                    files.photo(f"5G push {day:%m-%d}", datetime.datetime.combine(day, datetime.time(10, 30), TZ)),
                )
            ],
        )
        for day, audience, detail, reach in PUSHES
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


# --- 定制资料: brochures, leaflets and promotional items ---------------------------------------------

MATERIALS = [
    ("工伤保险政策宣传册（2023 版）", 15000, datetime.date(2023, 10, 20), "accept"),
    ("工伤预防知识折页", 5000, datetime.date(2023, 11, 10), "accept"),
    ("工伤预防宣传环保袋", 5000, datetime.date(2023, 12, 5), ""),
]


def printed_materials(project: Project, provider: User, agency: User) -> None:
    """Brochures, leaflets and bags for every district: each run with a photo of the goods and
    the delivery note signed at the agency's store; the bags await review. (Their distribution
    to the districts, with each district's receipt, follows the delivery.)"""
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
            details={"item": item, "ordered": quantity, "received": quantity},
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
        )
        for item, quantity, day, decision in MATERIALS
    ]
    _record_all(project, provider, agency, entries)
