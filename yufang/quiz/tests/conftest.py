import pytest


@pytest.fixture(autouse=True)
def _default_kinds(db):
    from django.apps import apps

    from yufang.publicity.defaults import load_default_kinds

    load_default_kinds(apps)
