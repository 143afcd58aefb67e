import datetime
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yufang.plans.tests.factories import item, make_plan
from yufang.providers.debarment import ensure_not_debarred, provider_is_debarred
from yufang.providers.models import AgreementStatus, Procurement, ProviderProfile, ServiceAgreement

from .factories import debar, make_agreement, make_profile, pdf, ready_provider, signed_agreement, to_confirmed

D = Decimal


def test_agency_takes_a_provider_from_registration_to_a_signed_agreement(world, client):
    plan = make_plan(world)
    hazchem = item(plan, "危险化学品")
    client.force_login(world.users["agency"])
    org = world.orgs["provider_a"]
    r = client.post(
        reverse("providers:provider_create"),
        {
            "organisation": org.pk,
            "kind": "training",
            "legal_representative": "刘法人",
            "bank_account": "6222000011112222",
        },
    )
    profile = ProviderProfile.objects.get(organisation=org)
    assert r.status_code == 302
    client.post(reverse("providers:provider_transition", args=[profile.pk]), {"action": "verify"})
    profile.refresh_from_db()
    assert profile.status == "verified"
    for kind in ("business_licence", "training", "hazchem"):
        r = client.post(
            reverse("providers:qualification_create", args=[profile.pk]),
            {"kind": kind, "valid_from": "2021-01-01", "valid_to": "2030-12-31", "document": pdf(f"{kind}.pdf")},
        )
        assert r.status_code == 302, r.content.decode()
    r = client.post(
        reverse("providers:procurement_create"),
        {
            "item": hazchem.pk,
            "method": "competitive_consultation",
            "amount": "480000.00",
            "started_on": "2023-08-20",
            "decided_on": "2023-09-01",
            "chosen": org.pk,
            "candidates": [org.pk, world.orgs["provider_b"].pk],
        },
    )
    assert r.status_code == 302, r.content.decode()
    procurement = Procurement.objects.get()
    assert procurement.candidates.count() == 2
    r = client.post(
        reverse("providers:agreement_create"),
        {
            "title": "危险化学品企业工伤预防线下培训服务协议",
            "item": hazchem.pk,
            "provider": org.pk,
            "procurement": procurement.pk,
            "content": "对危险化学品重点企业重点岗位人员开展线下培训及实操培训。",
            "period_start": "2023-09-01",
            "period_end": "2023-12-31",
            "price": "480000.00",
            "advance_percent": "30",
        },
    )
    assert r.status_code == 302, r.content.decode()
    agreement = ServiceAgreement.objects.get()
    assert "预付" in agreement.payment_terms
    formset = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    formset.update(
        {"form-0-kind": "sessions", "form-0-planned": "12", "form-1-kind": "people_trained", "form-1-planned": ""}
    )
    assert client.post(reverse("providers:agreement_indicators", args=[agreement.pk]), formset).status_code == 302
    assert agreement.indicators.count() == 1
    client.post(
        reverse("providers:agreement_team_add", args=[agreement.pk]),
        {"name": "王讲师", "role": "项目负责人", "phone": "13812345678"},
    )
    client.post(reverse("providers:agreement_transition", args=[agreement.pk]), {"action": "send"})
    client.force_login(world.users["provider_a"])
    client.post(reverse("providers:agreement_transition", args=[agreement.pk]), {"action": "confirm"})
    client.force_login(world.users["agency"])
    page = client.get(reverse("providers:agreement_detail", args=[agreement.pk])).content.decode()
    assert "预算 500,000.00 元 · 已承诺 0.00 元" in page and 'data-testid="action-sign"' in page
    client.post(reverse("providers:agreement_transition", args=[agreement.pk]), {"action": "sign"})
    agreement.refresh_from_db()
    hazchem.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED and hazchem.committed == D("480000.00")
    page = client.get(reverse("providers:agreement_detail", args=[agreement.pk])).content.decode()
    assert "已承诺 480,000.00 元" in page and "剩余可承诺 <strong>20,000.00</strong>" in page
    response = client.get(reverse("providers:agreement_pdf", args=[agreement.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_refusals_are_shown_in_chinese_and_nothing_is_saved(world, client):
    plan = make_plan(world)
    ready_provider(world, "a")
    entry = debar(world, "a")
    client.force_login(world.users["agency"])
    response = client.post(
        reverse("providers:procurement_create"),
        {
            "item": item(plan, "危险化学品").pk,
            "method": "competitive_consultation",
            "amount": "100000.00",
            "started_on": timezone.localdate().isoformat(),
            "decided_on": timezone.localdate().isoformat(),
            "chosen": world.orgs["provider_a"].pk,
        },
    )
    assert response.status_code == 200
    assert entry.decision_number in response.content.decode() and "不能选择该机构" in response.content.decode()
    assert not Procurement.objects.exists()
    profile = world.orgs["provider_a"].provider_profile
    page = client.get(reverse("providers:provider_detail", args=[profile.pk])).content.decode()
    assert 'data-testid="debarred"' in page and entry.decision_number in page


def test_sign_refusal_is_a_message_on_the_page(world, client):
    plan = make_plan(world)
    ready_provider(world, "a")
    agreement = to_confirmed(world, make_agreement(world, plan))
    debar(world, "a")
    client.force_login(world.users["agency"])
    response = client.post(
        reverse("providers:agreement_transition", args=[agreement.pk]), {"action": "sign"}, follow=True
    )
    assert "禁入名单" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CONFIRMED


def test_buttons_show_why_a_role_may_not_act(world, client):
    agreement = signed_agreement(world)
    client.force_login(world.users["partner"])
    page = client.get(reverse("providers:agreement_detail", args=[agreement.pk])).content.decode()
    assert "只有经办机构可以办理服务协议的签订与管理" in page and "disabled" in page


def test_other_provider_cannot_reach_or_confirm(world, client):
    ready_provider(world, "a")
    agreement = make_agreement(world)
    client.force_login(world.users["agency"])
    client.post(reverse("providers:agreement_transition", args=[agreement.pk]), {"action": "send"})
    client.force_login(world.users["provider_b"])
    assert (
        client.post(reverse("providers:agreement_transition", args=[agreement.pk]), {"action": "confirm"}).status_code
        == 404
    )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SENT


def test_bank_account_and_phones_are_masked_unless_needed(world, client):
    profile = make_profile(world, "a")
    agreement = signed_agreement(world)
    url = reverse("providers:provider_detail", args=[profile.pk])
    client.force_login(world.users["partner"])
    assert "***************0123" in client.get(url).content.decode()
    assert "1603001234567890123" not in client.get(url).content.decode()
    export = client.get(reverse("providers:provider_list"), {"export": "xlsx"})
    cells = {
        str(c) for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row
    }
    assert "***************0123" in cells and "1603001234567890123" not in cells
    page = client.get(reverse("providers:agreement_detail", args=[agreement.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    client.force_login(world.users["agency"])
    assert "1603001234567890123" in client.get(url).content.decode()
    assert "13812345678" in client.get(reverse("providers:agreement_detail", args=[agreement.pk])).content.decode()


def test_signed_agreement_edit_page_refuses_and_amend_page_works(world, client):
    plan = make_plan(world)
    agreement = signed_agreement(world, plan, price=D("400000.00"))
    client.force_login(world.users["agency"])
    assert client.get(reverse("providers:agreement_edit", args=[agreement.pk])).status_code == 403
    data = {
        "reason": "增加场次",
        "content": agreement.content,
        "period_start": "2023-09-01",
        "period_end": "2023-12-31",
        "price": "450000.00",
        "advance_percent": "30.00",
        "payment_terms": agreement.payment_terms,
    }
    assert client.post(reverse("providers:agreement_amend", args=[agreement.pk]), data).status_code == 302
    assert item(plan, "危险化学品").committed == D("450000.00")
    # The amendment record reads as the agreement's history does: Chinese field names, money
    # and dates as shown elsewhere, never the stored keys.
    page = client.get(reverse("providers:agreement_detail", args=[agreement.pk])).content.decode()
    record = page.split("协议变更记录", 1)[1].split("</section>", 1)[0]
    assert "协议金额（元）：400,000.00 → 450,000.00" in record
    assert "price" not in record and "period_end" not in record and "<code>" not in record


def test_expiring_qualification_todo_on_home_page(world, client):
    from .factories import add_qualification

    add_qualification(world, "a", "training", valid_to=timezone.localdate() + datetime.timedelta(days=20))
    client.force_login(world.users["agency"])
    page = client.get(reverse("core:home")).content.decode()
    assert "服务机构资质即将到期（60 天内）" in page
    listing = client.get(reverse("providers:qualification_list"), {"expiring": "soon"}).content.decode()
    assert "测试服务机构a" in listing


def test_rules_page_is_the_owners_to_edit(world, client):
    client.force_login(world.owner)
    r = client.post(
        reverse("providers:rule_list"),
        {
            "name": "公开招标限额",
            "min_amount": "400000",
            "methods": ["open_tender"],
            "legal_basis": "集中采购目录",
            "is_active": "on",
        },
    )
    assert r.status_code == 302
    client.force_login(world.users["agency"])
    page = client.get(reverse("providers:rule_list")).content.decode()
    assert "公开招标限额" in page and "新增规则" not in page
    assert client.post(reverse("providers:rule_list"), {"name": "x"}).status_code == 403


def test_every_page_renders(world, client):
    plan = make_plan(world)
    agreement = signed_agreement(world, plan)
    profile = world.orgs["provider_a"].provider_profile
    debar(world, "b")
    from .factories import make_procurement

    procurement = make_procurement(world, plan)
    pages = [
        reverse("providers:provider_list"),
        reverse("providers:provider_create"),
        reverse("providers:qualification_list"),
        reverse("providers:qualification_create", args=[profile.pk]),
        reverse("providers:procurement_list"),
        reverse("providers:procurement_create"),
        reverse("providers:procurement_edit", args=[procurement.pk]),
        reverse("providers:rule_list"),
        reverse("providers:debarment_list"),
        reverse("providers:agreement_list"),
        reverse("providers:agreement_create"),
        reverse("providers:agreement_detail", args=[agreement.pk]),
        reverse("providers:agreement_amend", args=[agreement.pk]),
        reverse("providers:agreement_team_change", args=[agreement.pk]),
        reverse("core:home"),
    ]
    client.force_login(world.users["agency"])
    for url in pages:
        assert client.get(url).status_code == 200, url
    client.force_login(world.owner)
    assert client.get(reverse("providers:debarment_create")).status_code == 200
    assert client.get(reverse("providers:rule_list")).status_code == 200
    client.force_login(world.users["provider_a"])
    for url in (reverse("providers:my_profile"), reverse("providers:agreement_list"), reverse("core:home")):
        assert client.get(url, follow=True).status_code == 200, url
    response = client.get(reverse("providers:agreement_list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert response.status_code == 200 and agreement.number in response.content.decode()
    assert "<html" not in response.content.decode()


def test_unknown_ids_in_the_address_are_a_404_not_a_500(world, client):
    agreement = signed_agreement(world, make_plan(world))
    client.force_login(world.users["agency"])
    response = client.post(
        reverse("providers:team_change_transition", args=[agreement.pk, 999999]), {"action": "approve"}
    )
    assert response.status_code == 404
    client.force_login(world.owner)
    assert client.get(reverse("providers:rule_edit", args=[999999])).status_code == 404


def test_an_exclusion_past_its_end_shows_as_ended_no_longer_blocks_and_stays_in_history(client, world):
    """Issue 11 item 5: a debarment whose end date has passed is shown as 已期满, lets the provider
    work again and cannot be lifted; the register keeps it."""
    import pytest
    from django.core.exceptions import PermissionDenied

    from yufang.providers import services

    ended = debar(world, "a", start=timezone.localdate() - datetime.timedelta(days=3 * 366 + 10))
    current = debar(world, "b")
    assert ended.is_ended and ended.state_label == "已期满" and not current.is_ended
    assert provider_is_debarred(world.orgs["provider_a"], timezone.localdate()) is None
    ensure_not_debarred(world.orgs["provider_a"], timezone.localdate())  # no longer blocks
    with pytest.raises(PermissionDenied, match="届满，无需解除"):
        services.debarment_transition(debarment=ended, action="lift", actor=world.owner, note="期满解除")
    client.force_login(world.owner)
    page = client.get(reverse("providers:debarment_list")).text
    assert "已期满" in page and "生效中" in page
    ended_only = client.get(reverse("providers:debarment_list") + "?status=ended").text
    assert ended.decision_number in ended_only and current.decision_number not in ended_only
    in_force = client.get(reverse("providers:debarment_list") + "?status=in_force").text
    assert current.decision_number in in_force and ended.decision_number not in in_force
    detail = client.get(ended.get_absolute_url()).text
    assert 'data-testid="debarment-state">已期满' in detail and "不再限制" in detail
    assert "届满，无需解除" in detail  # the lift button is shown disabled with the reason
