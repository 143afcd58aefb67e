import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yufang.accounts import services as accounts_services
from yufang.accounts.models import OrganisationKind
from yufang.core.audit import history
from yufang.plans.models import BudgetEntry
from yufang.plans.tests.factories import item, make_plan
from yufang.providers import services
from yufang.providers.debarment import provider_is_debarred
from yufang.providers.models import (
    AgreementStatus,
    DebarmentStatus,
    ProcurementRule,
    Qualification,
    QualificationKind,
    ServiceAgreement,
    TeamMember,
)

from .factories import (
    add_qualification,
    agreement_data,
    debar,
    indicators,
    make_agreement,
    make_procurement,
    make_profile,
    ready_provider,
    signed_agreement,
    to_confirmed,
)

D = Decimal


def today():
    return timezone.localdate()


# --- Registration and profile -----------------------------------------------------------------


def test_wrong_credit_code_is_refused(world):
    with pytest.raises(ValidationError, match="统一社会信用代码无效"):
        accounts_services.organisation_create(
            actor=world.users["agency"],
            data={
                "kind": OrganisationKind.PROVIDER,
                "name": "错误代码培训学校",
                "credit_code": "91370300MA3C0XXXX1",
                "city": world.city,
            },
        )


def test_profile_is_kept_by_the_provider_and_verified_by_the_agency(world):
    profile = make_profile(world, "a", verify=False)
    with pytest.raises(PermissionDenied):
        services.provider_profile_update(
            profile=profile, data={"legal_representative": "冒名"}, actor=world.users["provider_b"]
        )
    with pytest.raises(PermissionDenied, match="核验"):
        services.provider_profile_transition(profile=profile, action="verify", actor=world.users["provider_a"])
    services.provider_profile_transition(
        profile=profile, action="return", actor=world.users["agency"], note="开户许可证与账户名称不一致"
    )
    assert profile.status == "returned" and profile.return_reason == "开户许可证与账户名称不一致"
    services.provider_profile_update(
        profile=profile, data={"bank_account_name": "测试服务机构a"}, actor=world.users["provider_a"]
    )
    services.provider_profile_transition(profile=profile, action="resubmit", actor=world.users["provider_a"])
    services.provider_profile_transition(profile=profile, action="verify", actor=world.users["agency"])
    assert profile.status == "verified" and profile.return_reason == ""
    with pytest.raises(PermissionDenied, match="申请变更"):
        services.provider_profile_update(profile=profile, data={"contacts": "x"}, actor=world.users["provider_a"])
    labels = [h.extra.get("label") for h in history(profile)]
    assert {"核验通过", "退回", "重新提交核验"} <= set(labels)
    created = history(profile).get(action="create")
    assert created.changes["bank_account"][1] == "***************0123"


def test_profile_only_for_provider_organisations(world):
    with pytest.raises(ValidationError, match="不是工伤预防服务机构"):
        services.provider_profile_create(
            organisation=world.orgs["enterprise_a"],
            data={"kind": "training", "legal_representative": "某"},
            actor=world.users["agency"],
        )


# --- Qualifications ---------------------------------------------------------------------------


def test_document_must_be_pdf_or_jpg(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match="PDF 或 JPG"):
        services.qualification_create(
            provider=world.orgs["provider_a"],
            data={
                "kind": QualificationKind.BUSINESS_LICENCE,
                "valid_from": datetime.date(2020, 1, 1),
                "document": SimpleUploadedFile("licence.docx", b"x"),
            },
            actor=world.users["provider_a"],
        )
    assert not Qualification.objects.exists()


def test_expired_training_qualification_blocks_a_new_agreement_naming_it(world):
    make_profile(world, "a")
    add_qualification(world, "a", QualificationKind.BUSINESS_LICENCE)
    add_qualification(world, "a", QualificationKind.TRAINING, valid_to=today() - datetime.timedelta(days=1))
    plan = make_plan(world)
    with pytest.raises(ValidationError) as e:
        services.agreement_create(data=agreement_data(world, item(plan, "重点行业")), actor=world.users["agency"])
    message = str(e.value)
    assert "「培训资质」已于" in message and "过期" in message
    assert not ServiceAgreement.objects.exists()


