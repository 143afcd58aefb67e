"""The agreement page and the agreement services ask the same checks: what the agreement's status
refuses is greyed out on the page with the reason the service gives."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yufang.providers import services

from .factories import make_agreement, ready_provider, signed_agreement, to_confirmed


def _page(client, user, agreement) -> str:
    client.force_login(user)
    page = client.get(agreement.get_absolute_url())
    assert page.status_code == 200
    return page.content.decode()


def test_a_sent_agreement_is_neither_edited_nor_amended_and_the_page_says_why(world, client):
    ready_provider(world)
    agreement = to_confirmed(world, make_agreement(world))
    agency = world.users["agency"]
    html = _page(client, agency, agreement)
    with pytest.raises(PermissionDenied) as edit:
        services.agreement_update(agreement=agreement, data={"title": "改"}, actor=agency)
    with pytest.raises(PermissionDenied) as amend:
        services.agreement_amend(agreement=agreement, reason="调整", data={"content": "改"}, actor=agency)
    assert str(edit.value) == "协议已发送或已签订，不能直接修改：已签订的协议只能通过协议变更调整。"
    assert str(amend.value) == "只有已签订或履行中的协议可以变更。"
    assert str(edit.value) in html and str(amend.value) in html
    assert 'data-testid="amend"' not in html and 'data-testid="amend-refused"' in html


def test_a_signed_agreement_is_offered_for_amendment_and_its_team_only_through_a_change_request(world, client):
    agreement = signed_agreement(world)
    agency = world.users["agency"]
    html = _page(client, agency, agreement)
    assert 'data-testid="amend"' in html and 'data-testid="edit-agreement-refused"' not in html
    services.agreement_amend(agreement=agreement, reason="调整服务内容", data={"content": "新的服务内容"}, actor=agency)
    assert 'data-testid="team-change"' in html
    services.team_change_request_create(
        agreement=agreement, reason="负责人调动", add_name="李老师", add_role="讲师", actor=agency
    )
    html = _page(client, agency, agreement)
    with pytest.raises(ValidationError) as again:
        services.team_change_request_create(
            agreement=agreement, reason="再调整", add_name="王老师", add_role="讲师", actor=agency
        )
    assert again.value.messages == ["已有待审核的项目组成员变更申请，请等待经办机构审核。"]
    assert 'data-testid="team-change"' not in html and again.value.messages[0] in html


def test_a_provider_sees_no_agreement_buttons_it_may_never_use(world, client):
    agreement = signed_agreement(world)
    html = _page(client, world.users["provider_a"], agreement)
    assert 'data-testid="amend' not in html and 'data-testid="edit-agreement' not in html
    with pytest.raises(PermissionDenied, match="只有经办机构"):
        services.agreement_amend(
            agreement=agreement, reason="调整", data={"content": "改"}, actor=world.users["provider_a"]
        )
