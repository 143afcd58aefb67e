"""Publicity test data through the real services: a publicity project (an agreement under the
plan's 新媒体 publicity item) of side a's or b's provider, its planned quantities, deliverables
and evidence files whose first bytes say what they are."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from yufang.plans.tests.factories import item
from yufang.projects.models import Project, ProjectStatus
from yufang.projects.services import project_open
from yufang.projects.tests.factories import walk
from yufang.providers import services as provider_services
from yufang.providers.tests.factories import agreement_data, ready_provider, to_confirmed
from yufang.providers.tests.matrix import plan_of

from .. import services
from ..defaults import load_default_kinds
from ..models import Deliverable, DeliverableKind

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo(name: str = "现场照片.jpg", salt: bytes = b"") -> SimpleUploadedFile:
    return upload(name, JPEG + salt, "image/jpeg")


def _kinds_loaded() -> None:
    """A browser or transactional test's flush removes the data migration's rows on its worker."""
    from django.apps import apps

    load_default_kinds(apps)


def kind(code: str) -> DeliverableKind:
    _kinds_loaded()
    return DeliverableKind.objects.get(code=code)


def publicity_project(
    world,
    side: str = "a",
    *,
    indicators=None,
    status: str = ProjectStatus.IN_PROGRESS,
    plan=None,
    price: Decimal = Decimal("80000.00"),
) -> Project:
    """A project of side a's (or b's) provider under the publicity line, with work in that
    side's district; by default the agreement undertakes 4 short videos."""
    plan = plan or plan_of(world)
    ready_provider(world, side)
    agreement = provider_services.agreement_create(
        data=agreement_data(world, item(plan, "新媒体工伤预防宣传"), side, price),
        indicators=indicators if indicators is not None else [{"kind": "videos", "planned": 4}],
        team=[{"name": "李编导", "role": "项目负责人", "phone": "13812345678"}],
        actor=world.users["agency"],
    )
    to_confirmed(world, agreement, side)
    provider_services.agreement_transition(agreement=agreement, action="sign", actor=world.users["agency"])
    project = project_open(
        agreement=agreement, actor=world.users["agency"], regions=[world.orgs[f"district_{side}"].region]
    )
    return walk(world, project, status, side)


def plan_quantities(world, project: Project, side: str = "a", **quantities: int):
    """Planned quantities by kind code; every other kind planned at 0."""
    _kinds_loaded()
    planned = {k.pk: quantities.get(k.code, 0) for k in DeliverableKind.objects.filter(is_active=True)}
    return services.publicity_plan_save(project=project, planned=planned, actor=world.users[f"provider_{side}"])


VIDEO_DETAILS = {
    "topic": "事故案例",
    "duration_seconds": 180,
    "platform": "5G 智媒平台",
    "link": "https://v.example.cn/1",
}


def make_video(world, project: Project, side: str = "a", *, title: str = "高处坠落事故警示", regions=None, **data):
    return services.deliverable_create(
        project=project,
        kind=kind("short_video"),
        data={
            "title": title,
            "quantity": 1,
            "delivered_on": datetime.date(2023, 10, 10),
            "details": dict(VIDEO_DETAILS),
            **data,
        },
        regions=regions if regions is not None else [world.orgs[f"district_{side}"].region],
        actor=world.users[f"provider_{side}"],
    )


def submitted_video(world, project: Project, side: str = "a", *, salt: bytes = b"", **kwargs) -> Deliverable:
    deliverable = make_video(world, project, side, **kwargs)
    provider = world.users[f"provider_{side}"]
    services.evidence_add(deliverable=deliverable, file=upload("视频.mp4", MP4 + salt, "video/mp4"), actor=provider)
    return services.deliverable_transition(deliverable=deliverable, action="submit", actor=provider)
