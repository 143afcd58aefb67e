import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook
from reportlab.platypus import Paragraph

from yufang.core.models import AuditLog
from yufang.plans import documents, services
from yufang.plans.models import BudgetItem, Plan, PlanStatus
from yufang.plans.tests.factories import make_plan

D = Decimal


def plan_data(world, **overrides):
    return {
        "city": world.city.pk,
        "year": 2025,
        "title": "2025年度测试方案",
        "doc_number": "测人社字〔2025〕1号",
        "issuing_departments": "市人社局",
        "issue_date": "2025-03-01",
        "fund_amount": "1500000.00",
        "premium_income": "50000000.00",
        "benefits_secured": "on",
        "base_cap_percent": "3.00",
        "max_cap_percent": "5.00",
        "approval_doc_number": "",
        "approval_date": "",
        "class_hour_minutes": 45,
        "online_elective_hours": "2",
        "offline_attendance_percent": 90,
        **overrides,
    }


def test_fund_within_three_percent_is_accepted(client, world):
    client.force_login(world.owner)
    response = client.post(reverse("plans:create"), plan_data(world))
    assert response.status_code == 302
    plan = Plan.objects.get(year=2025)
    assert plan.fund_percent == D("3.00") and plan.status == PlanStatus.DRAFT


def test_above_three_percent_needs_provincial_approval(client, world):
    client.force_login(world.owner)
    response = client.post(reverse("plans:create"), plan_data(world, fund_amount="2000000.00"))
    assert "须经省人社厅、财政厅同意" in response.text
    assert "1,500,000.00 元" in response.text and "2,500,000.00 元" in response.text
    assert not Plan.objects.filter(year=2025).exists()
    response = client.post(
        reverse("plans:create"),
        plan_data(
            world, fund_amount="2000000.00", approval_doc_number="鲁人社函〔2025〕8号", approval_date="2025-02-01"
        ),
    )
    assert response.status_code == 302


def test_never_above_five_percent(client, world):
    client.force_login(world.owner)
    response = client.post(
        reverse("plans:create"),
        plan_data(
            world, fund_amount="2550000.00", approval_doc_number="鲁人社函〔2025〕8号", approval_date="2025-02-01"
        ),
    )
    assert "占征缴收入 5.10%" in response.text and "超过最高上限 5.00%" in response.text
    assert not Plan.objects.filter(year=2025).exists()


