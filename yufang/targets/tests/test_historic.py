"""Historic records (原系统记录): a real import with its per-row report, a named source document,
the roles that may do it, the label wherever they show, and targets that leave them out."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yufang.core.models import Job
from yufang.targets import counting, services
from yufang.targets.models import Completion, LegacyBatch, Metric, Target
from yufang.targets.tests.factories import historic_xlsx, id_number

pytestmark = pytest.mark.django_db


def _upload(client, content: bytes, **extra):
    data = {
        "name": "2022 年危化线下培训",
        "year": 2022,
        "source_document": "原培训管理系统 2022-12-31 导出名单",
        "description": "",
        "file": SimpleUploadedFile("原系统记录.xlsx", content),
        **extra,
    }
    return client.post(reverse("targets:historic"), data)


def test_historic_import_reports_each_row_then_writes_labelled_records(
    client, world, setup, django_capture_on_commit_callbacks
):
    plan, programme, people, targets = setup
    known = people[0]
    new_id = id_number("370303", datetime.date(1985, 3, 4), 777)
    valid = id_number("370303", datetime.date(1985, 3, 4), 778)
    wrong_check = valid[:-1] + ("1" if valid[-1] != "1" else "2")
    rows = [
        [1, known.name, known.id_number, "线下", datetime.date(2022, 6, 1), "8"],
        [2, "新学员", new_id, "线上培训", "2022/07/02", "4.5", "测试企业a", "一线班组长"],
        [3, known.name, known.id_number, "线下", datetime.date(2022, 6, 1), "8"],  # the same record again
        [4, "错号", wrong_check, "线下", datetime.date(2022, 6, 1), "8"],
        [5, "数字号", 370303198503047770, "线下", datetime.date(2022, 6, 1), "8"],
        [
            6,
            "外单位",
            id_number("370303", datetime.date(1990, 1, 1), 779),
            "线下",
            datetime.date(2022, 6, 1),
            "8",
            "不存在的公司",
        ],
        [7, known.name, known.id_number, "函授", datetime.date(2023, 1, 5), "-1"],
    ]
    client.force_login(world.users["provider_a"])
    assert _upload(client, historic_xlsx(rows)).status_code == 403
    client.force_login(world.users["agency"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, historic_xlsx(rows))
    job = Job.objects.get(kind="targets.historic_check")
    assert response.url == reverse("core:job", args=[job.pk]) and job.status == "succeeded", job.result
    assert not LegacyBatch.objects.exists() and not Completion.objects.exists()  # nothing written yet
    page = client.get(job.result_url).text
    assert "有效 <strong>2</strong> 行" in page and "错误 <strong>5</strong> 行" in page
    assert "与第 3 行重复" in page and "校验位不正确" in page and "保存成了数字" in page
    assert "不在本市企业名录中" in page and "须为线下、线上或实操" in page and "不在本批次的 2022 年内" in page
    assert new_id not in page  # ID numbers masked in the report

    response = client.post(reverse("targets:historic_confirm", args=[job.pk]))
    assert response.url == reverse("targets:historic")
    batch = LegacyBatch.objects.get()
    assert batch.source_document == "原培训管理系统 2022-12-31 导出名单" and batch.rows == 2
    records = {c.person.id_number: c for c in Completion.objects.select_related("person")}
    assert all(c.historic and c.project is None for c in records.values())
    assert records[new_id].hours == Decimal("4.5") and records[new_id].mode == "online"
    assert records[new_id].person.enterprise == world.orgs["enterprise_a"]
    # Importing the same job again is refused.
    client.post(reverse("targets:historic_confirm", args=[job.pk]))
    assert Completion.objects.count() == 2
    # Labelled wherever the records show.
    listing = client.get(reverse("targets:completions")).text
    assert listing.count('data-testid="historic">原系统记录') == 2
    assert "原系统记录" in client.get(reverse("targets:historic")).text


def test_a_target_can_leave_historic_records_out(world, setup):
    plan, programme, people, targets = setup
    from yufang.targets.tests.factories import complete, make_batch

    complete(
        world.owner,
        people[:10],
        mode="offline",
        day=datetime.date(2023, 3, 1),
        source=make_batch(world.owner, "旧", 2023),
    )
    platform_only = services.target_save(
        actor=world.owner,
        plan=plan,
        data={
            "name": "只计平台记录",
            "metric": Metric.PERSONS,
            "threshold": Decimal(10),
            "deadline": datetime.date(2023, 12, 31),
            "include_historic": False,
        },
    )
    assert platform_only.achieved == 0 and "不含原系统记录" in platform_only.counting_rule
    assert Target.objects.get(pk=targets["total"].pk).achieved == 10
    assert counting.target_check(platform_only) == []


def test_historic_batches_are_for_city_officials(client, world, setup):
    for role, status in (("district_a", 403), ("provider_a", 403), ("partner", 200), ("owner", 200)):
        client.force_login(world.owner if role == "owner" else world.users[role])
        page = client.get(reverse("targets:historic"))
        assert page.status_code == status, role
        if role == "partner":
            assert "上传并校验" not in page.text