def test_hazchem_item_needs_the_hazchem_qualification_and_publicity_only_a_licence(world):
    ready_provider(world, "a", hazchem=False)
    plan = make_plan(world)
    with pytest.raises(ValidationError, match="缺少「危险化学品培训机构条件"):
        services.agreement_create(data=agreement_data(world, item(plan, "危险化学品")), actor=world.users["agency"])
    services.agreement_create(data=agreement_data(world, item(plan, "重点行业")), actor=world.users["agency"])
    # A publicity item asks only for the business licence.
    Qualification.objects.filter(kind=QualificationKind.TRAINING).delete()
    services.agreement_create(data=agreement_data(world, item(plan, "新媒体")), actor=world.users["agency"])


def test_missing_business_licence_is_named(world):
    make_profile(world, "a")
    plan = make_plan(world)
    with pytest.raises(ValidationError, match="缺少「营业执照」"):
        services.agreement_create(data=agreement_data(world, item(plan, "新媒体")), actor=world.users["agency"])


def test_qualification_expiring_within_60_days_is_on_the_agency_todo(world, client):
    add_qualification(world, "a", QualificationKind.TRAINING, valid_to=today() + datetime.timedelta(days=30))
    add_qualification(world, "b", QualificationKind.TRAINING, valid_to=today() + datetime.timedelta(days=90))
    from yufang.core.registry import todos_for

    todo = next(t for t in todos_for(world.users["agency"]) if "即将到期" in t.title)
    assert todo.count == 1 and "测试服务机构a" in todo.detail
    assert not [t for t in todos_for(world.users["provider_a"]) if "即将到期" in t.title]


# --- Procurement ------------------------------------------------------------------------------


def test_single_source_needs_a_legal_ground(world):
    plan = make_plan(world)
    with pytest.raises(ValidationError, match="单一来源方式的，须写明理由及法律依据"):
        make_procurement(world, plan, method="single_source")
    p = make_procurement(
        world, plan, method="single_source", legal_ground="《政府采购法》第三十一条：只能从唯一供应商处采购。"
    )
    assert list(p.candidates.all()) == [world.orgs["provider_a"]]


def test_procurement_rule_is_quoted_when_broken(world):
    services.procurement_rule_create(
        data={
            "name": "公开招标限额",
            "min_amount": D("400000.00"),
            "methods": "open_tender",
            "legal_basis": "山东省政府集中采购目录及标准",
        },
        actor=world.owner,
    )
    with pytest.raises(PermissionDenied):
        services.procurement_rule_create(
            data={"name": "x", "min_amount": D("1"), "methods": "open_tender", "legal_basis": "x"},
            actor=world.users["agency"],
        )
    plan = make_plan(world)
    make_procurement(world, plan, amount=D("399999.99"))
    with pytest.raises(ValidationError) as e:
        make_procurement(world, plan, amount=D("480000.00"))
    assert (
        "公开招标限额" in str(e.value) and "400,000.00 元" in str(e.value) and "山东省政府集中采购目录" in str(e.value)
    )
    make_procurement(world, plan, amount=D("480000.00"), method="open_tender")
    assert ProcurementRule.objects.count() == 1


def test_procurement_over_the_item_is_refused(world):
    with pytest.raises(ValidationError, match="超过预算项目"):
        make_procurement(world, amount=D("500000.01"))


# --- Debarment --------------------------------------------------------------------------------


def test_debarment_lasts_three_years_and_overlaps_are_refused(world):
    entry = debar(world, "a", start=datetime.date(2024, 3, 1))
    assert entry.end_date == datetime.date(2027, 3, 1)
    with pytest.raises(ValidationError, match="期间重叠"):
        debar(world, "a", start=datetime.date(2026, 12, 1), decision_number="另一文号")
    # Back to back is not an overlap.
    debar(world, "a", start=datetime.date(2027, 3, 1), decision_number="后续文号")
    with pytest.raises(PermissionDenied):
        services.debarment_create(
            provider=world.orgs["provider_b"],
            ground="breach_of_law",
            decision_number="x",
            decided_by="x",
            start_date=today(),
            actor=world.users["agency"],
        )


def test_provider_is_debarred_on_dates_and_after_lifting(world):
    entry = debar(world, "a", start=datetime.date(2024, 3, 1))
    provider = world.orgs["provider_a"]
    assert provider_is_debarred(provider, datetime.date(2024, 2, 29)) is None
    assert provider_is_debarred(provider, datetime.date(2024, 3, 1)) == entry
    assert provider_is_debarred(provider, datetime.date(2027, 3, 1)) is None
    with pytest.raises(ValidationError, match="请填写说明"):
        services.debarment_transition(debarment=entry, action="lift", actor=world.owner)
    services.debarment_transition(debarment=entry, action="lift", actor=world.owner, note="行政复议撤销原决定")
    assert entry.status == DebarmentStatus.LIFTED and entry.lifted_on == today()
    assert provider_is_debarred(provider, today()) is None
    assert provider_is_debarred(provider, today() - datetime.timedelta(days=1)) == entry


