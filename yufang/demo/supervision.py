"""Supervision in the demo, through the platform's own services: an unannounced visit by the
Zhangdian bureau to a session in its district, with the room counted, people checked against the
roster, photos and two findings (one settled on the spot, one still open); the agency's
scheduled check of a provider's training archives in Linzi, whose fraud finding became a
deduction; and a call-back sample in which one trainee said they had not attended, whose
completion the agency revoked (the targets that counted them moved, and the recount agrees)."""

import datetime
import struct
import zlib
from decimal import Decimal

from django.core.files.base import ContentFile

from yufang.accounts.models import User
from yufang.plans.models import Plan
from yufang.projects.permissions import can_record_deduction
from yufang.supervision import services
from yufang.supervision.defaults import load as load_checklists
from yufang.supervision.models import (
    CallOutcome,
    Checklist,
    ChecklistItem,
    Inspection,
    InspectionMode,
    Result,
    SubjectKind,
)
from yufang.targets.services import completion_revoke
from yufang.training.models import SessionStatus, TrainingSession

from .clock import at, demo_clock


def _png(rgb: tuple[int, int, int], size: int = 48) -> bytes:
    """A small solid-colour PNG: a stand-in for a photo taken on site."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _answer_all(inspection: Inspection, actor: User, failing: str = "") -> None:
    items = list(inspection.checklist.items.all())
    services.inspection_answer(
        inspection=inspection,
        answers={
            i.pk: (Result.FAIL, "清点人数少于签到人数") if failing and failing in i.text else (Result.PASS, "")
            for i in items
        },
        actor=actor,
    )
    for n, item in enumerate([i for i in items if i.photo_required]):
        services.photo_add(
            inspection=inspection,
            file=ContentFile(_png((60 + 40 * n, 120, 160)), name=f"现场{n + 1}.png"),
            item=item,
            caption=item.text[:40],
            latitude="36.8135",
            longitude="118.0549",
            actor=actor,
        )


def _closed_session(plan: Plan, region_name: str) -> TrainingSession | None:
    return (
        TrainingSession.objects.filter(project__plan=plan, status=SessionStatus.CLOSED, region__name=region_name)
        .select_related("project", "region")
        .order_by("starts_at", "pk")
        .first()
    )


def load(users: dict[str, User], plan: Plan) -> None:
    if Inspection.objects.exists():
        return
    load_checklists(Checklist, ChecklistItem)
    agency, district = users["agency"], users["district"]
    visited = _closed_session(plan, district.organisation.region.name)
    archives = _closed_session(plan, "临淄区")
    if visited is None or archives is None:
        return
    day = visited.day
    # 1. The Zhangdian bureau's unannounced visit, on the session's day.
    with demo_clock(at(day, 10, 5), now=True):
        visit = services.inspection_create(
            data={
                "subject_kind": SubjectKind.SESSION,
                "session": visited,
                "mode": InspectionMode.UNANNOUNCED,
                "planned_on": day,
                "inspectors": "赵磊、钱进",
            },
            actor=district,
        )
        services.inspection_transition(inspection=visit, action="start", actor=district)
        count = visited.attendances.count()
        services.head_count_record(inspection=visit, head_count=max(count - 2, 0), actor=district)
        person = visited.roster.select_related("person").order_by("pk").first().person
        services.roster_check(inspection=visit, query=person.id_number, actor=district)
        services.roster_check(inspection=visit, query="王某某", actor=district)
        _answer_all(visit, district, failing="人数")
        settled = services.finding_create(
            inspection=visit,
            data={
                "kind": "quality",
                "severity": "minor",
                "description": "签到二维码张贴位置不醒目，部分学员未能及时签到。",
            },
            actor=district,
        )
        services.finding_transition(
            finding=settled, action="close", actor=district, note="现场已调整张贴位置，当场整改完毕。"
        )
        counted = services.finding_create(
            inspection=visit,
            data={
                "kind": "attendance",
                "severity": "major",
                "description": f"现场清点 {max(count - 2, 0)} 人，平台签到 {count} 人，差 2 人，待服务机构说明。",
            },
            actor=district,
        )
        services.inspection_transition(
            inspection=visit, action="finish", actor=district, note="签到人数与现场不符一项，已记录待核实。"
        )
    # The provider is told to explain the difference within a week, answers with the attendance
    # sheets, and the bureau verifies it.
    with demo_clock(at(day, 16, 0), now=True):
        services.finding_transition(
            finding=counted,
            action="request",
            actor=district,
            note="请核对当日签到记录与现场签名表，说明差异原因并提交签名表扫描件。",
            deadline=day + datetime.timedelta(days=7),
        )
    provider = User.objects.filter(organisation_id=visited.project.provider_id, is_active=True).order_by("pk").first()
    if provider is not None:
        with demo_clock(at(day + datetime.timedelta(days=4), 11, 0), now=True):
            services.finding_transition(
                finding=counted,
                action="answer",
                actor=provider,
                note="差异 2 人为中途离场后返回的学员，已附当日现场签名表。",
                file=ContentFile(_png((200, 200, 190)), name="现场签名表.png"),
            )
        with demo_clock(at(day + datetime.timedelta(days=5), 9, 0), now=True):
            services.finding_transition(
                finding=counted, action="verify", actor=district, note="签名表与签到记录一致，差异已说明，销号。"
            )
    # 2. The agency's scheduled check of the provider's training archives in Linzi.
    with demo_clock(at(archives.day + datetime.timedelta(days=7), 14, 0), now=True):
        check = services.inspection_create(
            data={
                "subject_kind": SubjectKind.ARCHIVES,
                "project": archives.project,
                "region": archives.region,
                "mode": InspectionMode.SCHEDULED,
                "planned_on": archives.day + datetime.timedelta(days=7),
                "inspectors": "李敏、周凯",
            },
            actor=agency,
        )
        services.inspection_transition(inspection=check, action="start", actor=agency)
        _answer_all(check, agency)
        fraud = services.finding_create(
            inspection=check,
            data={
                "kind": "fraud",
                "severity": "serious",
                "description": "纸质签到表中 3 人的签名笔迹一致，经核实系他人代签。",
            },
            actor=agency,
        )
        services.finding_propose(
            finding=fraud,
            clause="服务协议“违约责任”条款：弄虚作假的，甲方有权扣减项目费用",
            amount=Decimal("3000.00"),
            actor=agency,
        )
        if can_record_deduction(agency, archives.project).allowed:
            services.finding_deduction_enter(finding=fraud, actor=agency)
        services.inspection_transition(
            inspection=check, action="finish", actor=agency, note="发现代签问题，已提出扣减。"
        )
    # 3. A call-back sample from the visited session: one trainee says they were not there.
    with demo_clock(at(day + datetime.timedelta(days=10), 9, 30), now=True):
        sample = services.callback_draw(project=visited.project, session=visited, size=5, seed=20231120, actor=district)
        entries = list(sample.entries.order_by("position"))
        outcomes = [
            (CallOutcome.ATTENDED, "讲了危险化学品泄漏的应急处置，还看了事故案例视频。"),
            (CallOutcome.ABSENT, "说那天一直在厂里上班，没去参加培训。"),
            (CallOutcome.UNREACHED, ""),
            (CallOutcome.ATTENDED, "记得讲了工伤认定和劳动防护用品。"),
        ]
        for entry, (outcome, remembers) in zip(entries, outcomes, strict=False):
            services.callback_record(entry=entry, outcome=outcome, remembers=remembers, actor=district)
    absent = sample.entries.filter(outcome=CallOutcome.ABSENT).select_related("completion").first()
    if absent is not None:
        with demo_clock(at(day + datetime.timedelta(days=12), 15, 0), now=True):
            completion_revoke(
                completion=absent.completion,
                reason="回访本人称未参加培训，签到系他人代签",
                evidence="回访电话记录；服务机构未能提供本人在场的照片或签名。",
                basis=absent,
                actor=agency,
            )
