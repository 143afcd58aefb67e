"""Every plan year side by side: officials see the city, a district its own people and
enterprises beside the programme's money."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from yufang.plans.tests.factories import make_plan
from yufang.targets import services as target_services
from yufang.targets.models import Metric

from .factories import EnterpriseBuilder

URL = reverse("insight:years")


def _target(world, plan, name="全年培训人数", threshold=30):
    import datetime
    from decimal import Decimal

    return target_services.target_save(
        actor=world.owner,
        plan=plan,
        data={
            "name": name,
            "metric": Metric.PERSONS,
            "threshold": Decimal(threshold),
            "deadline": datetime.date(plan.year, 12, 31),
        },
    )


def test_years_side_by_side_for_officials_and_a_district(world, client):
    plan = make_plan(world)
    _target(world, plan)
    EnterpriseBuilder(world)(4)  # statistics 2022–2024, ten trained in each of two enterprises in 2023
    client.force_login(world.users["owner"])
    response = client.get(URL)
    assert response.status_code == 200
    table = response.context["table"]
    assert [c.year for c in table.columns] == [2022, 2023, 2024]
    column = {c.year: c for c in table.columns}[2023]
    assert column.plan == plan and column.figures["fund"] == plan.fund_amount
    assert column.figures["target:全年培训人数"] == (40, 30)
    assert column.figures["enterprises"] == 4 and str(column.figures["injury_rate"]) == "100.00"
    body = response.content.decode()
    assert "40 / 30" in body and "1,500,000.00" in body

    client.force_login(world.users["district_a"])
    table = client.get(URL).context["table"]
    column = {c.year: c for c in table.columns}[2023]
    assert table.district
    assert column.figures["enterprises"] == 2  # two of the four are in district a
    assert column.figures["target:全年培训人数"] == (20, None)  # its people, no city threshold


def test_years_export_and_who_may_see_it(world, client):
    plan = make_plan(world)
    _target(world, plan)
    client.force_login(world.users["partner"])
    response = client.get(URL, {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == ("指标", "单位", "2023 年")
    assert ("工伤预防费提取额度", "元", 1500000.0) in rows
    for key in ("provider_a", "enterprise_a", "trainee_a"):
        client.force_login(world.users[key])
        assert client.get(URL).status_code == 403, key
