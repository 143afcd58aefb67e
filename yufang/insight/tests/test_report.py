"""The annual report to the province: made in the background for the owner or agency, with a
sheet per table, downloadable only by whoever started it."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from yufang.core.models import Job
from yufang.plans.tests.factories import make_plan
from yufang.targets.tests.factories import complete, make_batch, make_people


def _sheet(wb, name):
    return [row for row in wb[name].iter_rows(values_only=True)]


def test_the_owner_makes_the_workbook_in_the_background(world, client, django_capture_on_commit_callbacks):
    plan = make_plan(world)
    people = make_people(world.owner, world.orgs["enterprise_a"], 6, industry="construction", positions=["worker"])
    complete(
        world.owner,
        people[:4],
        mode="offline",
        day=datetime.date(2023, 6, 1),
        source=make_batch(world.owner, "线下", 2023),
    )
    complete(
        world.owner,
        people[2:],
        mode="online",
        day=datetime.date(2023, 7, 1),
        source=make_batch(world.owner, "线上", 2023),
    )
    client.force_login(world.users["owner"])
    assert client.get(reverse("insight:report")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insight:report"), {"plan": plan.pk})
    job = Job.objects.get(kind="insight.annual_report")
    assert response.url == reverse("core:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.result
    assert job.done == job.total == 5
    download = client.get(job.result_url)
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames == [
        "说明",
        "培训人数（方式）",
        "培训人数（行业）",
        "培训人数（岗位）",
        "培训人数（区县）",
        "资金使用",
        "项目与验收",
        "扣减与禁入",
        "宣传覆盖",
    ]
    modes = dict(r for r in _sheet(wb, "培训人数（方式）")[1:])
    assert modes["线下培训"] == 4 and modes["线上培训"] == 4 and modes["合计（同一人只计一次）"] == 6
    region = _sheet(wb, "培训人数（区县）")
    assert region[0][0] == "区县" and region[1][0] == "张店区" and region[1][-1] == 6
    fund = _sheet(wb, "资金使用")
    assert fund[-1][0] == "合计" and fund[-1][2] == 1500000
    # Nothing personal: no name or ID number anywhere in the workbook.
    text = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert not any(p.name in text or p.id_number in text for p in people)

    # Only the starter downloads it; others (and other roles) cannot even start one.
    client.force_login(world.users["agency"])
    assert client.get(job.result_url).status_code == 404
    for key in ("partner", "district_a", "provider_a"):
        client.force_login(world.users[key])
        assert client.get(reverse("insight:report")).status_code == 403, key
        assert client.post(reverse("insight:report"), {"plan": plan.pk}).status_code == 403, key


def test_a_draft_plan_is_not_reported(world, client):
    draft = make_plan(world, issue=False)
    client.force_login(world.users["owner"])
    assert client.post(reverse("insight:report"), {"plan": draft.pk}).status_code == 404
