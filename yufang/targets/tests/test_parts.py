"""A target's parts by district (分解到区县): the proposed split, the service's rules (the sum
cap, whole non-negative numbers, only the owner, not once the year is closed, one audit record),
the page for the owner and for a district, and the cap holding under two writers at once."""

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from yufang.accounts.models import User
from yufang.accounts.tests.factories import make_world
from yufang.core.models import AuditLog
from yufang.demo.credit_codes import demo_credit_code
from yufang.enterprises import services as enterprise_services
from yufang.plans.services import plan_transition
from yufang.plans.tests.factories import make_plan
from yufang.reference.models import City, Industry, Region
from yufang.targets import services
from yufang.targets.models import Metric, TargetDistrictPart, part_field
from yufang.targets.selectors import split_by_weight, target_parts


def _target(world, plan, threshold=100, metric=Metric.PERSONS, **extra):
    return services.target_save(
        actor=world.owner,
        plan=plan,
        data={
            "name": f"培训人数{threshold}",
            "metric": metric,
            "threshold": Decimal(threshold),
            "deadline": datetime.date(plan.year, 12, 31),
            **extra,
        },
    )


def _insured(world, **by_side):
    """One enterprise per side with the given insured headcount."""
    industry = Industry.objects.get(code="construction")
    for side, headcount in by_side.items():
        name = f"分解测试{side}有限公司"
        enterprise_services.enterprise_save(
            actor=world.users["agency"],
            org_data={
                "name": name,
                "credit_code": demo_credit_code(name),
                "city": world.city,
                "region": world.orgs[f"district_{side}"].region,
            },
            data={"industry": industry, "industry_code": "E47", "insured_headcount": headcount},
        )


@pytest.fixture
def setup(world):
    plan = make_plan(world)
    _insured(world, a=300, b=100)
    return plan, _target(world, plan)


def _regions(world):
    return world.orgs["district_a"].region, world.orgs["district_b"].region


# --- The proposed split ----------------------------------------------------------------------------


def test_the_split_adds_up_to_the_total_by_largest_remainder():
    assert split_by_weight(100, {1: 1, 2: 1, 3: 1}) == {1: 34, 2: 33, 3: 33}  # a tie: the lower key
    assert split_by_weight(10, {1: 5, 2: 3, 3: 2}) == {1: 5, 2: 3, 3: 2}
    assert split_by_weight(7, {1: 50, 2: 30, 3: 20}) == {1: 4, 2: 2, 3: 1}  # 3.5, 2.1, 1.4: the .5 wins
    parts = split_by_weight(10600, {i: w for i, w in enumerate([1801, 977, 333, 60, 9, 0])})
    assert sum(parts.values()) == 10600 and parts[5] == 0
    assert split_by_weight(50, {1: 0, 2: 0}) == {1: 0, 2: 0}  # nothing to split by


def test_the_table_proposes_the_insured_split_until_parts_are_set(world, setup):
    plan, target = setup
    a, b = _regions(world)
    table = target_parts(user=world.owner, target=target)
    assert not table.is_set and table.total == 100
    rows = {r.region: r for r in table.rows}
    assert len(rows) == Region.objects.filter(city=world.city, is_active=True).count()
    assert (rows[a].value, rows[b].value) == (75, 25) and rows[a].part is None

    services.target_parts_set(target=target, parts={a: 60, b: 20}, actor=world.owner)
    table = target_parts(user=world.owner, target=target)
    rows = {r.region: r for r in table.rows}
    assert table.is_set and table.total == 80  # the other districts: nothing, the rest stays with the city
    assert (rows[a].value, rows[a].proposed, rows[b].value) == (60, 75, 20)


# --- The service -----------------------------------------------------------------------------------


def test_the_owner_sets_parts_with_one_audit_record(world, setup):
    plan, target = setup
    a, b = _regions(world)
    services.target_parts_set(target=target, parts={a.pk: 70, b.pk: 30}, actor=world.owner)
    assert dict(TargetDistrictPart.objects.values_list("region", "quantity")) == {a.pk: 70, b.pk: 30}
    services.target_parts_set(target=target, parts={b.pk: 25}, actor=world.owner)  # a keeps its part
    assert dict(TargetDistrictPart.objects.values_list("region", "quantity")) == {a.pk: 70, b.pk: 25}
    entries = list(AuditLog.objects.for_object(target).filter(event="parts_set").order_by("pk"))
    assert len(entries) == 2
    assert entries[0].changes == {"parts": [{}, {a.name: 70, b.name: 30}]}
    assert entries[1].changes == {"parts": [{a.name: 70, b.name: 30}, {a.name: 70, b.name: 25}]}
    assert entries[1].actor == world.owner and entries[1].extra["total"] == 95
    # The same parts again change nothing and record nothing.
    services.target_parts_set(target=target, parts={a.pk: 70}, actor=world.owner)
    assert AuditLog.objects.for_object(target).filter(event="parts_set").count() == 2


