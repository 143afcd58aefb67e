"""/api/v1/publicity/ (reach): readings, audiences, delivery rows, stock, distributions with the
district's confirmation and a plan's reach figures, scoped like the pages."""

import pytest
from django.test import Client

from yufang.accounts.tests.factories import bearer

from ..pushes import push_delivery_import
from .factories import make_video
from .reach_factories import distribute, make_material, make_push, reach_project, receipt


def _call(method, user, url, body=None):
    return getattr(Client(), method)(url, body, content_type="application/json", **bearer(user))


@pytest.fixture
def project(world):
    return reach_project(world, "a")


def test_readings_through_the_api(world, project):
    video = make_video(world, project)
    url = f"/api/v1/publicity/deliverables/{video.pk}/views"
    body = {"platform": "抖音", "read_on": "2023-10-15", "views": 500}
    assert _call("post", world.users["provider_b"], url, body).status_code == 404
    assert _call("post", world.users["district_a"], url, body).status_code == 403
    r = _call("post", world.users["provider_a"], url, body)
    assert r.status_code == 201 and r.json()["views"] == 500
    r = _call("post", world.users["provider_a"], url, {**body, "views": 600})
    assert r.status_code == 422 and "已有读数" in r.json()["detail"]
    assert [x["views"] for x in _call("get", world.users["district_a"], url).json()] == [500]
    assert _call("get", world.users["district_b"], url).status_code == 404


def test_audience_rows_and_stock_through_the_api(world, project):
    push = make_push(world, project)
    provider = world.users["provider_a"]
    region = world.orgs["district_a"].region
    url = f"/api/v1/publicity/deliverables/{push.pk}/push"
    r = _call("put", provider, url, {"kind": "districts", "planned_reach": 3000, "district_ids": [region.pk]})
    assert r.status_code == 200 and r.json()["district_ids"] == [region.pk]
    assert _call("put", world.users["provider_b"], url, {"kind": "districts", "planned_reach": 1}).status_code == 404
    rows = [
        {
            "row": 2,
            "sent_on": "2023-10-12",
            "region_id": region.pk,
            "industry_id": None,
            "sent": 9,
            "delivered": 8,
            "opened": 7,
        },
        {
            "row": 3,
            "sent_on": "2023-10-12",
            "region_id": world.orgs["district_b"].region_id,
            "industry_id": None,
            "sent": 5,
            "delivered": 5,
            "opened": 1,
        },
    ]
    push_delivery_import(deliverable=push, rows=rows, actor=provider)
    rows_url = f"/api/v1/publicity/deliverables/{push.pk}/push-rows"
    assert [r["sent"] for r in _call("get", world.owner, rows_url).json()] == [9, 5]
    assert [r["sent"] for r in _call("get", world.users["district_a"], rows_url).json()] == [9]
    material = make_material(world, project)
    stock_url = f"/api/v1/publicity/deliverables/{material.pk}/stock"
    r = _call("put", provider, stock_url, {"ordered": 100, "received": 120})
    assert r.status_code == 422 and "不能多于订制数量" in r.json()["detail"]
    assert _call("put", provider, stock_url, {"ordered": 3000, "received": 2900}).json()["received"] == 2900


def test_distributions_are_recorded_and_confirmed_through_the_api(world, project):
    material = make_material(world, project)
    provider = world.users["provider_a"]
    r = Client().post(
        f"/api/v1/publicity/deliverables/{material.pk}/distributions",
        {
            "receipt": receipt(),
            "quantity": 200,
            "distributed_on": "2023-10-12",
            "region_id": world.orgs["district_a"].region_id,
        },
        **bearer(provider),
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "recorded"
    assert (
        _call("post", world.users["district_b"], f"/api/v1/publicity/distributions/{pk}/confirm", {}).status_code == 404
    )
    r = _call("post", provider, f"/api/v1/publicity/distributions/{pk}/confirm", {})
    assert r.status_code == 403 and "区县" in r.json()["detail"]
    r = _call("post", world.users["district_a"], f"/api/v1/publicity/distributions/{pk}/dispute", {"note": ""})
    assert r.status_code == 422
    r = _call("post", world.users["district_a"], f"/api/v1/publicity/distributions/{pk}/confirm", {})
    assert r.json()["status"] == "confirmed"
    listed = _call("get", world.users["district_b"], "/api/v1/publicity/distributions").json()["items"]
    assert listed == []
    distribute(world, material, quantity=10, region=world.orgs["district_b"].region)
    reach = _call("get", world.owner, f"/api/v1/publicity/plans/{project.plan_id}/reach").json()
    assert [(d["name"], d["materials"]) for d in reach["districts"]] == [("张店区", 200)]
    assert {k["kind_name"] for k in reach["kinds"]} >= {"宣传资料", "定向推送"}
    theirs = _call("get", world.users["enterprise_a"], f"/api/v1/publicity/plans/{project.plan_id}/reach").json()
    assert theirs["districts"] == [] and theirs["kinds"] == [] and theirs["projects"] == []


def test_a_delivery_report_is_checked_and_imported_through_the_api(world, project, django_capture_on_commit_callbacks):
    from ..models import PushDelivery
    from .reach_factories import DAY, xlsx

    push = make_push(world, project)
    provider = world.users["provider_a"]

    def report():
        return xlsx(
            [["日期", "区县", "发送量", "成功数", "点击数"], [DAY, "张店区", 10, 9, 3], [DAY, "淄川区", 5, 6, 1]]
        )

    url = f"/api/v1/publicity/deliverables/{push.pk}/push-report"
    assert Client().post(url, {"file": report()}, **bearer(world.users["provider_b"])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        r = Client().post(url, {"file": report()}, **bearer(provider))
    assert r.status_code == 202
    job_id = r.json()["id"]
    r = _call("get", provider, f"/api/v1/publicity/push-reports/{job_id}")
    report_json = r.json()["report"]
    assert r.json()["status"] == "succeeded" and report_json["valid"] == 1 and "good" not in report_json
    assert report_json["errors"] == [{"row": 3, "problems": [{"field": "送达数", "why": "送达数 6 多于发送数 5"}]}]
    assert (
        _call("post", world.users["provider_b"], f"/api/v1/publicity/push-reports/{job_id}/confirm").status_code == 404
    )
    r = _call("post", provider, f"/api/v1/publicity/push-reports/{job_id}/confirm")
    assert r.json() == {"imported": 1, "skipped": 1}
    assert list(PushDelivery.objects.values_list("sent", "delivered", "opened")) == [(10, 9, 3)]
    r = _call("post", provider, f"/api/v1/publicity/push-reports/{job_id}/confirm")
    assert r.status_code == 422 and "已导入过" in r.json()["detail"]