def test_debarred_provider_is_refused_at_every_step(world):
    ready_provider(world, "a")
    plan = make_plan(world)
    agreement = make_agreement(world, plan)
    to_confirmed(world, agreement)
    entry = debar(world, "a")
    quoted = f"不能选择该机构：{entry.quote()}"
    assert "评估验收不合格" in quoted and entry.decision_number in quoted
    # Procurement choice.
    with pytest.raises(ValidationError) as e:
        make_procurement(world, plan, decided_on=today(), started_on=today())
    assert quoted in str(e.value)
    # A new agreement.
    with pytest.raises(ValidationError) as e:
        make_agreement(world, plan)
    assert quoted in str(e.value)
    # Signing the one already confirmed: refused, nothing committed.
    with pytest.raises(ValidationError) as e:
        services.agreement_transition(agreement=agreement, action="sign", actor=world.users["agency"])
    assert quoted in str(e.value)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CONFIRMED and agreement.committed == 0
    assert not BudgetEntry.objects.exists()


# --- Agreements -------------------------------------------------------------------------------


def test_agreement_prefills_model_clauses_and_numbers(world):
    ready_provider(world, "a")
    agreement = make_agreement(world)
    assert agreement.number.startswith("GSYF-2023-") and agreement.advance_percent == D("30.00")
    assert "预付" in agreement.payment_terms and "30%" in agreement.payment_terms
    assert "培训档案" in agreement.reporting_duties and "三年内不得从事" in agreement.liability
    assert agreement.indicators.count() == 2 and agreement.team.count() == 1


def test_signing_commits_the_price_and_termination_releases_it(world):
    plan = make_plan(world)
    agreement = signed_agreement(world, plan, price=D("480000.00"))
    hazchem = item(plan, "危险化学品")
    assert (agreement.status, agreement.committed, agreement.signed_on) == (
        AgreementStatus.SIGNED,
        D("480000.00"),
        today(),
    )
    assert hazchem.committed == D("480000.00")
    entry = BudgetEntry.objects.get(item=hazchem)
    assert entry.kind == "commit" and entry.source_id == str(agreement.pk)
    services.agreement_transition(agreement=agreement, action="activate", actor=world.users["agency"])
    services.agreement_transition(
        agreement=agreement, action="terminate", actor=world.users["agency"], note="双方协商一致解除"
    )
    hazchem.refresh_from_db()
    agreement.refresh_from_db()
    assert hazchem.committed == 0 and agreement.committed == 0
    assert agreement.termination_reason == "双方协商一致解除"


def test_agreement_over_the_remaining_budget_is_refused(world):
    plan = make_plan(world)
    signed_agreement(world, plan, price=D("400000.00"))
    with pytest.raises(ValidationError, match="超过预算项目「危险化学品企业工伤预防线下培训」的剩余额度 100,000.00 元"):
        make_agreement(world, plan, price=D("100000.01"))


def test_signing_over_the_remaining_budget_is_refused_and_nothing_half_saved(world):
    plan = make_plan(world)
    ready_provider(world, "a")
    first = make_agreement(world, plan, price=D("300000.00"))
    second = make_agreement(world, plan, price=D("300000.00"))
    for a in (first, second):
        to_confirmed(world, a)
    services.agreement_transition(agreement=first, action="sign", actor=world.users["agency"])
    with pytest.raises(ValidationError, match="剩余 200,000.00 元，不足 300,000.00 元"):
        services.agreement_transition(agreement=second, action="sign", actor=world.users["agency"])
    second.refresh_from_db()
    assert second.status == AgreementStatus.CONFIRMED and second.signed_on is None and second.committed == 0
    assert BudgetEntry.objects.count() == 1
    assert not [h for h in history(second) if h.event == "sign"]


def test_another_provider_cannot_confirm(world):
    ready_provider(world, "a")
    agreement = make_agreement(world)
    services.agreement_transition(agreement=agreement, action="send", actor=world.users["agency"])
    with pytest.raises(PermissionDenied, match="只有本协议的服务机构"):
        services.agreement_transition(agreement=agreement, action="confirm", actor=world.users["provider_b"])
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SENT


