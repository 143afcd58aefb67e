"""Each role's menu and home page (issue 15, items 2 and 3), on the demo data."""

import io

import pytest
from django import forms
from django.core.management import call_command
from django.test import Client

from yufang.accounts.models import User
from yufang.core.registry import nav_entries_for
from yufang.reference.models import Industry

# What each role's home must say it should do next.
HOME_SAYS = {
    "trainee": ["我的线上学习", "继续学习", "已完成"],
    "enterprise": ["本企业职工线上培训", "已报名", "已达标", "导入职工名单"],
    "provider": ["本机构的项目", "接下来要报的进度报告", "被退回、需修改的"],
    "finance": ["在途付款", "待支付", "年度预算执行", "已支付"],
    "owner": ["年度目标", "年度预算执行", "待办"],
}


def test_blank_choice_is_chinese(db):
    class F(forms.Form):
        industry = forms.ModelChoiceField(Industry.objects.all())
        kind = forms.TypedChoiceField(choices=Industry._meta.get_field("name").choices or [("a", "甲")])

    html = str(F())
    assert "Select an option" not in html
    assert "— 请选择 —" in html


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("load_demo", scale=0.02, stdout=out)
    # load_demo says where it is while it works (a first full run takes minutes).
    assert "[1/10] 基础数据" in out.getvalue() and "[10/10] 核对全部数字" in out.getvalue()


def test_every_role_gets_a_short_grouped_menu_and_a_home_that_says_what_next(demo):
    for username in (
        "owner",
        "agency",
        "health",
        "emergency",
        "finance",
        "district",
        "provider",
        "enterprise",
        "trainee",
    ):
        user = User.objects.get(username=username)
        entries = nav_entries_for(user)
        # Officials had 15 items on one bar; now at most six places (plus 首页).
        assert 1 <= len(entries) <= 6, (username, [e.label for e in entries])
        client = Client()
        client.force_login(user)
        page = client.get("/").content.decode()
        for text in HOME_SAYS.get(username, ["待办"]):
            assert text in page, (username, text, page[page.find("<main") :])
        assert ("API 令牌" in page) == (username != "trainee"), username
    owner_groups = {e.label for e in nav_entries_for(User.objects.get(username="owner")) if e.is_group}
    assert {"计划目标", "项目资金", "培训", "系统"} <= owner_groups


def test_trainee_has_no_api_token_page(world):
    client = Client()
    client.force_login(world.users["trainee_a"])
    assert client.get("/accounts/tokens/").status_code == 403
    client.force_login(world.users["provider_a"])
    assert client.get("/accounts/tokens/").status_code == 200
