"""Provider test data, built through the real services."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yufang.plans.models import BudgetItem
from yufang.plans.tests.factories import item, make_plan
from yufang.providers import services
from yufang.providers.models import ProviderProfile, QualificationKind, ServiceAgreement
from yufang.reference.models import Industry, Position

D = Decimal
PRICE = D("100000.00")


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


def make_profile(world, side: str = "a", *, kind: str = "both", verify: bool = True) -> ProviderProfile:
    org = world.orgs[f"provider_{side}"]
    profile = ProviderProfile.objects.filter(organisation=org).first()
    if profile is None:
        profile = services.provider_profile_create(
            organisation=org,
            data={
                "kind": kind,
                "legal_representative": f"法人{side}",
                "bank_name": "中国工商银行淄博分行",
                "bank_account_name": org.name,
                "bank_account": "1603001234567890123",
            },
            actor=world.users[f"provider_{side}"],
        )
    if verify and profile.status == "pending":
        services.provider_profile_transition(profile=profile, action="verify", actor=world.users["agency"])
    return profile


def add_qualification(world, side: str, kind: str, *, valid_to: datetime.date | None = None, valid_from=None):
    return services.qualification_create(
        provider=world.orgs[f"provider_{side}"],
        data={
            "kind": kind,
            "number": f"{kind}-{side}",
            "issuer": "淄博市行政审批服务局",
            "valid_from": valid_from or datetime.date(2020, 1, 1),
            "valid_to": valid_to,
            "document": pdf(),
        },
        actor=world.users["agency"],
    )


def ready_provider(world, side: str = "a", *, hazchem: bool = True) -> ProviderProfile:
    """A verified provider with a valid business licence and training qualification (and the
    hazardous-chemicals one unless told otherwise)."""
    profile = make_profile(world, side)
    future = timezone.localdate() + datetime.timedelta(days=400)
    add_qualification(world, side, QualificationKind.BUSINESS_LICENCE)
    add_qualification(world, side, QualificationKind.TRAINING, valid_to=future)
    if hazchem:
        add_qualification(world, side, QualificationKind.HAZCHEM, valid_to=future)
    return profile


def agreement_data(world, budget_item: BudgetItem, side: str = "a", price: Decimal = PRICE) -> dict:
    return {
        "title": f"{budget_item.name}服务协议",
        "item": budget_item,
        "provider": world.orgs[f"provider_{side}"],
        "content": f"承担{budget_item.name}。",
        "period_start": datetime.date(2023, 9, 1),
        "period_end": datetime.date(2023, 12, 31),
        "price": price,
    }


def indicators() -> list[dict]:
    return [
        {"kind": "sessions", "planned": 10},
        {
            "kind": "people_trained",
            "planned": 600,
            "industry": Industry.objects.get(code="hazchem"),
            "position": Position.objects.order_by("pk").first(),
        },
    ]


def make_agreement(
    world, plan=None, *, side: str = "a", item_name: str = "危险化学品", price: Decimal = PRICE
) -> ServiceAgreement:
    plan = plan or make_plan(world)
    return services.agreement_create(
        data=agreement_data(world, item(plan, item_name), side, price),
        indicators=indicators(),
        team=[{"name": "张老师", "role": "项目负责人", "phone": "13812345678"}],
        actor=world.users["agency"],
    )


def to_confirmed(world, agreement: ServiceAgreement, side: str = "a") -> ServiceAgreement:
    services.agreement_transition(agreement=agreement, action="send", actor=world.users["agency"])
    services.agreement_transition(agreement=agreement, action="confirm", actor=world.users[f"provider_{side}"])
    return agreement


def signed_agreement(world, plan=None, *, side: str = "a", **kwargs) -> ServiceAgreement:
    ready_provider(world, side)
    agreement = make_agreement(world, plan, side=side, **kwargs)
    to_confirmed(world, agreement, side)
    return services.agreement_transition(agreement=agreement, action="sign", actor=world.users["agency"])


def make_procurement(world, plan=None, *, side: str = "a", method: str = "competitive_consultation", **extra):
    plan = plan or make_plan(world)
    data = {
        "item": item(plan, extra.pop("item_name", "危险化学品")),
        "method": method,
        "amount": extra.pop("amount", D("100000.00")),
        "started_on": datetime.date(2023, 8, 20),
        "decided_on": datetime.date(2023, 9, 1),
        "chosen": world.orgs[f"provider_{side}"],
        "legal_ground": extra.pop("legal_ground", ""),
        **extra,
    }
    return services.procurement_create(
        data=data, candidates=[world.orgs[f"provider_{side}"]], actor=world.users["agency"]
    )


def debar(world, side: str = "a", *, start=None, **extra):
    start = start or timezone.localdate() - datetime.timedelta(days=30)
    return services.debarment_create(
        provider=world.orgs[f"provider_{side}"],
        ground=extra.pop("ground", "failed_acceptance"),
        decision_number=extra.pop("decision_number", f"测人社字〔2023〕{side}1号"),
        decided_by="测试市人力资源和社会保障局",
        start_date=start,
        actor=world.owner,
        **extra,
    )
