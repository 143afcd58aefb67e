"""The lists of organisations and accounts read the same number of queries for three times as
many rows."""

from django.urls import reverse

from yufang.accounts.models import OrganisationKind, Role
from yufang.accounts.selectors import organisation_list, user_list
from yufang.accounts.tests.factories import make_org, make_user
from yufang.core.tests.queries import assert_flat, listed, page_reader


def _organisations(world):
    made = []

    def build(n):
        for _ in range(n):
            side = "ab"[len(made) % 2]
            made.append(
                make_org(
                    world.owner,
                    f"企业{len(made) + 10}",
                    OrganisationKind.ENTERPRISE,
                    region=world.orgs[f"district_{side}"].region,
                )
            )

    return build


def _accounts(world):
    made = []

    def build(n):
        for _ in range(n):
            made.append(
                make_user(world.owner, f"q_user_{len(made)}", world.orgs["enterprise_a"], Role.TRAINEE, phone="")
            )

    return build


def test_organisation_list_with_what_its_page_shows(world):
    def read():
        return [(o.name, o.get_kind_display(), str(o.region), str(o.city)) for o in organisation_list(user=world.owner)]

    assert_flat(build=_organisations(world), evaluate=read)


def test_user_list_with_what_its_page_shows(world):
    def read():
        return [
            (u.username, str(u.organisation), [r.get_role_display() for r in u.roles.all()])
            for u in user_list(user=world.owner)
        ]

    assert_flat(build=_accounts(world), evaluate=read)


def test_organisation_and_account_pages(world):
    organisations, accounts = _organisations(world), _accounts(world)
    for key in ("owner", "agency"):
        user = world.users[key]
        assert_flat(build=organisations, evaluate=page_reader(user, reverse("accounts:organisation_list")), size=listed)
        assert_flat(build=accounts, evaluate=page_reader(user, reverse("accounts:user_list")), size=listed)
    assert_flat(
        build=accounts, evaluate=page_reader(world.users["enterprise_a"], reverse("accounts:user_list")), size=listed
    )