def test_signing_needs_a_verified_profile(world):
    ready_provider(world, "a")
    agreement = make_agreement(world)
    to_confirmed(world, agreement)
    profile = world.orgs["provider_a"].provider_profile
    services.provider_profile_transition(profile=profile, action="reopen", actor=world.users["provider_a"])
    with pytest.raises(ValidationError, match="尚未经经办机构核验"):
        services.agreement_transition(agreement=agreement, action="sign", actor=world.users["agency"])


def test_cannot_sign_twice(world):
    agreement = signed_agreement(world)
    with pytest.raises(ValidationError, match="当前状态为「已签订」"):
        services.agreement_transition(agreement=agreement, action="sign", actor=world.users["agency"])
    assert BudgetEntry.objects.count() == 1


def test_signed_agreement_is_frozen_and_changes_by_amendment(world):
    plan = make_plan(world)
    agreement = signed_agreement(world, plan, price=D("400000.00"))
    with pytest.raises(PermissionDenied, match="只能通过协议变更"):
        services.agreement_update(agreement=agreement, data={"price": D("1.00")}, actor=world.users["agency"])
    with pytest.raises(PermissionDenied):
        services.agreement_set_indicators(agreement=agreement, indicators=indicators(), actor=world.users["agency"])
    with pytest.raises(PermissionDenied, match="原则上不更换"):
        services.team_member_add(agreement=agreement, name="李", role="讲师", actor=world.users["provider_a"])
    hazchem = item(plan, "危险化学品")
    amendment = services.agreement_amend(
        agreement=agreement,
        reason="增加实操培训场次",
        data={"price": D("480000.00"), "period_end": datetime.date(2024, 1, 31)},
        actor=world.users["agency"],
    )
    hazchem.refresh_from_db()
    agreement.refresh_from_db()
    assert amendment.sequence == 1 and amendment.old_price == D("400000.00")
    assert set(amendment.changes) == {"price", "period_end"}
    assert hazchem.committed == D("480000.00") == agreement.committed
    with pytest.raises(ValidationError, match="剩余 20,000.00 元，不足 30,000.00 元"):
        services.agreement_amend(
            agreement=agreement, reason="再增加", data={"price": D("510000.00")}, actor=world.users["agency"]
        )
    services.agreement_amend(
        agreement=agreement, reason="减少场次", data={"price": D("450000.00")}, actor=world.users["agency"]
    )
    hazchem.refresh_from_db()
    assert hazchem.committed == D("450000.00")
    assert list(BudgetEntry.objects.order_by("pk").values_list("kind", "amount")) == [
        ("commit", D("400000.00")),
        ("commit", D("80000.00")),
        ("release", D("30000.00")),
    ]


def test_team_change_after_signing_is_a_request_with_history(world):
    agreement = signed_agreement(world)
    member = agreement.team.get()
    with pytest.raises(PermissionDenied):
        services.team_change_request_create(
            agreement=agreement, reason="x", remove=member, actor=world.users["provider_b"]
        )
    request = services.team_change_request_create(
        agreement=agreement,
        reason="原负责人调离",
        remove=member,
        add_name="王老师",
        add_role="项目负责人",
        phone="13912345678",
        actor=world.users["provider_a"],
    )
    with pytest.raises(ValidationError, match="已有待审核"):
        services.team_change_request_create(
            agreement=agreement, reason="又一次", add_name="赵", add_role="讲师", actor=world.users["provider_a"]
        )
    with pytest.raises(PermissionDenied, match="经办机构审核"):
        services.team_change_transition(request=request, action="approve", actor=world.users["provider_a"])
    services.team_change_transition(request=request, action="approve", actor=world.users["agency"])
    member.refresh_from_db()
    assert not member.is_active and member.left_on == today()
    assert TeamMember.objects.filter(agreement=agreement, is_active=True).get().name == "王老师"
    assert TeamMember.objects.filter(agreement=agreement).count() == 2  # the history stays
    created = history(request).get(action="create")
    assert created.changes["phone"][1] == "139****5678"


def test_money_is_constrained_in_the_database(world):
    from django.db import IntegrityError, transaction

    agreement = make_agreement(world) if ready_provider(world, "a") else None
    for field, value in (("price", D("0")), ("advance_percent", D("100.01")), ("advance_percent", D("-1"))):
        with pytest.raises(IntegrityError), transaction.atomic():
            ServiceAgreement.objects.filter(pk=agreement.pk).update(**{field: value})
