"""The enterprise register and the key-enterprise ranking read the same number of queries for
three times as many enterprises."""

from decimal import Decimal

from django.urls import reverse

from yufang.core.tests.queries import assert_flat, listed, page_reader
from yufang.demo.credit_codes import demo_credit_code
from yufang.enterprises import services
from yufang.enterprises.selectors import enterprise_list, ranking
from yufang.reference.models import Industry


def _enterprises(world, *, year: int = 2022):
    made = []
    industry = Industry.objects.get(code="construction")

    def build(n):
        for _ in range(n):
            i = len(made)
            side = "ab"[i % 2]
            name = f"测试建筑{i}有限公司"
            profile = services.enterprise_save(
                actor=world.users["agency"],
                org_data={
                    "name": name,
                    "credit_code": demo_credit_code(name),
                    "city": world.city,
                    "region": world.orgs[f"district_{side}"].region,
                },
                data={"industry": industry, "industry_code": "E47", "insured_headcount": 100 + i},
            )
            services.statistic_save(
                actor=world.users["agency"],
                enterprise=profile.organisation,
                year=year,
                data={
                    "accident_cases": i % 4,
                    "disease_cases": 0,
                    "insured_headcount": 100 + i,
                    "premiums_paid": Decimal(10000 + i),
                    "benefits_paid": Decimal(5000 * (i % 3)),
                },
            )
            if i % 2:
                services.key_mark(
                    actor=world.users["agency"], enterprise=profile.organisation, year=year, reason="排名靠前"
                )
            made.append(profile)

    return build, industry


def test_enterprise_list_with_what_its_page_shows(world):
    build, _ = _enterprises(world)

    def read():
        return [
            (e.organisation.name, str(e.organisation.region), str(e.industry), e.get_licence_type_display())
            for e in enterprise_list(user=world.users["district_a"])
        ]

    assert_flat(build=build, evaluate=read)


def test_ranking_with_its_reasons_and_marks(world):
    build, industry = _enterprises(world)

    def read():
        return [
            (r.stat.enterprise.name, r.profile, r.reason, r.mark)
            for r in ranking(user=world.users["agency"], industry=industry, year=2022)
        ]

    assert_flat(build=build, evaluate=read)


def test_register_and_ranking_pages(world):
    build, industry = _enterprises(world)
    for key in ("agency", "district_a"):
        assert_flat(build=build, evaluate=page_reader(world.users[key], reverse("enterprises:list")), size=listed)
    url = reverse("enterprises:ranking") + f"?industry={industry.pk}&year=2022"
    assert_flat(build=build, evaluate=page_reader(world.users["agency"], url), size=lambda r: len(r.context["rows"]))
