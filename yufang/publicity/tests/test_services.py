import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from yufang.core.models import AuditLog
from yufang.core.workflow import TransitionError

from .. import services
from ..models import Deliverable, DeliverableStatus, Evidence
from ..selectors import planned_list, totals_by_kind
from .factories import (
    EXE,
    JPEG,
    MP4,
    PDF,
    kind,
    make_video,
    photo,
    plan_quantities,
    publicity_project,
    submitted_video,
    upload,
)

S = DeliverableStatus


@pytest.fixture
def project(world):
    project = publicity_project(world, "a")
    plan_quantities(world, project, short_video=5, event=1)
    return project


def test_the_shipped_kinds_record_their_fields(db):
    codes = {"broadcast", "short_video", "targeted_push", "printed_material", "event"}
    assert codes <= set(kind("event").__class__.objects.values_list("code", flat=True))
    assert [f["name"] for f in kind("broadcast").fields] == [
        "channel",
        "programme",
        "aired_at",
        "duration_minutes",
        "topic",
    ]
    assert kind("short_video").fields[0]["choices"] == ["政策", "知识", "事故案例"]


def test_a_deliverable_walks_draft_submitted_returned_resubmitted_accepted(world, project):
    provider, agency = world.users["provider_a"], world.users["agency"]
    d = make_video(world, project)
    assert d.status == S.DRAFT
    with pytest.raises(PermissionDenied, match="至少需要 1 个佐证文件"):
        services.deliverable_transition(deliverable=d, action="submit", actor=provider)
    services.evidence_add(deliverable=d, file=upload("片子.mp4", MP4), actor=provider)
    services.deliverable_transition(deliverable=d, action="submit", actor=provider)
    assert d.status == S.SUBMITTED and d.submitted_at is not None
    with pytest.raises(TransitionError, match="请填写说明"):
        services.deliverable_transition(deliverable=d, action="return", actor=agency)
    services.deliverable_transition(deliverable=d, action="return", actor=agency, note="发布链接打不开")
    assert d.status == S.RETURNED and d.review_note == "发布链接打不开"
    services.deliverable_update(
        deliverable=d, data={"details": {**d.details, "link": "https://v.example.cn/2"}}, actor=provider
    )
    services.deliverable_transition(deliverable=d, action="resubmit", actor=provider)
    services.deliverable_transition(deliverable=d, action="accept", actor=agency)
    d.refresh_from_db()
    assert d.status == S.ACCEPTED and d.details["link"] == "https://v.example.cn/2"
    events = list(AuditLog.objects.for_object(d).values_list("event", flat=True))
    assert {"submit", "return", "resubmit", "accept"} <= set(events)


def test_an_accepted_deliverable_is_frozen_with_the_reason(world, project):
    d = submitted_video(world, project)
    services.deliverable_transition(deliverable=d, action="accept", actor=world.users["agency"])
    with pytest.raises(ValidationError, match="已验收，已冻结"):
        services.deliverable_update(deliverable=d, data={"title": "改名"}, actor=world.users["provider_a"])
    with pytest.raises(ValidationError, match="已验收，已冻结"):
        services.evidence_add(deliverable=d, file=photo(), actor=world.users["provider_a"])
    assert Deliverable.objects.get(pk=d.pk).title == "高处坠落事故警示"


def test_a_submitted_deliverable_waits_for_the_review(world, project):
    d = submitted_video(world, project)
    with pytest.raises(ValidationError, match="经办机构退回后才能修改"):
        services.deliverable_update(deliverable=d, data={"quantity": 3}, actor=world.users["provider_a"])


def test_another_providers_ids_are_refused(world, project):
    d = make_video(world, project)
    other = world.users["provider_b"]
    with pytest.raises(PermissionDenied):
        services.deliverable_update(deliverable=d, data={"title": "他人修改"}, actor=other)
    with pytest.raises(PermissionDenied):
        services.evidence_add(deliverable=d, file=photo(), actor=other)
    with pytest.raises(PermissionDenied):
        services.deliverable_create(
            project=project,
            kind=kind("short_video"),
            data={"title": "冒名", "quantity": 1, "delivered_on": datetime.date(2023, 10, 1)},
            actor=other,
        )
    with pytest.raises(PermissionDenied):
        services.publicity_plan_save(project=project, planned={kind("event").pk: 9}, actor=other)


def test_only_the_agency_reviews(world, project):
    d = submitted_video(world, project)
    for role in ("provider_a", "owner", "district_a"):
        with pytest.raises(PermissionDenied, match="由经办机构审核"):
            services.deliverable_transition(deliverable=d, action="accept", actor=world.users[role])


def test_the_kinds_fields_are_checked(world, project):
    with pytest.raises(ValidationError) as e:
        make_video(world, project, details={"topic": "娱乐", "duration_seconds": -1, "link": "ftp://x"})
    errors = e.value.message_dict
    assert errors["f_topic"] == ["「题材」只能是：政策、知识、事故案例。"]
    assert errors["f_duration_seconds"] == ["「时长（秒）」不能为负数。"]
    assert "f_platform" in errors and "http" in errors["f_link"][0]


def test_a_kind_outside_the_plan_is_refused(world, project):
    with pytest.raises(ValidationError, match="宣传计划中没有「宣传资料」"):
        services.deliverable_create(
            project=project,
            kind=kind("printed_material"),
            data={"title": "宣传册", "quantity": 100, "delivered_on": datetime.date(2023, 10, 1)},
            actor=world.users["provider_a"],
        )


