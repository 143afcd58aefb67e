import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yufang.core.registry import todos_for

from .. import services
from ..models import Deliverable, Evidence
from .factories import EXE, MP4, kind, make_video, photo, plan_quantities, publicity_project, submitted_video, upload


def _cells(response) -> list[list]:
    ws = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def project(world):
    project = publicity_project(world, "a")
    plan_quantities(world, project, short_video=5, event=1)
    return project


def test_a_provider_plans_records_uploads_and_submits_through_the_pages(world, client, project):
    client.force_login(world.users["provider_a"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert "宣传成果：计划与完成" in page and 'data-testid="record-deliverable"' in page
    # Planning below the agreement is refused beside the field.
    url = reverse("publicity:plan_edit", args=[project.pk])
    form = {f"kind_{k.pk}": 0 for k in kind("event").__class__.objects.filter(is_active=True)}
    response = client.post(url, {**form, f"kind_{kind('short_video').pk}": 2})
    assert "不得少于 4（现为 2）" in response.content.decode()
    client.post(url, {**form, f"kind_{kind('short_video').pk}": 6, f"kind_{kind('event').pk}": 1})
    # The kind chooser offers the planned kinds; the form asks the kind's fields.
    create = reverse("publicity:create", args=[project.pk])
    chooser = client.get(create).content.decode()
    assert "宣传短视频" in chooser and "宣传资料" not in chooser
    page = client.get(create, {"kind": kind("short_video").pk}).content.decode()
    assert "题材" in page and "发布链接" in page
    response = client.post(
        f"{create}?kind={kind('short_video').pk}",
        {
            "title": "工伤保险政策解读",
            "quantity": 1,
            "delivered_on": "2023-10-12",
            "regions": [world.orgs["district_a"].region.pk],
            "f_topic": "政策",
            "f_duration_seconds": 120,
            "f_platform": "抖音",
            "f_link": "https://v.example.cn/zc",
        },
    )
    d = Deliverable.objects.get(title="工伤保险政策解读")
    assert response["Location"] == d.get_absolute_url()
    assert d.details == {
        "topic": "政策",
        "duration_seconds": 120,
        "platform": "抖音",
        "link": "https://v.example.cn/zc",
    }
    # Submit is greyed out with the reason until evidence is there.
    detail = client.get(d.get_absolute_url()).content.decode()
    assert "至少需要 1 个佐证文件（现有 0 个）" in detail
    # A renamed executable: refused with the reason, nothing stored.
    response = client.post(
        reverse("publicity:evidence_upload", args=[d.pk]), {"file": upload("截图.png", EXE)}, follow=True
    )
    assert "内容不是 JPG/PNG 图片、PDF 或 MP4 视频" in response.content.decode()
    assert not Evidence.objects.exists()
    client.post(reverse("publicity:evidence_upload", args=[d.pk]), {"file": upload("政策解读.mp4", MP4)})
    evidence = Evidence.objects.get()
    served = client.get(reverse("publicity:evidence", args=[evidence.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == MP4
    response = client.post(reverse("publicity:transition", args=[d.pk]), {"action": "submit"}, follow=True)
    assert "已提交审核" in response.content.decode()
    d.refresh_from_db()
    assert d.status == "submitted"
    # Submitted, the edit button is greyed out with its reason and the edit page refuses.
    detail = client.get(d.get_absolute_url()).content.decode()
    assert "经办机构退回后才能修改" in detail
    assert client.get(reverse("publicity:edit", args=[d.pk])).status_code == 403


def test_the_agency_returns_with_a_note_and_the_provider_sees_it_in_todos(world, client, project):
    d = submitted_video(world, project)
    client.force_login(world.users["agency"])
    assert any(t.title == "宣传成果待审核" for t in todos_for(world.users["agency"]))
    page = client.get(d.get_absolute_url()).content.decode()
    assert 'data-testid="action-return"' in page and 'data-testid="confirm-accept"' in page
    response = client.post(reverse("publicity:transition", args=[d.pk]), {"action": "return"}, follow=True)
    assert "请填写说明" in response.content.decode()
    client.post(reverse("publicity:transition", args=[d.pk]), {"action": "return", "note": "视频缺少片头说明"})
    d.refresh_from_db()
    assert d.status == "returned"
    todos = todos_for(world.users["provider_a"])
    assert [(t.title, t.count) for t in todos if "宣传" in t.title] == [("宣传成果被退回待修改", 1)]
    assert not [t for t in todos_for(world.users["provider_b"]) if "宣传" in t.title]
    client.force_login(world.users["provider_a"])
    page = client.get(d.get_absolute_url()).content.decode()
    assert "经办机构审核意见：视频缺少片头说明" in page and 'data-testid="action-resubmit"' in page


def test_accepted_is_frozen_on_the_page_and_counted_on_the_project(world, client, project):
    d = submitted_video(world, project, quantity=2)
    client.force_login(world.users["agency"])
    client.post(reverse("publicity:transition", args=[d.pk]), {"action": "accept"})
    client.force_login(world.users["provider_a"])
    page = client.get(d.get_absolute_url()).content.decode()
    assert "该成果已验收，已冻结，不能再修改。" in page and 'data-testid="evidence-upload"' not in page
    response = client.post(reverse("publicity:evidence_upload", args=[d.pk]), {"file": photo()}, follow=True)
    assert "已冻结" in response.content.decode()
    panel = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="delivered-short_video">2<' in panel


def test_a_reused_file_is_shown_as_a_flag_on_the_page(world, client, project):
    first = make_video(world, project, title="第一部")
    second = make_video(world, project, title="第二部")
    services.evidence_add(deliverable=first, file=photo(), actor=world.users["provider_a"])
    client.force_login(world.users["provider_a"])
    response = client.post(reverse("publicity:evidence_upload", args=[second.pk]), {"file": photo()}, follow=True)
    text = response.content.decode()
    assert "同一文件已是另一项宣传成果的佐证：已标记为异常线索" in text
    assert 'data-testid="reused"' in text and "第一部" in text


def test_the_list_filters_and_exports(world, client, project):
    make_video(world, project, title="视频甲")
    submitted_video(world, project, title="视频乙")
    client.force_login(world.users["agency"])
    url = reverse("publicity:list")
    page = client.get(url, {"status": "submitted"}).content.decode()
    assert "视频乙" in page and "视频甲" not in page
    rows = _cells(client.get(url, {"export": "xlsx", "q": "视频"}))
    assert rows[0][:3] == ["编号", "成果类型", "名称"]
    assert sorted(r[2] for r in rows[1:]) == ["视频乙", "视频甲"]
    assert any("题材：事故案例" in str(c) for c in rows[1])


def test_the_plan_page_sums_planned_and_delivered_and_exports(world, client, project):
    d = submitted_video(world, project)
    services.deliverable_transition(deliverable=d, action="accept", actor=world.users["agency"])
    client.force_login(world.owner)
    url = reverse("publicity:plan", args=[project.plan_id])
    page = client.get(url).content.decode()
    assert "宣传短视频" in page and "20%" in page
    assert "宣传活动" not in client.get(url, {"kind": kind("short_video").pk}).content.decode().split("plan-rows")[1]
    rows = _cells(client.get(url, {"export": "xlsx"}))
    assert rows[0] == ["项目", "服务机构", "成果类型", "单位", "计划数量", "已验收数量", "待审核数量", "完成率（%）"]
    video = next(r for r in rows if r[2] == "宣传短视频")
    assert video[4:] == [5, 1, 0, 20]


def test_the_kinds_are_kept_by_the_owner_only(world, client):
    client.force_login(world.owner)
    page = client.get(reverse("publicity:kind_list")).content.decode()
    assert "广播电视节目" in page and "频道（文本）" in page
    k = kind("event")
    response = client.post(
        reverse("publicity:kind_edit", args=[k.pk]),
        {
            "code": "event",
            "name": "宣传活动",
            "unit": "场",
            "indicator_kind": "events",
            "evidence_types": ["image"],
            "evidence_note": "现场照片",
            "evidence_min": 2,
            "sort_order": 50,
            "is_active": "on",
            "fields_text": "place|地点|文本||是\nbad line",
        },
    )
    assert "第 2 行" in response.content.decode()
    client.force_login(world.users["agency"])
    assert client.get(reverse("publicity:kind_list")).status_code == 403


def test_the_menu_has_publicity_for_the_roles_that_work_on_it(world):
    from yufang.core.registry import nav_for

    for role in ("owner", "agency", "partner", "district_a", "provider_a"):
        assert "宣传成果" in [i.label for i in nav_for(world.users[role])], role
    for role in ("enterprise_a", "trainee_a"):
        assert "宣传成果" not in [i.label for i in nav_for(world.users[role])], role
    assert "宣传成果类型" in [i.label for i in nav_for(world.owner)]
    assert "宣传成果类型" not in [i.label for i in nav_for(world.users["agency"])]


def test_a_file_reused_from_another_provider_is_named_only_to_officials(world, client, project):
    theirs = make_video(world, project, title="甲机构的片子")
    services.evidence_add(deliverable=theirs, file=photo(), actor=world.users["provider_a"])
    other_project = publicity_project(world, "b")
    plan_quantities(world, other_project, "b", short_video=5)
    mine = make_video(world, other_project, "b", title="乙机构的片子")
    services.evidence_add(deliverable=mine, file=photo(), actor=world.users["provider_b"])
    client.force_login(world.users["provider_b"])
    page = client.get(mine.get_absolute_url()).content.decode()
    assert 'data-testid="reused"' in page and "另一服务机构的成果" in page
    assert "甲机构的片子" not in page and world.orgs["provider_a"].name not in page
    client.force_login(world.users["agency"])
    page = client.get(mine.get_absolute_url()).content.decode()
    assert "甲机构的片子" in page and world.orgs["provider_a"].name in page
