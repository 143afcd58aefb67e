import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yufang.core import scoping

from .scoping_matrix import EXEMPT, NESTED_LISTS, PROGRAMME_WIDE, RECORD_TYPES, ROLES

CASES = [(rt, role) for rt in RECORD_TYPES for role in ROLES]


def _ids(case):
    rt, role = case
    return f"{rt.name}-{role}"


def _export_texts(client, url) -> set[str]:
    response = client.get(url, {"export": "xlsx"})
    if response.status_code != 200:
        return set()
    ws = load_workbook(io.BytesIO(response.content), read_only=True).active
    return {str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None}


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_scoping(case, world, client):
    rt, role = case
    client.force_login(world.users[role])
    mine, theirs = rt.make(world, "a"), rt.make(world, "b")
    sees_mine = role in rt.sees
    # Side b's record: the programme-wide roles, partners only where they see side a's too.
    default_theirs = PROGRAMME_WIDE if "partner" in rt.sees else PROGRAMME_WIDE - {"partner"}
    sees_theirs = role in (rt.sees_theirs if rt.sees_theirs is not None else default_theirs)

    for record, visible in ((mine, sees_mine), (theirs, sees_theirs)):
        # Page: another organisation's record is indistinguishable from a missing one.
        if rt.page is not None:
            assert client.get(rt.page(record)).status_code == (200 if visible else 404), "page"
        # Edit: hidden records are 404, never 403.
        if rt.edit is not None:
            status = client.get(rt.edit(record)).status_code
            if not visible:
                assert status == 404, "edit of a hidden record"
            elif record is mine:
                assert status == (200 if role in rt.edits else 403), "edit"
        if rt.api is not None:
            assert client.get(rt.api(record)).status_code == (200 if visible else 404), "api"
        if rt.export is not None:
            texts = _export_texts(client, rt.export(record))
            assert (rt.label(record) in texts) == visible, "export"


def test_missing_record_is_404_like_hidden(world, client):
    client.force_login(world.users["provider_a"])
    for rt in RECORD_TYPES:
        if rt.page is not None:
            assert client.get(rt.page(rt.make(world, "b"))).status_code == 404
        if rt.api is not None:
            assert client.get(rt.api(rt.make(world, "b"))).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[999999])).status_code == 404
    assert client.get("/api/v1/users/999999").status_code == 404


def test_every_scoped_model_has_a_row():
    registered = {m._meta.label for m in scoping.registered_models()}
    assert registered - EXEMPT <= {rt.model for rt in RECORD_TYPES}


def test_unregistered_model_fails_closed(world):
    from yufang.core.models import AuditLog

    with pytest.raises(LookupError):
        scoping.scoped(world.owner, AuditLog)


NESTED_CASES = [(n, role) for n in NESTED_LISTS for role in sorted(n.own_only | n.sees_all | n.sees_none)]


@pytest.mark.parametrize("case", NESTED_CASES, ids=[f"{n.name}-{role}" for n, role in NESTED_CASES])
def test_lists_inside_pages_are_scoped(case, world, client):
    nested, role = case
    url, mine, theirs = nested.make(world)
    client.force_login(world.users[role])
    response = client.get(url)
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        text = json.dumps(response.json(), ensure_ascii=False)
    else:
        text = response.content.decode()
    if role in nested.sees_none:
        assert not [name for name in mine + theirs if name in text], f"personal rows in {nested.name}"
        return
    assert any(name in text for name in mine), "the role's own rows are listed"
    leaked = [name for name in theirs if name in text]
    if role in nested.own_only:
        assert not leaked, f"another organisation's rows in {nested.name}"
    else:
        assert leaked, "a role that sees the whole record sees every row"


PARTNER_KINDS = ["health", "emergency", "finance"]
PARTNER_SAMPLE = {
    "person",
    "user",
    "organisation",
    "enrolment",
    "training_session",
    "attendance",
    "agreement",
    "project",
}


@pytest.mark.parametrize("kind", PARTNER_KINDS)
def test_every_partner_department_sees_what_its_work_needs_and_no_more(kind, world, client):
    """Health, emergency and finance alike: programme records yes, people and accounts no."""
    from yufang.accounts.models import OrganisationKind, Role
    from yufang.accounts.tests.factories import make_org, make_user

    org = world.orgs.get(kind) or make_org(world.owner, f"协同{kind}", OrganisationKind(kind))
    partner = make_user(world.owner, f"t_partner_{kind}", org, Role.PARTNER)
    client.force_login(partner)
    # One world holds one set of plans: a sample of record types that can live together.
    for rt in (r for r in RECORD_TYPES if r.name in PARTNER_SAMPLE):
        expected = 200 if "partner" in rt.sees else 404
        record = rt.make(world, "a")
        if rt.page is not None:
            assert client.get(rt.page(record)).status_code == expected, rt.name
        if rt.api is not None:
            assert client.get(rt.api(record)).status_code == expected, rt.name
    for url in ("people:list", "accounts:user_list", "accounts:organisation_list"):
        page = client.get(reverse(url))
        assert page.status_code == 403 or "测试企业a" not in page.text, url