def test_a_training_project_takes_no_deliverables(world):
    from yufang.projects.tests.factories import make_project

    training = make_project(world, side="a")
    with pytest.raises(ValidationError, match="不属于工伤预防宣传"):
        services.publicity_plan_save(project=training, planned={}, actor=world.users["provider_a"])


# --- Evidence ------------------------------------------------------------------------------------


def test_a_renamed_executable_is_refused_by_its_content(world, project):
    d = make_video(world, project)
    with pytest.raises(ValidationError, match="内容不是 JPG/PNG 图片、PDF 或 MP4 视频"):
        services.evidence_add(
            deliverable=d, file=upload("照片.jpg", EXE, "image/jpeg"), actor=world.users["provider_a"]
        )
    assert not Evidence.objects.exists()


def test_a_kind_takes_only_its_evidence_types(world, project):
    d = make_video(world, project)
    with pytest.raises(ValidationError, match="是PDF 文件，本类成果的佐证只接受"):
        services.evidence_add(deliverable=d, file=upload("证明.pdf", PDF), actor=world.users["provider_a"])


@override_settings(YUFANG_UPLOAD_MAX_MB={"image": 1})
def test_an_oversized_file_is_refused_with_the_limit(world, project):
    d = make_video(world, project)
    big = upload("大图.jpg", JPEG + b"\x00" * (1024 * 1024 + 10), "image/jpeg")
    with pytest.raises(ValidationError, match="超过图片（JPG/PNG）的大小上限 1 MB"):
        services.evidence_add(deliverable=d, file=big, actor=world.users["provider_a"])


def test_evidence_is_kept_with_its_hash_under_a_name_of_its_content(world, project):
    import hashlib

    d = make_video(world, project)
    e = services.evidence_add(deliverable=d, file=upload("video.jpg", MP4), actor=world.users["provider_a"])
    assert e.file_type == "video" and e.original_name == "video.jpg"
    assert e.sha256 == hashlib.sha256(MP4).hexdigest()
    assert e.file.name.startswith("publicity/") and e.file.name.endswith(".mp4")
    with pytest.raises(ValidationError, match="已上传到本成果"):
        services.evidence_add(deliverable=d, file=upload("again.mp4", MP4), actor=world.users["provider_a"])


def test_a_file_reused_for_another_deliverable_is_flagged(world, project):
    provider = world.users["provider_a"]
    first = make_video(world, project, title="第一部")
    second = make_video(world, project, title="第二部")
    original = services.evidence_add(deliverable=first, file=photo("a.jpg"), actor=provider)
    reused = services.evidence_add(deliverable=second, file=photo("b.jpg"), actor=provider)
    other = services.evidence_add(deliverable=second, file=photo("c.jpg", salt=b"x"), actor=provider)
    assert original.reused_from is None and other.reused_from is None
    assert reused.reused_from == original
    assert AuditLog.objects.for_object(reused).get().event == "evidence_reused"


# --- Planned against delivered -----------------------------------------------------------------


def test_planned_quantities_never_below_the_agreement(world, project):
    provider = world.users["provider_a"]
    with pytest.raises(ValidationError) as e:
        plan_quantities(world, project, short_video=3)
    assert e.value.message_dict[f"kind_{kind('short_video').pk}"] == [
        "协议约定「宣传短视频（部）」4，宣传短视频的计划数量合计不得少于 4（现为 3）。"
    ]
    with pytest.raises(ValidationError, match="不小于 0 的整数"):
        services.publicity_plan_save(
            project=project, planned={kind("short_video").pk: 4, kind("event").pk: -1}, actor=provider
        )


def test_without_publicity_indicators_any_non_negative_plan_goes(world):
    project = publicity_project(world, "b", indicators=[{"kind": "sessions", "planned": 2}])
    rows = plan_quantities(world, project, "b")
    assert {r.planned for r in rows} == {0}


def test_delivered_counts_accepted_deliverables_only(world, project):
    agency = world.users["agency"]
    a = submitted_video(world, project, title="一", quantity=2)
    submitted_video(world, project, title="二", salt=b"2")
    make_video(world, project, title="三")
    services.deliverable_transition(deliverable=a, action="accept", actor=agency)
    totals = {t.kind.code: t for t in totals_by_kind(planned_list(user=agency, project=project))}
    assert (totals["short_video"].planned, totals["short_video"].delivered, totals["short_video"].pending) == (5, 2, 1)
    assert totals["short_video"].percent == 40
    assert (totals["event"].planned, totals["event"].delivered) == (1, 0)


def test_a_kinds_fields_are_edited_as_lines_by_the_owner(world):
    k = kind("event")
    services.deliverable_kind_update(
        kind=k, data={"fields": "place|地点|文本||是\nguests|嘉宾|长文本||否"}, actor=world.owner
    )
    k.refresh_from_db()
    assert [(f["name"], f["type"], f["required"]) for f in k.fields] == [
        ("place", "text", True),
        ("guests", "textarea", False),
    ]
    with pytest.raises(ValidationError, match="第 1 行：类型须为"):
        services.deliverable_kind_update(kind=k, data={"fields": "x|某|颜色||是"}, actor=world.owner)
    with pytest.raises(PermissionDenied, match="只能由市人社局维护"):
        services.deliverable_kind_update(kind=k, data={"unit": "次"}, actor=world.users["agency"])
