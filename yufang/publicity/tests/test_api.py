"""/api/v1/publicity/: providers record, upload and submit; the agency accepts or returns;
everyone reads what their scope allows."""

import pytest
from django.test import Client

from yufang.accounts.tests.factories import bearer

from .factories import EXE, MP4, VIDEO_DETAILS, kind, make_video, plan_quantities, publicity_project, upload


def _call(method, user, url, body=None):
    return getattr(Client(), method)(url, body, content_type="application/json", **bearer(user))


@pytest.fixture
def project(world):
    project = publicity_project(world, "a")
    plan_quantities(world, project, short_video=5)
    return project


def test_a_provider_records_uploads_submits_and_the_agency_decides(world, project):
    provider, agency = world.users["provider_a"], world.users["agency"]
    body = {
        "project_id": project.pk,
        "kind_id": kind("short_video").pk,
        "title": "接口记录的短视频",
        "quantity": 1,
        "delivered_on": "2023-11-02",
        "details": {**VIDEO_DETAILS, "topic": "知识"},
        "region_ids": [world.orgs["district_a"].region_id],
    }
    r = _call("post", world.users["provider_b"], "/api/v1/publicity/deliverables", body)
    assert r.status_code == 404  # another provider's project is not there for them
    r = _call("post", provider, "/api/v1/publicity/deliverables", {**body, "details": {"topic": "娱乐"}})
    assert r.status_code == 422 and "题材" in r.json()["detail"]
    r = _call("post", provider, "/api/v1/publicity/deliverables", body)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "draft" and r.json()["region_ids"] == [world.orgs["district_a"].region_id]

    r = _call("post", provider, f"/api/v1/publicity/deliverables/{pk}/submit")
    assert r.status_code == 403 and "佐证" in r.json()["detail"]
    upload_url = f"/api/v1/publicity/deliverables/{pk}/evidence"
    r = Client().post(upload_url, {"file": upload("a.mp4", EXE)}, **bearer(provider))
    assert r.status_code == 422 and "按文件内容识别" in r.json()["detail"]
    r = Client().post(upload_url, {"file": upload("a.mp4", MP4)}, **bearer(provider))
    assert r.status_code == 201 and r.json()["file_type"] == "video" and len(r.json()["sha256"]) == 64
    assert _call("post", provider, f"/api/v1/publicity/deliverables/{pk}/submit").json()["status"] == "submitted"

    r = _call("post", provider, f"/api/v1/publicity/deliverables/{pk}/accept", {"note": ""})
    assert r.status_code == 403 and "经办机构" in r.json()["detail"]
    r = _call("post", agency, f"/api/v1/publicity/deliverables/{pk}/return", {"note": ""})
    assert r.status_code == 422 and "请填写说明" in r.json()["detail"]
    r = _call("post", agency, f"/api/v1/publicity/deliverables/{pk}/return", {"note": "请补充发布截图"})
    assert r.json()["status"] == "returned" and r.json()["review_note"] == "请补充发布截图"
    assert _call("post", provider, f"/api/v1/publicity/deliverables/{pk}/submit").json()["status"] == "submitted"
    r = _call("post", agency, f"/api/v1/publicity/deliverables/{pk}/accept", {"note": "合格"})
    assert r.json()["status"] == "accepted"
    planned = _call("get", provider, f"/api/v1/publicity/projects/{project.pk}/planned").json()
    video = next(p for p in planned if p["kind_id"] == kind("short_video").pk)
    assert (video["planned"], video["delivered"], video["pending"]) == (5, 1, 0)


def test_lists_and_details_are_scoped(world, project):
    mine = make_video(world, project, title="本区视频")
    citywide = make_video(world, project, title="全市视频", regions=[])
    for role, expected in (
        ("owner", {"本区视频", "全市视频"}),
        ("district_a", {"本区视频", "全市视频"}),
        ("district_b", {"全市视频"}),
        ("provider_b", set()),
        ("enterprise_a", set()),
    ):
        listed = {d["title"] for d in _call("get", world.users[role], "/api/v1/publicity/deliverables").json()["items"]}
        assert listed == expected, role
    assert _call("get", world.users["provider_b"], f"/api/v1/publicity/deliverables/{mine.pk}").status_code == 404
    assert _call("get", world.users["district_a"], f"/api/v1/publicity/deliverables/{citywide.pk}").status_code == 200
    kinds = _call("get", world.users["provider_b"], "/api/v1/publicity/kinds").json()
    assert {"broadcast", "short_video", "targeted_push", "printed_material", "event"} <= {k["code"] for k in kinds}
