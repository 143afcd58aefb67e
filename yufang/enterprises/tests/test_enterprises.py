from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from yufang.accounts.models import Organisation
from yufang.demo.credit_codes import demo_credit_code
from yufang.enterprises import services
from yufang.enterprises.models import EnterpriseProfile, InjuryStatistic, KeyEnterpriseMark
from yufang.enterprises.selectors import key_enterprise_ids, ranking
from yufang.reference.models import Industry

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> bytes:
    import io

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _stat(world, org, cases, insured, premiums, benefits):
    return services.statistic_save(
        actor=world.users["agency"],
        enterprise=org,
        year=2022,
        data={
            "accident_cases": cases,
            "disease_cases": 0,
            "insured_headcount": insured,
            "premiums_paid": Decimal(premiums),
            "benefits_paid": Decimal(benefits),
        },
    )


def test_register_one_record_per_credit_code_and_ranking_with_reasons(world):
    agency = world.users["agency"]
    construction = Industry.objects.get(code="construction")
    orgs = []
    for i, (cases, insured, premiums, benefits) in enumerate(
        [(6, 200, "100000", "150000"), (1, 500, "200000", "20000"), (3, 100, "50000", "90000")]
    ):
        name = f"测试建筑{i}有限公司"
        profile = services.enterprise_save(
            actor=agency,
            org_data={"name": name, "credit_code": demo_credit_code(name), "city": world.city},
            data={"industry": construction, "industry_code": "E47", "insured_headcount": insured},
        )
        orgs.append(profile.organisation)
        _stat(world, profile.organisation, cases, insured, premiums, benefits)
    again = services.enterprise_save(
        actor=agency,
        org_data={"name": "测试建筑0有限公司", "credit_code": orgs[0].credit_code, "city": world.city},
        data={"industry": construction, "insured_headcount": 210},
    )
    assert again.organisation == orgs[0] and EnterpriseProfile.objects.count() == 3
    rows = ranking(user=agency, industry=construction, year=2022)
    assert [r.stat.enterprise for r in rows] == [orgs[2], orgs[0], orgs[1]]
    assert rows[0].reason.startswith("工伤发生率 30.00‰（3 件 ÷ 100 人），行业第 1/3")
    assert "赔付率 180.0%" in rows[0].reason
    with pytest.raises(PermissionDenied):
        services.key_mark(actor=world.users["district_a"], enterprise=orgs[2], year=2023, reason="排名第一")
    with pytest.raises(ValidationError):
        services.key_mark(actor=agency, enterprise=orgs[2], year=2023, reason="")
    services.key_mark(actor=agency, enterprise=orgs[2], year=2023, reason="综合排名第一")
    assert key_enterprise_ids(year=2023, industry=construction) == {orgs[2].pk}


def test_licence_needs_number_and_code_format(world):
    with pytest.raises(ValidationError):
        services.enterprise_save(
            actor=world.users["agency"],
            organisation=world.orgs["enterprise_a"],
            org_data={},
            data={"industry": Industry.objects.get(code="hazchem"), "licence_type": "use", "licence_number": ""},
        )
    with pytest.raises(ValidationError):
        services.enterprise_save(
            actor=world.users["agency"],
            organisation=world.orgs["enterprise_a"],
            org_data={},
            data={"industry": Industry.objects.get(code="machinery"), "industry_code": "34"},
        )


