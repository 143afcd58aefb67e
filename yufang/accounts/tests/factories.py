"""Test data built through the real services, so tests walk the paths users walk."""

from dataclasses import dataclass, field

from django.apps import apps

from yufang.accounts import services
from yufang.accounts.models import Organisation, OrganisationKind, Role, User
from yufang.demo.credit_codes import demo_credit_code
from yufang.reference.loading import load_reference
from yufang.reference.models import City, Region

PASSWORD = "Test-pass-2023"


@dataclass
class World:
    city: City
    owner: User
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def make_org(
    owner: User, key: str, kind: str, *, region: Region | None = None, city: City | None = None
) -> Organisation:
    name = f"测试{key}"
    return services.organisation_create(
        actor=owner,
        data={
            "kind": kind,
            "name": name,
            "short_name": key,
            "credit_code": demo_credit_code(name),
            "city": city or owner.organisation.city,
            "region": region,
            "is_active": True,
        },
    )


def make_user(owner: User, username: str, organisation: Organisation, role: str, **extra) -> User:
    user, _ = services.user_create(
        actor=owner,
        organisation=organisation,
        username=username,
        roles={role},
        display_name=extra.pop("display_name", username),
        phone=extra.pop("phone", "13900000000"),
        password=PASSWORD,
        **extra,
    )
    return user


def make_world() -> World:
    """Two districts (张店 a, 淄川 b), each with a bureau, a provider and an enterprise, and a
    user for every role; plus the municipal bodies."""
    load_reference(apps)  # a browser test's flush may have removed the migration's rows
    city = City.objects.get(code="370300")
    regions = {r.name: r for r in Region.objects.filter(city=city)}
    owner = services.owner_bootstrap(
        city=city, organisation_name="测试市人社局", username="t_owner", password=PASSWORD, display_name="主管"
    )
    w = World(city=city, owner=owner)
    w.orgs["hrss"] = owner.organisation
    w.users["owner"] = owner
    w.orgs["agency"] = make_org(owner, "经办机构", OrganisationKind.AGENCY)
    w.orgs["health"] = make_org(owner, "卫健委", OrganisationKind.HEALTH)
    for side, region_name in (("a", "张店区"), ("b", "淄川区")):
        region = regions[region_name]
        w.orgs[f"district_{side}"] = make_org(owner, f"{region_name}人社局", OrganisationKind.DISTRICT, region=region)
        w.orgs[f"provider_{side}"] = make_org(owner, f"服务机构{side}", OrganisationKind.PROVIDER, region=region)
        w.orgs[f"enterprise_{side}"] = make_org(owner, f"企业{side}", OrganisationKind.ENTERPRISE, region=region)
        w.users[f"district_{side}"] = make_user(
            owner, f"t_district_{side}", w.orgs[f"district_{side}"], Role.DISTRICT_OFFICER
        )
        w.users[f"provider_{side}"] = make_user(
            owner, f"t_provider_{side}", w.orgs[f"provider_{side}"], Role.PROVIDER_STAFF
        )
        w.users[f"enterprise_{side}"] = make_user(
            owner, f"t_enterprise_{side}", w.orgs[f"enterprise_{side}"], Role.ENTERPRISE_CONTACT
        )
        w.users[f"trainee_{side}"] = make_user(owner, f"t_trainee_{side}", w.orgs[f"enterprise_{side}"], Role.TRAINEE)
    w.users["agency"] = make_user(owner, "t_agency", w.orgs["agency"], Role.AGENCY_STAFF)
    w.users["partner"] = make_user(owner, "t_partner", w.orgs["health"], Role.PARTNER)
    return w


def bearer(user: User) -> dict[str, str]:
    """The headers of an API call authenticated by a fresh token of the user."""
    _, raw = services.token_create(actor=user, name="对接")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
