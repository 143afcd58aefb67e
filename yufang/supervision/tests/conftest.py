import pytest

from yufang.supervision.defaults import load
from yufang.supervision.models import Checklist, ChecklistItem


@pytest.fixture(autouse=True)
def checklists(db):
    """The shipped checklists (a flush by another test removes what the migration loaded)."""
    load(Checklist, ChecklistItem)
