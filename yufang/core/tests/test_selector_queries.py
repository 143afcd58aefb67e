"""The audit trail reads the same number of queries for three times as many entries."""

from django.urls import reverse

from yufang.accounts.models import OrganisationKind
from yufang.accounts.tests.factories import make_org
from yufang.core.selectors import audit_log_search
from yufang.core.tests.queries import assert_flat, listed, page_reader


def _entries(world):
    made = []

    def build(n):
        for _ in range(n):
            made.append(make_org(world.owner, f"审计样本{len(made)}", OrganisationKind.ENTERPRISE))

    return build


def test_audit_log_search_with_what_its_page_shows(world):
    def read():
        return [
            (e.occurred_at, e.actor_repr, e.get_action_display(), e.content_type.name, e.object_repr, e.changes)
            for e in audit_log_search(q="审计样本")
        ]

    assert_flat(build=_entries(world), evaluate=read)


def test_audit_log_page(world):
    url = reverse("core:audit_log") + "?q=审计样本"
    assert_flat(build=_entries(world), evaluate=page_reader(world.owner, url), size=listed)
