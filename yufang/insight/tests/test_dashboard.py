"""The leaders' dashboard: exact figures for the city and a district, the lists behind them,
scoping of the page, its exports and the API, and who may not open it."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from yufang.insight.dashboard import Period, dashboard_figures, pace_share, period_of
from yufang.plans.tests.factories import make_plan
from yufang.projects.tests.factories import make_project
from yufang.targets.models import Completion
from yufang.targets.tests.factories import complete, make_batch, make_people
from yufang.targets.tests.test_revocation import confirmed_flag, revoke

from .factories import EnterpriseBuilder
from .test_years import _target

URL = reverse("insight:dashboard")
API = "/api/v1/insight/dashboard"


def _figures(data) -> dict:
    return {f["key"]: f for s in data["sections"] for f in s["figures"]}


def _series(figure, name) -> dict:
    data = next(s["data"] for s in figure["series"] if s["name"] == name)
    return dict(zip(figure["categories"], data, strict=True))


@pytest.fixture
def programme(world):
    """A 2023 plan with a 30-person target; four enterprises, two per district, 20 people of
    each of two (one per district) trained offline on 1 June 2023."""
    plan = make_plan(world)
    target = _target(world, plan)
    EnterpriseBuilder(world)(4)
    return plan, target


def test_city_figures_are_exact(world, programme):
    plan, target = programme
    a, b = world.orgs["district_a"].region, world.orgs["district_b"].region
    figures = _figures(dashboard_figures(user=world.users["owner"], plan=plan, period=""))

    progress = figures["targets"]
    assert progress["categories"] == ["全年培训人数"]
    assert [s["data"] for s in progress["series"]] == [[40], [30], [133.3]]
    assert progress["warn"][2] == [False]  # ahead of the pace
    assert progress["links"][0][0] == reverse("targets:progress", args=[plan.pk]) + f"?target={target.pk}"

    shares = _series(figures["target_shares"], "全年培训人数")
    assert shares[a.name] == 20 and shares[b.name] == 20 and sum(shares.values()) == 40

    region = _series(figures["training_region"], "线下培训")
    assert region[a.name] == 20 and region[b.name] == 20
    assert set(_series(figures["training_region"], "线上培训").values()) == {0}
    assert _series(figures["training_industry"], "线下培训") == {"建筑施工": 40}
    month = _series(figures["training_month"], "线下培训")
    assert month["6 月"] == 40 and sum(month.values()) == 40
    assert figures["training_month"]["computed_at"]

    lines = figures["fund_lines"]
    assert lines["categories"] == ["工伤预防宣传", "工伤预防培训"]
    assert lines["series"][0]["data"] == [50.0, 100.0]  # 万元
    assert [s["data"] for s in figures["funnel"]["series"]] == [[0, 0, 0, 0]]
    assert figures["flags"]["series"][0]["data"] == [0, 0, 0, 0, 0]
    assert all(f["rule"] for f in figures.values())  # the counting rule beside every figure


def test_period_cuts_the_year_at_a_month(world, programme):
    plan, _ = programme
    may = _figures(dashboard_figures(user=world.users["owner"], plan=plan, period="5"))
    assert may["targets"]["series"][0]["data"] == [0]  # the tallies up to May
    assert sum(_series(may["training_region"], "线下培训").values()) == 0
    assert may["training_month"]["categories"][-1] == "5 月"
    june = _figures(dashboard_figures(user=world.users["owner"], plan=plan, period="06"))
    assert june["targets"]["series"][0]["data"] == [40]
    assert period_of(plan, "13") == Period(2023, None) and period_of(plan, "x") == Period(2023, None)


def test_pace_colours_a_lagging_target(world, programme):
    plan, target = programme
    # A 30-person target by year end: on 30 June half the year is gone (181 of 365 days).
    assert pace_share(target, Period(2023, 6)) == pytest.approx(181 / 365)
    figures = _figures(dashboard_figures(user=world.users["owner"], plan=plan, period="6"))
    assert figures["targets"]["warn"][2] == [False]  # 40 of 30 done
    lagging = _target(world, plan, name="全年培训人数（高目标）", threshold=1000)
    figures = _figures(dashboard_figures(user=world.users["owner"], plan=plan, period="6"))
    index = figures["targets"]["categories"].index(lagging.name)
    assert figures["targets"]["warn"][2][index] is True  # 40 of 1000 at half the year


def test_revoked_completion_project_and_flag(world, programme):
    """A project with a confirmed flag, on which one completion is revoked: the project's stage,
    the decided flag and the training figures (the stamp moved, so counted afresh) all show it."""
    plan, _ = programme
    owner = world.users["owner"]
    before = _figures(dashboard_figures(user=owner, plan=plan))
    assert sum(_series(before["training_region"], "线下培训").values()) == 40
    project = make_project(world, plan)
    completion = Completion.objects.filter(year=2023).order_by("pk").first()
    revoke(world, completion, confirmed_flag(world, completion.person, project))
    after = _figures(dashboard_figures(user=owner, plan=plan))
    assert sum(_series(after["training_region"], "线下培训").values()) == 39
    assert _series(after["projects"], "项目数") == {"实施中": 1}
    assert after["projects"]["links"][0][0] == reverse("projects:list") + "?status=in_progress&year=2023"
    assert _series(after["flags"], "已核实为问题") == {
        "线下培训": 0,
        "线上培训": 0,
        "宣传成果": 0,
        "知识竞答": 0,
        "监督检查": 1,
    }
    assert sum(_series(after["flags"], "待核查").values()) == 0


def test_a_district_sees_its_own_share_and_records(world, programme, client):
    plan, target = programme
    a, b = world.orgs["district_a"].region, world.orgs["district_b"].region
    user = world.users["district_a"]
    figures = _figures(dashboard_figures(user=user, plan=plan))
    assert figures["targets"]["series"][0]["data"] == [20]
    assert figures["targets"]["series"][1]["data"] == [15]  # its part: half the insured headcount
    part = figures["target_shares"]
    assert part["categories"] == ["全年培训人数"] and [s["data"] for s in part["series"]] == [[20], [15], [15]]
    assert figures["training_region"]["categories"] == [a.name]
    assert b.name not in str(figures)
    assert sum(_series(figures["training_industry"], "线下培训").values()) == 20

    # A click lands on exactly the records behind the figure, and on no other district's.
    link = figures["training_region"]["links"][0][0]
    client.force_login(user)
    listed = client.get(link).context["object_list"]
    assert len(listed) == 20 and {c.region_id for c in listed} == {a.pk}
    forged = link.replace(f"region={a.pk}", f"region={b.pk}")
    assert forged != link and len(client.get(forged).context["object_list"]) == 0

    # The export and the API carry the district's figures only.
    response = client.get(URL, {"export": "xlsx", "figure": "training_region"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == (a.name, 20, 0, 0) and b.name not in str(rows)
    body = client.get(API, {"plan": plan.pk}).json()
    assert body["scope"] == {"district_id": a.pk, "label": a.name}
    assert b.name not in str(body)


def test_city_page_links_and_exports(world, programme, client):
    plan, _ = programme
    client.force_login(world.users["owner"])
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "领导驾驶舱（全市）" in body and "计数规则" in body and 'id="dashboard-data"' in body
    link = _figures(response.context["data"])["training_industry"]["links"][0][0]
    assert f'href="{link.replace("&", "&amp;")}"' in body
    assert client.get(link).context["page_obj"].paginator.count == 40
    rows = list(
        load_workbook(io.BytesIO(client.get(URL, {"export": "xlsx", "figure": "fund_lines"}).content)).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0] == ("项目", "预算（万元）", "已承诺（万元）", "已支付（万元）")
    assert rows[1] == ("工伤预防宣传", 50, 0, 0)
    assert client.get(URL, {"export": "xlsx", "figure": "nothing"}).status_code == 404
    api = client.get(API, {"plan": plan.pk, "period": "6"}).json()
    assert api["period"]["label"] == "2023 年 1—6 月"
    assert _figures(api)["targets"]["series"][0]["data"] == [40]


def test_partners_see_figures_but_no_personal_lists(world, programme, client):
    plan, _ = programme
    figures = _figures(dashboard_figures(user=world.users["partner"], plan=plan))
    assert sum(_series(figures["training_region"], "线下培训").values()) == 40
    assert figures["training_region"]["link"] is None
    assert all(url is None for row in figures["training_region"]["links"] for url in row)
    assert all(url is None for row in figures["funnel"]["links"] for url in row)
    client.force_login(world.users["partner"])
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("key", ["provider_a", "enterprise_a", "trainee_a"])
def test_others_may_not_open_it(world, programme, client, key):
    client.force_login(world.users[key])
    assert client.get(URL).status_code == 403
    assert client.get(API).status_code == 403
    assert client.get(URL, {"export": "xlsx", "figure": "training_region"}).status_code == 403


def test_an_unknown_plan_is_not_found(world, programme, client):
    client.force_login(world.users["district_a"])
    assert client.get(URL, {"plan": 999999}).status_code == 404
    assert client.get(API, {"plan": 999999}).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_more_training_is_counted_after_the_cache(world, programme):
    """A new completion changes the stamp: the cached figures are not served stale."""
    plan, _ = programme
    owner = world.users["owner"]
    dashboard_figures(user=owner, plan=plan)
    org = world.orgs["enterprise_a"]
    people = make_people(owner, org, 3, industry="construction", positions=["worker"], seed=99, start=900)
    complete(owner, people, mode="online", day=datetime.date(2023, 7, 1), source=make_batch(owner, "补录", 2023))
    figures = _figures(dashboard_figures(user=owner, plan=plan))
    assert sum(_series(figures["training_region"], "线上培训").values()) == 3
    cache.clear()
    assert _figures(dashboard_figures(user=owner, plan=plan))["training_region"] == figures["training_region"]


def test_districts_are_held_to_the_parts_the_owner_set(world, programme):
    """Until the owner divides the target, a district's part is its share of the insured
    headcount (15 of 30: half the headcount); then it is the part as set, and the counting rule
    says which."""
    from yufang.targets.services import target_parts_set

    plan, target = programme
    a, b = world.orgs["district_a"].region, world.orgs["district_b"].region
    district = world.users["district_a"]
    before = _figures(dashboard_figures(user=district, plan=plan))
    assert before["targets"]["series"][1]["data"] == [15]
    assert "参保人数占全市比例" in before["target_shares"]["rule"]

    target_parts_set(target=target, parts={a: 24, b: 6}, actor=world.owner)
    figures = _figures(dashboard_figures(user=district, plan=plan))  # the audit record moved the stamp
    assert figures["targets"]["series"][1]["data"] == [24]
    assert [s["data"] for s in figures["target_shares"]["series"]] == [[20], [24], [24]]
    assert figures["target_shares"]["warn"][0] == [True]  # 20 done, 24 due by the end of the year
    for key in ("targets", "target_shares"):
        assert "市人社局分解到区县" in figures[key]["rule"] and "参保人数" not in figures[key]["rule"]

    city = _figures(dashboard_figures(user=world.users["owner"], plan=plan))["target_shares"]
    assert _series(city, "全年培训人数")[a.name] == 20
    names = city["categories"]
    assert city["warn"][0][names.index(a.name)] and not city["warn"][0][names.index(b.name)]


def test_the_rule_names_the_targets_still_on_the_proposal(world, programme):
    from yufang.targets.services import target_parts_set

    plan, target = programme
    second = _target(world, plan, name="线下培训人数", threshold=20)
    target_parts_set(target=target, parts={world.orgs["district_a"].region: 10}, actor=world.owner)
    rule = _figures(dashboard_figures(user=world.users["owner"], plan=plan))["target_shares"]["rule"]
    assert "市人社局分解到区县" in rule and f"{second.name}：区县分解数 = 全市目标" in rule
