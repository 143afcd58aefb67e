"""The public registration page's enterprise search: names and credit codes only, at most ten,
throttled per address."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from yufang.accounts.models import OrganisationKind
from yufang.accounts.tests.factories import make_org

pytestmark = pytest.mark.django_db

URL = "/learning/register/enterprises/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_the_register_page_offers_the_search_and_it_fills_in_the_code(world, client):
    assert reverse("learning:register_enterprises") == URL
    page = client.get(reverse("learning:register")).content.decode()
    assert f'hx-get="{URL}"' in page and 'id="enterprise-matches"' in page and "<script>" not in page
    enterprise = world.orgs["enterprise_a"]
    answer = client.get(URL, {"q": enterprise.name[-6:]}, headers={"HX-Request": "true"})
    html = answer.content.decode()
    assert answer.status_code == 200 and enterprise.name in html
    assert f'data-fill="#id_credit_code" data-fill-value="{enterprise.credit_code}"' in html
    # Nothing but the name and code: not the contact, not another kind of organisation.
    assert world.orgs["provider_a"].name not in client.get(URL, {"q": "测试"}).content.decode()
    assert "13900000000" not in html and "t_enterprise_a" not in html
    assert "两个字" in client.get(URL, {"q": "测"}).content.decode()
    assert "没有名称包含" in client.get(URL, {"q": "无此企业名"}).content.decode()


def test_at_most_ten_matches(world, client):
    for i in range(12):
        make_org(world.owner, f"搜索企业{i:02d}", OrganisationKind.ENTERPRISE, region=world.orgs["enterprise_a"].region)
    html = client.get(URL, {"q": "搜索企业"}).content.decode()
    assert html.count("data-fill-value=") == 10 and "最多显示 10 个" in html


def test_the_search_is_throttled_per_address(world):
    walker = Client(REMOTE_ADDR="10.7.7.7")
    statuses = [walker.get(URL, {"q": "测试"}).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    assert Client(REMOTE_ADDR="10.7.7.8").get(URL, {"q": "测试"}).status_code == 200
