"""Who sees whom in the register of people, and what the pages show of a person's ID number
and phone."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from yufang.people.models import Person
from yufang.people.selectors import person_list
from yufang.people.services import person_upsert
from yufang.targets.tests.factories import id_number


@pytest.fixture
def staff(world):
    """Two people in each district's enterprise, and one with no employer on file."""
    made = {}
    for side, serials in (("a", (301, 302)), ("b", (303, 304))):
        enterprise = world.orgs[f"enterprise_{side}"]
        for n, serial in enumerate(serials):
            made[f"{side}{n}"], _ = person_upsert(
                actor=world.owner,
                id_number=id_number(enterprise.region.code, datetime.date(1980 + n, 2, 3), serial),
                name=f"员工{side}{'甲乙'[n]}",
                phone=f"1380000{serial:04d}",
                enterprise=enterprise,
                region=enterprise.region,
            )
    made["loose"], _ = person_upsert(
        actor=world.owner, id_number=id_number("370303", datetime.date(1979, 1, 1), 305), name="无单位人员"
    )
    return made


def _client(world, key):
    client = Client()
    client.force_login(world.users[key])
    return client


def _names(user, **filters) -> set[str]:
    return set(person_list(user=user, **filters).values_list("name", flat=True))


def test_each_role_lists_only_the_people_it_may_see(world, staff):
    everyone = {p.name for p in staff.values()}
    assert _names(world.owner) == everyone
    assert _names(world.users["agency"]) == everyone
    assert _names(world.users["district_a"]) == {"员工a甲", "员工a乙"}
    assert _names(world.users["enterprise_b"]) == {"员工b甲", "员工b乙"}
    # Partner departments read the programme's records but not people; nor does a provider that
    # has no session they are rostered on, nor a trainee without an archive.
    for key in ("partner", "provider_a", "trainee_a"):
        assert _names(world.users[key]) == set(), key


def test_a_provider_sees_the_people_on_its_own_sessions_rosters(world, staff):
    from yufang.training.tests.factories import import_roster, make_session, people_rows

    session = make_session(world, side="a")
    rows = people_rows(2, start=40)
    import_roster(world, session, rows)
    rostered = {r[1] for r in rows}
    assert _names(world.users["provider_a"]) == rostered
    assert rostered.isdisjoint(_names(world.users["provider_b"]))


def test_a_trainee_sees_their_own_archive_only(world, staff):
    from yufang.learning.tests.factories import make_trainee_enrolment
    from yufang.plans.tests.factories import make_plan

    enrolment = make_trainee_enrolment(world, make_plan(world), "a")
    assert _names(world.users["trainee_a"]) == {enrolment.person.name}
    client = _client(world, "trainee_a")
    assert client.get(reverse("people:me")).context["person"] == enrolment.person
    assert client.get(reverse("people:detail", args=[staff["a0"].pk])).status_code == 404


def test_the_list_filters_by_name_and_enterprise_within_the_scope(world, staff):
    district = world.users["district_a"]
    assert _names(district, q="甲") == {"员工a甲"}
    assert _names(district, enterprise=world.orgs["enterprise_b"]) == set()
    assert _names(world.owner, enterprise=world.orgs["enterprise_b"]) == {"员工b甲", "员工b乙"}


def test_the_list_page_masks_id_numbers_for_every_role(world, staff):
    person = staff["a0"]
    for key in ("owner", "district_a", "enterprise_a"):
        page = _client(world, key).get(reverse("people:list")).content.decode()
        assert person.id_masked in page, key
        assert person.id_number not in page, key
    assert person.id_masked == person.id_number[:6] + "********" + person.id_number[-4:]


def test_the_archive_shows_the_full_number_and_phone_only_to_the_registers_keepers(world, staff):
    person = staff["a0"]
    url = reverse("people:detail", args=[person.pk])
    for key in ("owner", "agency"):
        page = _client(world, key).get(url).content.decode()
        assert person.id_number in page and person.phone in page, key
    for key in ("district_a", "enterprise_a"):
        page = _client(world, key).get(url).content.decode()
        assert person.id_number not in page and person.phone not in page, key
        assert person.id_masked in page and person.phone_masked in page, key
    assert _client(world, "enterprise_b").get(url).status_code == 404


def test_the_rename_form_is_offered_to_the_keepers_and_renames_through_the_page(world, staff):
    person = staff["a0"]
    url = reverse("people:detail", args=[person.pk])
    assert _client(world, "district_a").get(url).context["rename_form"] is None
    assert _client(world, "district_a").post(reverse("people:rename", args=[person.pk])).status_code == 403
    agency = _client(world, "agency")
    assert agency.get(url).context["rename_form"] is not None
    refused = agency.post(reverse("people:rename", args=[person.pk]), {"name": "新名字", "reason": "短"})
    assert refused.status_code == 200 and "更名依据" in refused.content.decode()
    done = agency.post(reverse("people:rename", args=[person.pk]), {"name": "新名字", "reason": "户籍更名证明"})
    assert done.status_code == 302
    assert Person.objects.get(pk=person.pk).name == "新名字"
    assert "新名字" in agency.get(url).content.decode()
