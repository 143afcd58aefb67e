"""Programmes through the pages and the API, and the recount anyone can run (command and button)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from yufang.core.models import Job
from yufang.reference.models import Industry, Position
from yufang.targets.models import Target, TrainingProgramme
from yufang.targets.tests.factories import complete, make_batch

pytestmark = pytest.mark.django_db
KEY = ["deputy", "safety_head", "team_leader"]


def _recount() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("figures_recount", stdout=out, stderr=err)
    except SystemExit as e:
        return e.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_programme_created_and_edited_in_the_pages(client, world, setup):
    plan, programme, people, targets = setup
    positions = Position.objects.filter(code__in=KEY)
    client.force_login(world.users["agency"])
    assert client.get(reverse("targets:programme_create")).status_code == 403
    client.force_login(world.owner)
    data = {
        "name": "建筑施工三年工程",
        "doc_number": "测人社字〔2023〕9号",
        "start_year": 2023,
        "end_year": 2025,
        "industry": Industry.objects.get(code="construction").pk,
        "positions": [p.pk for p in positions],
        "required_hours": "16",
        "offline_share_percent": "50",
    }
    response = client.post(reverse("targets:programme_create"), {**data, "end_year": 2021})
    assert "结束年度不能早于起始年度" in response.text
    response = client.post(reverse("targets:programme_create"), data)
    created = TrainingProgramme.objects.get(name="建筑施工三年工程")
    assert response.url == created.get_absolute_url()
    assert created.city == world.city and created.required_hours == 16
    page = client.get(created.get_absolute_url()).text
    assert "2023—2025 年间累计不少于 16 学时，其中线下（含实操）学时不低于 50%" in page
    assert "建筑施工三年工程" in client.get(reverse("targets:programmes")).text

    # Editing the rule of the setup's programme recounts its share target.
    person = next(p for p in people if p.industry.code == "hazchem" and p.position.code in KEY)
    complete(
        world.owner,
        [person],
        mode="offline",
        day=datetime.date(2023, 5, 1),
        source=make_batch(world.owner, "x", 2023),
        hours=12,
    )
    assert Target.objects.get(pk=targets["share"].pk).achieved == 0
    response = client.post(
        reverse("targets:programme_edit", args=[programme.pk]),
        {
            **data,
            "name": programme.name,
            "start_year": 2022,
            "end_year": 2024,
            "industry": programme.industry_id,
            "required_hours": "12",
            "offline_share_percent": "60",
        },
    )
    assert response.status_code == 302
    assert Target.objects.get(pk=targets["share"].pk).achieved == 1
    progress = client.get(reverse("targets:progress", args=[plan.pk]) + f"?target={targets['share'].pk}").text
    assert 'data-testid="programme-partway"' in progress and "不少于 12 学时" in progress


def test_programme_through_the_api(client, world, setup):
    plan, programme, people, targets = setup
    positions = [p.pk for p in Position.objects.filter(code__in=KEY)]
    payload = {
        "city_id": world.city.pk,
        "name": "API 工程",
        "start_year": 2023,
        "end_year": 2024,
        "industry_id": Industry.objects.get(code="hazchem").pk,
        "position_ids": positions,
        "required_hours": "24",
        "offline_share_percent": "60",
    }
    client.force_login(world.users["agency"])
    assert client.post("/api/v1/programmes", payload, content_type="application/json").status_code == 403
    client.force_login(world.owner)
    response = client.post("/api/v1/programmes", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rule"].startswith("2023—2024 年间累计不少于 24 学时") and body["position_ids"] == sorted(positions)
    response = client.patch(
        f"/api/v1/programmes/{body['id']}", {"offline_share_percent": "70"}, content_type="application/json"
    )
    assert Decimal(response.json()["offline_share_percent"]) == 70
    enterprise = world.orgs["enterprise_a"]
    bad = client.put(
        f"/api/v1/programmes/{body['id']}/baseline",
        [{"enterprise_id": enterprise.pk, "position_id": Position.objects.get(code="worker").pk, "headcount": 5}],
        content_type="application/json",
    )
    assert bad.status_code == 422 and "不在本工程的培训岗位中" in bad.json()["detail"]
    ok = client.put(
        f"/api/v1/programmes/{body['id']}/baseline",
        [{"enterprise_id": enterprise.pk, "position_id": positions[0], "headcount": 5}],
        content_type="application/json",
    )
    assert ok.json()["baseline_total"] == 5
    listed = client.get("/api/v1/programmes").json()
    assert {p["name"] for p in listed} >= {"API 工程", programme.name}


def test_figures_recount_finds_none_then_lists_each_difference(world, setup):
    plan, programme, people, targets = setup
    complete(
        world.owner,
        people[:30],
        mode="offline",
        day=datetime.date(2023, 6, 1),
        source=make_batch(world.owner, "x", 2023),
        hours=24,
    )
    code, output = _recount()
    assert code == 0 and "无差异" in output
    Target.objects.filter(pk=targets["online"].pk).update(achieved=3)
    code, output = _recount()
    assert code == 1
    assert "2023 年目标「线上」：已完成人数记为 3，按原始记录应为 0" in output and "共 1 处差异" in output


def test_owner_runs_the_recount_as_a_job(client, world, setup, django_capture_on_commit_callbacks):
    plan, programme, people, targets = setup
    client.force_login(world.users["agency"])
    assert client.post(reverse("targets:figures_recount")).status_code == 403
    client.force_login(world.owner)
    Target.objects.filter(pk=targets["total"].pk).update(achieved=9)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("targets:figures_recount"))
    job = Job.objects.get(kind="targets.figures_recount")
    assert response.url == reverse("core:job", args=[job.pk]) and job.status == "succeeded"
    assert job.result["count"] == 1 and job.done == job.total
    page = client.get(job.result_url).text
    assert "发现 <strong>1</strong> 处差异" in page and "全年培训" in page
