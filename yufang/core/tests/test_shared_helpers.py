"""The helpers every app shares from core: the permission guard, service errors onto a form, and
the named contribution points apps use instead of importing the apps built on them."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from yufang.core import registry
from yufang.core.forms import form_errors_from
from yufang.core.permissions import require
from yufang.core.registry import COMPLETION_PANELS, KEY_ENTERPRISES_CHANGED, PERSON_ARCHIVE, contribute, contributions


def test_require_passes_an_allowed_check_and_refuses_with_the_reason():
    require((True, ""))
    with pytest.raises(PermissionDenied, match="只有经办机构可以"):
        require((False, "只有经办机构可以审核。"))


class _Form(forms.Form):
    amount = forms.DecimalField()


def test_form_errors_from_puts_field_errors_beside_the_field_and_the_rest_on_top():
    form = _Form({"amount": "1"})
    assert form.is_valid()
    form_errors_from(form, ValidationError({"amount": "金额须大于零。", "reason": "请写明理由。"}))
    assert form.errors["amount"] == ["金额须大于零。"]
    assert form.non_field_errors() == ["请写明理由。"]
    form = _Form({"amount": "1"})
    form.is_valid()
    form_errors_from(form, ValidationError("项目已结算。"))
    assert form.non_field_errors() == ["项目已结算。"]


def test_contributions_come_back_in_order_and_an_unknown_point_has_none(monkeypatch):
    monkeypatch.setattr(registry, "registry", registry._Registry())
    first, second = (lambda: 1), (lambda: 2)
    contribute("x.point", first)
    contribute("x.point", second)
    assert contributions("x.point") == [first, second]
    assert contributions("x.nothing") == []


def test_the_apps_built_on_projects_people_and_enterprises_contribute_at_startup():
    from yufang.targets.contributions import key_enterprises_changed
    from yufang.training.contributions import completion_flags_panel

    assert completion_flags_panel in contributions(COMPLETION_PANELS)
    assert key_enterprises_changed in contributions(KEY_ENTERPRISES_CHANGED)
    assert len(contributions(PERSON_ARCHIVE)) == 2


def test_the_cell_filter_shows_a_columns_value_and_nothing_for_none():
    from yufang.core.listing import Column
    from yufang.core.templatetags.yufang import cell

    assert cell({"n": 3}, Column("数量", lambda r: r["n"], 8)) == 3
    assert cell({"n": None}, Column("数量", lambda r: r["n"], 8)) == ""