def test_parts_may_not_sum_above_the_target(world, setup):
    plan, target = setup
    a, b = _regions(world)
    with pytest.raises(ValidationError) as e:
        services.target_parts_set(target=target, parts={a: 80, b: 21}, actor=world.owner)
    assert "合计 101 超过目标值 100" in str(e.value)
    services.target_parts_set(target=target, parts={a: 80, b: 20}, actor=world.owner)  # exactly: fine
    with pytest.raises(ValidationError):  # a change of one district is checked with the others' parts
        services.target_parts_set(target=target, parts={b: 21}, actor=world.owner)
    assert TargetDistrictPart.objects.get(region=b).quantity == 20
    # Nor may the target be lowered below what is divided.
    with pytest.raises(ValidationError) as e:
        services.target_save(
            actor=world.owner,
            plan=plan,
            target=target,
            data={"name": target.name, "metric": Metric.PERSONS, "threshold": Decimal(99), "deadline": target.deadline},
        )
    assert "已分解到区县的合计为 100" in str(e.value.message_dict["threshold"])


def test_a_negative_or_fractional_part_is_refused_naming_the_district(world, setup):
    plan, target = setup
    a, b = _regions(world)
    with pytest.raises(ValidationError) as e:
        services.target_parts_set(target=target, parts={a: -1, b: Decimal("2.5")}, actor=world.owner)
    assert e.value.message_dict == {
        part_field(a.pk): [f"{a.name}：分解数须为不小于 0 的整数。"],
        part_field(b.pk): [f"{b.name}：分解数须为不小于 0 的整数。"],
    }
    assert not TargetDistrictPart.objects.exists()


def test_the_database_refuses_a_negative_part(world, setup):
    plan, target = setup
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        TargetDistrictPart.objects.create(target=target, region=_regions(world)[0], quantity=-1)


@pytest.mark.parametrize("key", ["agency", "partner", "district_a", "provider_a"])
def test_only_the_owner_sets_parts(world, setup, key):
    plan, target = setup
    with pytest.raises(PermissionDenied, match="目标分解到区县只能由市人社局设定"):
        services.target_parts_set(target=target, parts={_regions(world)[0]: 10}, actor=world.users[key])
    assert not TargetDistrictPart.objects.exists()


def test_a_superuser_may_set_parts(world, setup):
    plan, target = setup
    admin = User.objects.create_superuser("t_admin", password="x-Test-pass-2023")
    services.target_parts_set(target=target, parts={_regions(world)[0]: 10}, actor=admin)
    assert TargetDistrictPart.objects.get().quantity == 10


def test_not_once_the_year_is_closed_nor_for_a_share_target(world, setup):
    plan, target = setup
    a, _ = _regions(world)
    plan_transition(plan=plan, action="close", actor=world.owner)
    with pytest.raises(ValidationError, match="实施方案已结束年度"):
        services.target_parts_set(target=target, parts={a: 10}, actor=world.owner)
    plan_transition(plan=plan, action="reopen", actor=world.owner, note="补录")
    services.target_parts_set(target=target, parts={a: 10}, actor=world.owner)
    assert TargetDistrictPart.objects.get().quantity == 10


