"""The providers' 待办 items (todos.py), read straight from the source the home page uses."""

import datetime

from yufang.providers.models import QualificationKind
from yufang.providers.todos import provider_todos

from .test_services import add_qualification, today


def test_expiring_qualifications_reach_the_agency_and_not_the_provider(world):
    add_qualification(world, "a", QualificationKind.TRAINING, valid_to=today() + datetime.timedelta(days=30))
    todo = next(t for t in provider_todos(world.users["agency"]) if "即将到期" in t.title)
    assert todo.count == 1 and todo.level == "warning"
    assert not [t for t in provider_todos(world.users["provider_a"]) if "即将到期" in t.title]


def test_nothing_waiting_means_no_items(world):
    assert provider_todos(world.users["enterprise_a"]) == []