def test_register_and_statistics_import_with_per_row_report(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.users["agency"])
    good_code = demo_credit_code("淄博新建机械有限公司")
    content = _xlsx(
        [
            ["2023年企业名录"],
            [
                "企业名称",
                "统一社会信用代码",
                "所在区县",
                "行业类别",
                "国民经济行业代码",
                "危化品许可类型",
                "许可证编号",
                "参保人数",
                "联系人",
                "联系电话",
            ],
            ["淄博新建机械有限公司", good_code, "张店区", "机械制造", "C3411", "", "", 85, "李经理", "13800001111"],
            ["坏代码公司", "91370300ABCDEFGHIJ", "张店区", "机械制造", "", "", "", 10, "", ""],
            ["危化公司", demo_credit_code("危化公司"), "临淄区", "危险化学品", "", "使用", "", 10, "", ""],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:import"), {"kind": "register", "file": SimpleUploadedFile("名录.xlsx", content)}
        )
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    review = client.get(reverse("enterprises:import_review", args=[job_id])).content.decode()
    assert "有效 <strong>1</strong> 行，错误 <strong>2</strong> 行" in review
    assert "统一社会信用代码「91370300ABCDEFGHIJ」无效" in review and "须填写许可证编号" in review
    client.post(reverse("enterprises:import_confirm", args=[job_id]))
    org = Organisation.objects.get(credit_code=good_code)
    assert org.enterprise_profile.industry_code == "C3411" and org.region.name == "张店区"
    stats = _xlsx(
        [
            ["统一社会信用代码", "年度", "工伤事故件数", "职业病件数", "参保人数", "缴费金额", "基金支付"],
            [good_code, 2022, 2, 1, 85, "30,000.00", "12000"],
            [good_code, 2022, 1, 0, 85, "1", "1"],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:import"), {"kind": "statistics", "file": SimpleUploadedFile("统计.xlsx", stats)}
        )
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    client.post(reverse("enterprises:import_confirm", args=[job_id]))
    stat = InjuryStatistic.objects.get(enterprise=org, year=2022)
    assert stat.premiums_paid == Decimal("30000.00") and stat.cases == 3 and stat.injury_rate == Decimal("35.29")
    page = client.get(reverse("enterprises:ranking") + f"?industry={org.enterprise_profile.industry_id}&year=2022")
    assert "工伤发生率 35.29‰" in page.content.decode()
    client.post(reverse("enterprises:mark", args=[org.enterprise_profile.pk]), {"year": 2023, "reason": "发生率最高"})
    assert KeyEnterpriseMark.objects.get(enterprise=org).reason == "发生率最高"


def test_ranking_page_marks_the_next_years_key_enterprises(world, client):
    """A year's figures choose the next year's key enterprises, which that year's targets count."""
    agency = world.users["agency"]
    construction = Industry.objects.get(code="construction")
    profile = services.enterprise_save(
        actor=agency,
        org_data={"name": "测试建筑有限公司", "credit_code": demo_credit_code("测试建筑有限公司"), "city": world.city},
        data={"industry": construction, "insured_headcount": 200},
    )
    _stat(world, profile.organisation, 6, 200, "100000", "150000")
    client.force_login(agency)
    url = reverse("enterprises:ranking") + f"?industry={construction.pk}&year=2022"
    page = client.get(url).content.decode()
    assert "2023 年重点企业</th>" in page and '<input type="hidden" name="year" value="2023">' in page
    client.post(
        reverse("enterprises:mark", args=[profile.pk]),
        {"year": 2023, "reason": "依 2022 年数据综合排名第 1", "next": url},
    )
    assert KeyEnterpriseMark.objects.get(enterprise=profile.organisation).year == 2023
    assert "已标记" in client.get(url).content.decode()
    # Another year's choice can be made from the same figures.
    page = client.get(url + "&key_year=2022").content.decode()
    assert "2022 年重点企业</th>" in page and "已标记" not in page
    assert '<input type="hidden" name="year" value="2022">' in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/phish", "/\\evil.example", "javascript:alert(1)"]
)
def test_the_mark_form_goes_back_only_to_a_page_of_this_site(world, client, target):
    agency = world.users["agency"]
    profile = services.enterprise_save(
        actor=agency,
        org_data={"name": "测试跳转有限公司", "credit_code": demo_credit_code("测试跳转有限公司"), "city": world.city},
        data={"industry": Industry.objects.get(code="construction"), "insured_headcount": 20},
    )
    client.force_login(agency)
    url = reverse("enterprises:mark", args=[profile.pk])
    response = client.post(url, {"year": 2023, "reason": "理由", "next": target})
    assert response.status_code == 302 and response["Location"] == profile.get_absolute_url()
    response = client.post(url, {"year": 2023, "reason": "理由", "next": "/enterprises/ranking/?year=2022"})
    assert response["Location"] == "/enterprises/ranking/?year=2022"