def test_a_region_of_another_city_is_refused(world, setup):
    plan, target = setup
    city = City.objects.create(code="370200", name="青岛市", province="山东省")
    other = Region.objects.create(city=city, code="370202", name="市南区", kind="district")
    with pytest.raises(ValidationError, match="不属于本方案所在城市"):
        services.target_parts_set(target=target, parts={other: 1}, actor=world.owner)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_cap_holds_under_two_writers_at_once():
    """Owner 1 sets district a to 60 and holds the transaction open; owner 2 then sets district b
    to 60. Each is within the target of 100 against what it reads; together they are not. The
    lock on the target makes the second wait for the first and read its 60: it is refused."""
    world = make_world()
    plan = make_plan(world)
    target = _target(world, plan)
    a, b = _regions(world)
    first_saved, first_may_commit = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def first():
        try:
            with transaction.atomic():
                services.target_parts_set(target=target, parts={a: 60}, actor=world.owner)
                first_saved.set()
                first_may_commit.wait(10)
            outcome["first"] = "saved"
        finally:
            connection.close()

    def second():
        try:
            first_saved.wait(10)
            services.target_parts_set(target=target, parts={b: 60}, actor=world.owner)
            outcome["second"] = "saved"
        except ValidationError as e:
            outcome["second"] = str(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_saved.wait(10)
    threading.Timer(1.0, first_may_commit.set).start()  # the second is blocked on the lock meanwhile
    for t in threads:
        t.join(20)
    assert outcome["first"] == "saved"
    assert "合计 120 超过目标值 100" in outcome["second"]
    assert dict(TargetDistrictPart.objects.values_list("region", "quantity")) == {a.pk: 60}


# --- The page --------------------------------------------------------------------------------------


def _url(target):
    return reverse("targets:parts", args=[target.pk])


def test_the_owner_sets_parts_on_the_page(world, setup, client):
    plan, target = setup
    a, b = _regions(world)
    client.force_login(world.owner)
    progress = client.get(reverse("targets:progress", args=[plan.pk]), {"target": target.pk}).content.decode()
    assert "分解到区县" in progress and _url(target) in progress
    page = client.get(_url(target))
    body = page.content.decode()
    assert page.status_code == 200 and "尚未分解" in body
    form = page.context["form"]
    assert form[part_field(a.pk)].value() == 75 and form[part_field(b.pk)].value() == 25
    data = {name: 0 for name in form.fields} | {part_field(a.pk): 70, part_field(b.pk): 30}
    response = client.post(_url(target), data)
    assert response.status_code == 302
    assert dict(TargetDistrictPart.objects.filter(quantity__gt=0).values_list("region", "quantity")) == {
        a.pk: 70,
        b.pk: 30,
    }
    body = client.get(_url(target)).content.decode()
    assert "市人社局已分解" in body and "区县分解数" in body  # the history shows the change


def test_the_page_shows_errors_beside_the_districts(world, setup, client):
    plan, target = setup
    a, b = _regions(world)
    client.force_login(world.owner)
    fields = client.get(_url(target)).context["form"].fields
    data = {name: 0 for name in fields} | {part_field(a.pk): -5, part_field(b.pk): ""}
    response = client.post(_url(target), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        part_field(a.pk): [f"{a.name}：分解数不能为负数。"],
        part_field(b.pk): [f"{b.name}：请填写分解数（不分解填 0）。"],
    }
    data = {name: 0 for name in fields} | {part_field(a.pk): 90, part_field(b.pk): 30}
    body = client.post(_url(target), data).content.decode()
    assert "各区县分解数合计 120 超过目标值 100（多 20）" in body
    assert not TargetDistrictPart.objects.exists()


def test_a_district_reads_its_own_part_only(world, setup, client):
    plan, target = setup
    a, b = _regions(world)
    services.target_parts_set(target=target, parts={a: 70, b: 30}, actor=world.owner)
    client.force_login(world.users["district_a"])
    response = client.get(_url(target))
    body = response.content.decode()
    assert response.status_code == 200 and response.context["form"] is None
    assert [(r.region, r.value) for r in response.context["table"].rows] == [(a, 70)]
    assert b.name not in body and "合计" not in body
    # Another district's part cannot be written, whatever the form names.
    assert client.post(_url(target), {part_field(b.pk): 0, part_field(a.pk): 100}).status_code == 403
    assert TargetDistrictPart.objects.get(region=b).quantity == 30
    ws = load_workbook(io.BytesIO(client.get(_url(target), {"export": "xlsx"}).content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:3] == (a.name, 70, "市人社局分解") and len(rows) == 2
    # A plan still in draft is not the district's to see.
    draft = _target(world, make_plan(world, year=2024, issue=False))
    assert client.get(_url(draft)).status_code == 404


def test_officials_read_the_table_and_export_it(world, setup, client):
    plan, target = setup
    a, b = _regions(world)
    client.force_login(world.users["agency"])
    response = client.get(_url(target))
    assert response.status_code == 200 and response.context["form"] is None
    assert "目标分解到区县只能由市人社局设定" in response.content.decode()  # the reason, shown
    assert client.post(_url(target), {part_field(a.pk): 1}).status_code == 403
    rows = list(load_workbook(io.BytesIO(client.get(_url(target), {"export": "xlsx"}).content)).active.values)
    assert rows[0] == ("区县", "分解数", "依据", "建议分解数（参保人数占比）", "已完成")
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name[a.name][1] == 75 and by_name[b.name][1] == 25 and "建议" in by_name[a.name][2]


@pytest.mark.parametrize("key", ["provider_a", "enterprise_a", "trainee_a"])
def test_others_do_not_see_the_page(world, setup, client, key):
    plan, target = setup
    client.force_login(world.users[key])
    assert client.get(_url(target)).status_code in (403, 404)


def test_a_districts_progress_page_shows_its_part_of_every_target(world, setup, client):
    """The proposed part until the owner divides the target (300 of 400 insured: 75 of 100),
    then the part as set; the city's page shows the whole target."""
    plan, target = setup
    a, b = _regions(world)
    url = reverse("targets:progress", args=[plan.pk])
    client.force_login(world.users["district_a"])
    body = client.get(url).content.decode()
    assert "本区县分解数 75 人" in body and "暂按本区县参保人数占比建议" in body
    services.target_parts_set(target=target, parts={a: 60, b: 30}, actor=world.owner)
    body = client.get(url).content.decode()
    assert "本区县分解数 60 人" in body and "分解数为市人社局分解到本区县的数" in body
    client.force_login(world.users["owner"])
    body = client.get(url).content.decode()
    assert "本区县分解数" not in body and "/ 目标 100 人" in body