def test_database_refuses_a_fund_above_the_cap(world):
    plan = make_plan(world, issue=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(fund_amount=D("3000000.01"))


@pytest.mark.parametrize(("amount", "message"), [("1500000.005", "小数不超过 2 位"), ("-1.00", "大于或等于")])
def test_bad_amounts_name_the_field(client, world, amount, message):
    client.force_login(world.owner)
    response = client.post(reverse("plans:create"), plan_data(world, fund_amount=amount))
    assert message in response.text
    assert not Plan.objects.filter(year=2025).exists()


def test_lines_must_add_up_to_the_fund_and_nothing_is_half_saved(world):
    plan = make_plan(world, issue=False)
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as e:
        services.plan_set_budget(
            actor=world.owner,
            plan=plan,
            lines={"publicity": D("500000.00"), "training": D("999999.99")},
            items=[{"category": "training", "name": "新项目", "implementer_kind": "training", "amount": D("1.00")}],
        )
    assert "差 0.01 元" in str(e.value)
    assert AuditLog.objects.count() == before
    assert not plan.lines.filter(items__name="新项目").exists()


def test_items_may_not_exceed_their_line(world):
    plan = make_plan(world, issue=False)
    with pytest.raises(ValidationError, match="超过该科目预算"):
        services.plan_set_budget(
            actor=world.owner,
            plan=plan,
            lines={"publicity": D("500000.00"), "training": D("1000000.00")},
            items=[
                {"category": "publicity", "name": "超额", "implementer_kind": "publicity", "amount": D("500000.01")}
            ],
        )


def test_issue_and_freeze(client, world):
    plan = make_plan(world, issue=False)
    client.force_login(world.owner)
    client.post(reverse("plans:transition", args=[plan.pk]), {"action": "issue"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=world.owner, plan=plan, data={"title": "改"})
    entry = AuditLog.objects.for_object(plan).filter(action="transition").get()
    assert entry.extra["from"] == "draft" and entry.extra["to"] == "issued"


def test_issue_refused_without_document_number(world):
    plan = make_plan(world, issue=False)
    services.plan_update(actor=world.owner, plan=plan, data={"doc_number": ""})
    with pytest.raises(ValidationError, match="文号"):
        services.plan_transition(plan=plan, action="issue", actor=world.owner)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.parametrize(
    ("status", "action", "role", "allowed"),
    [
        ("draft", "issue", "owner", True),
        ("draft", "issue", "agency", False),
        ("draft", "close", "owner", False),
        ("issued", "withdraw", "owner", True),
        ("issued", "close", "owner", True),
        ("issued", "close", "partner", False),
        ("issued", "issue", "owner", False),
        ("closed", "reopen", "owner", True),
        ("closed", "withdraw", "owner", False),
    ],
)
def test_transition_table(world, status, action, role, allowed):
    plan = make_plan(world, issue=status != "draft")
    if status == "closed":
        services.plan_transition(plan=plan, action="close", actor=world.owner)
    try:
        services.plan_transition(plan=plan, action=action, actor=world.users[role], note="说明")
    except (ValidationError, PermissionDenied):
        assert not allowed
    else:
        assert allowed


def test_plan_page_budget_and_exports(client, world):
    plan = make_plan(world)
    client.force_login(world.users["partner"])
    page = client.get(reverse("plans:detail", args=[plan.pk])).text
    assert "危险化学品企业工伤预防线下培训" in page and "execution-chart" in page
    xlsx = client.get(reverse("plans:fund_table", args=[plan.pk, "xlsx"]))
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "工伤预防宣传" in values and "50 万元" in values and "100 万元" in values
    pdf = client.get(reverse("plans:fund_table", args=[plan.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # Providers read the public plan but not who was paid what.
    client.force_login(world.users["provider_a"])
    page = client.get(reverse("plans:detail", args=[plan.pk])).text
    assert "危险化学品企业工伤预防线下培训" in page and "execution-chart" not in page


def test_plan_api(client, world):
    plan = make_plan(world)
    client.force_login(world.users["district_a"])
    data = client.get(f"/api/v1/plans/{plan.pk}").json()
    assert data["fund_amount"] == "1500000.00"
    assert [line["category"] for line in data["lines"]] == ["publicity", "training"]
    assert data["lines"][1]["items"][0]["committed"] == "0.00"
    # Enterprises read the public plan without the execution figures.
    client.force_login(world.users["enterprise_a"])
    assert client.get(f"/api/v1/plans/{plan.pk}").json()["lines"][0]["committed"] is None
    response = client.post(f"/api/v1/plans/{plan.pk}/transition", {"action": "close"}, content_type="application/json")
    assert response.status_code == 403


def test_budget_form_shows_the_difference(client, world):
    plan = make_plan(world, issue=False)
    client.force_login(world.owner)
    response = client.post(
        reverse("plans:budget", args=[plan.pk]),
        {
            "line_publicity": "500000.00",
            "line_training": "900000.00",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
        },
    )
    assert "与提取额度 1,500,000.00 元 不一致" in response.text


def test_year_must_be_unique_per_city(world):
    make_plan(world)
    with pytest.raises(ValidationError):
        make_plan(world)


def test_api_refuses_a_plan_above_the_cap_with_the_ceilings(client, world):
    client.force_login(world.owner)
    body = {
        "city_id": world.city.pk,
        "year": 2026,
        "title": "2026年度方案",
        "fund_amount": "2550000.00",
        "premium_income": "50000000.00",
    }
    response = client.post("/api/v1/plans", body, content_type="application/json")
    assert response.status_code == 422
    assert "fund_amount" in response.json()["errors"] and "2,500,000.00 元" in response.json()["detail"]
    response = client.post("/api/v1/plans", {**body, "fund_amount": "1500000.00"}, content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    bad = client.put(
        f"/api/v1/plans/{pk}/budget",
        {"lines": {"publicity": "500000.00", "training": "900000.00"}, "items": []},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "不一致" in bad.json()["detail"]
    good = client.put(
        f"/api/v1/plans/{pk}/budget",
        {
            "lines": {"publicity": "500000.00", "training": "1000000.00"},
            "items": [
                {"category": "training", "name": "线上培训", "implementer_kind": "training", "amount": "200000.00"}
            ],
        },
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["lines"][1]["items"][0]["name"] == "线上培训"
    client.force_login(world.users["agency"])
    assert client.patch(f"/api/v1/plans/{pk}", {"title": "x"}, content_type="application/json").status_code == 403


def hostile_plan(world):
    plan = make_plan(world)
    BudgetItem.objects.filter(line__plan=plan, name__contains="危险化学品").update(
        name='=HYPERLINK("http://evil.example","x")',
        description="<img src=x> <font size=40>大</font>\n第二行",
        remarks="@SUM(A1)",
    )
    return plan


def test_fund_table_excel_writes_what_people_typed_as_text(client, world):
    plan = hostile_plan(world)
    client.force_login(world.owner)
    xlsx = client.get(reverse("plans:fund_table", args=[plan.pk, "xlsx"]))
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    found = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    for value in ('=HYPERLINK("http://evil.example","x")', "@SUM(A1)"):
        assert found[value].data_type == "s"


def test_fund_table_pdf_prints_markup_as_typed(client, world, monkeypatch):
    plan = hostile_plan(world)
    texts = []

    def recording_paragraph(text, *args, **kwargs):
        texts.append(text)
        return Paragraph(text, *args, **kwargs)

    monkeypatch.setattr(documents, "Paragraph", recording_paragraph)
    client.force_login(world.owner)
    # <img src=x> made reportlab fail: a 500.
    pdf = client.get(reverse("plans:fund_table", args=[plan.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    cell = next(t for t in texts if "img" in t)
    assert cell == "&lt;img src=x&gt; &lt;font size=40&gt;大&lt;/font&gt;<br/>第二行"


def test_the_budget_of_an_issued_plan_is_greyed_out_with_the_reason_the_service_refuses_with(client, world):
    plan = make_plan(world, issue=False)
    client.force_login(world.owner)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert 'data-testid="edit-budget"' in html
    services.plan_transition(plan=plan, action="issue", actor=world.owner)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    with pytest.raises(PermissionDenied) as refused:
        services.plan_set_budget(actor=world.owner, plan=plan, lines={}, items=[])
    assert str(refused.value) == "已印发的实施方案不能修改；如需调整，请先撤回为草稿。"
    assert 'data-testid="edit-budget"' not in html and str(refused.value) in html
    assert client.get(reverse("plans:budget", args=[plan.pk])).status_code == 403
