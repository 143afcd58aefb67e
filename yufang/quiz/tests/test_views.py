import re

import pytest
from django.test import Client
from django.urls import reverse

from ..models import Paper, Participant
from .factories import an_id, join, make_competition, right_answers

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _take_part(client, competition, enterprise, seq, name="王小明"):
    url = reverse("quiz:join", args=[competition.pk]) + f"?e={enterprise.credit_code}"
    page = client.get(url)
    assert enterprise.name in page.content.decode()
    return client.post(
        url,
        {"name": name, "id_number": an_id(seq), "phone": "13812345678", "credit_code": enterprise.credit_code},
    )


def test_a_phone_takes_part_through_the_poster_url(world):
    c = make_competition(world)
    phone = _client()
    r = _take_part(phone, c, world.orgs["enterprise_a"], 1)
    assert r.status_code == 302 and r.url == reverse("quiz:start", args=[c.pk])
    r = phone.post(reverse("quiz:start", args=[c.pk]))
    paper = Paper.objects.get()
    assert r.url == reverse("quiz:paper", args=[paper.token])
    page = phone.get(r.url).content.decode()
    assert page.count('data-testid="question"') == 5 and "剩余" in page
    answers = {f"q{k}": v for k, v in right_answers(paper).items()}
    r = phone.post(reverse("quiz:paper", args=[paper.token]), answers)
    assert 'data-testid="score">100<' in r.content.decode()
    replay = phone.post(reverse("quiz:paper", args=[paper.token]), {})
    assert "重复提交不再计分" in replay.content.decode() and 'data-testid="score">100<' in replay.content.decode()
    assert Participant.objects.get().papers == 1
    # The second paper the same day is refused with the reason.
    r = phone.post(reverse("quiz:start", args=[c.pk]))
    assert r.status_code == 400 and "每天最多" in r.content.decode()
    # The same ID from another phone, same name: the same participant, the same limit.
    other = _client()
    _take_part(other, c, world.orgs["enterprise_a"], 1)
    assert other.post(reverse("quiz:start", args=[c.pk])).status_code == 400
    assert Participant.objects.count() == 1


def test_join_shows_errors_beside_the_fields(world):
    c = make_competition(world)
    r = _client().post(
        reverse("quiz:join", args=[c.pk]), {"name": "甲", "id_number": "123", "phone": "1", "credit_code": ""}
    )
    body = r.content.decode()
    assert r.status_code == 400 and "18 位" in body and "11 位手机号" in body


def test_join_is_throttled_per_address(world, settings):
    from .. import views

    c = make_competition(world)
    phone = _client()
    limit = views.JOIN_PER_ADDRESS[0]
    for _ in range(limit):
        phone.post(reverse("quiz:join", args=[c.pk]), {"name": "甲", "id_number": "1"})
    assert phone.post(reverse("quiz:join", args=[c.pk]), {"name": "甲"}).status_code == 429


def test_a_signed_in_trainee_takes_part_with_one_tap(world):
    from yufang.learning.tests.factories import make_trainee_enrolment

    c = make_competition(world)
    make_trainee_enrolment(world, c.plan, "a")
    trainee = _client(world.users["trainee_a"])
    page = trainee.get(reverse("quiz:join", args=[c.pk])).content.decode()
    assert "本人档案" in page
    r = trainee.post(reverse("quiz:join", args=[c.pk]), {"self": "1"})
    assert r.status_code == 302
    p = Participant.objects.get()
    assert p.user == world.users["trainee_a"] and p.enterprise == world.orgs["enterprise_a"]


def test_draft_competitions_are_not_public(world):
    c = make_competition(world, publish=False)
    assert _client().get(reverse("quiz:join", args=[c.pk])).status_code == 404
    assert _client().get(reverse("quiz:board", args=[c.pk])).status_code == 404


def _with_results(world):
    c = make_competition(world)
    for seq, side, name in ((1, "a", "张三明"), (2, "b", "李四光")):
        p = join(world, c, seq, side=side, name=name)
        from .. import services

        paper = services.paper_draw(participant=p)
        services.paper_submit(token=paper.token, answers=right_answers(paper))
    return c


def test_the_public_board_masks_names_and_the_live_board_polls(world):
    c = _with_results(world)
    body = _client().get(reverse("quiz:board", args=[c.pk]) + "?live=1").content.decode()
    assert "张*明" in body and "张三明" not in body and "李*光" in body
    assert 'hx-trigger="every 5s"' in body
    fragment = _client().get(reverse("quiz:board", args=[c.pk]) + "?live=1", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="quiz-figures"') and "<html" not in fragment


@pytest.mark.parametrize(
    ("role", "sees", "hidden"),
    [
        ("agency", ["张三明", "李四光"], []),
        ("provider_a", ["张三明", "李四光"], []),
        ("district_a", ["张三明"], ["李四光"]),
        ("enterprise_a", ["张三明"], ["李四光"]),
        ("district_b", ["李四光"], ["张三明"]),
        ("enterprise_b", ["李四光"], ["张三明"]),
    ],
)
def test_boards_show_each_role_its_own_in_full(world, role, sees, hidden):
    c = _with_results(world)
    body = _client(world.users[role]).get(reverse("quiz:boards", args=[c.pk])).content.decode()
    for name in sees:
        assert name in body
    for name in hidden:
        assert name not in body


def test_boards_export_to_excel(world):
    c = _with_results(world)
    for board in ("people", "enterprises", "districts"):
        r = _client(world.users["agency"]).get(reverse("quiz:boards", args=[c.pk]) + f"?board={board}&export=xlsx")
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_award_list_and_posters(world):
    c = _with_results(world)
    r = _client(world.users["agency"]).get(reverse("quiz:awards", args=[c.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert _client(world.users["district_a"]).get(reverse("quiz:awards", args=[c.pk])).status_code == 403
    own = reverse("quiz:poster", args=[c.pk, world.orgs["enterprise_a"].pk])
    theirs = reverse("quiz:poster", args=[c.pk, world.orgs["enterprise_b"].pk])
    contact = _client(world.users["enterprise_a"])
    assert contact.get(own).content.startswith(b"%PDF")
    assert contact.get(theirs).status_code == 404
    assert _client(world.users["district_a"]).get(theirs).status_code == 404  # another district's enterprise
    assert _client(world.users["agency"]).get(theirs).status_code == 200


def test_staff_pages(world):
    c = _with_results(world)
    agency = _client(world.users["agency"])
    body = agency.get(reverse("quiz:detail", args=[c.pk])).content.decode()
    assert c.name in body and 'data-testid="totals"' in body
    assert c.name in agency.get(reverse("quiz:list")).content.decode()
    r = agency.post(reverse("quiz:scan", args=[c.pk]))
    assert r.status_code == 302


def test_create_and_edit_a_competition_through_the_form(world):
    c = make_competition(world)
    provider = _client(world.users["provider_a"])
    form = {
        "name": "第二场竞答",
        "time_limit_seconds": 600,
        "attempts_per_day": 1,
        "attempts_total": 2,
        "counting": "best",
        "reach_participants": 10,
        "min_seconds_per_question": 2,
        "draw": "政策,易,3\n安全,不限,2",
        "awards": "一等奖,5,90",
        "rounds": "第一轮,2030-06-01 09:00,2030-06-10 18:00",
    }
    r = provider.post(reverse("quiz:create", args=[c.project.pk]), form)
    assert r.status_code == 302, r.content.decode()[:2000]
    new = c.project.competitions.exclude(pk=c.pk).get()
    assert new.draw[0] == {"category": "政策", "difficulty": 1, "count": 3}
    r = provider.post(reverse("quiz:edit", args=[new.pk]), {**form, "draw": "政策,极难,3"})
    assert "第 1 行应为" in r.content.decode()
    assert _client(world.users["provider_b"]).get(reverse("quiz:edit", args=[new.pk])).status_code == 404


def test_another_organisations_ids_answer_404(world):
    c = make_competition(world, publish=False)
    for role in ("provider_b", "district_a", "enterprise_a"):
        assert _client(world.users[role]).get(reverse("quiz:detail", args=[c.pk])).status_code == 404


def test_result_shows_explanations_once_the_round_closes(world):
    import datetime

    from django.utils import timezone

    from ..models import Round

    c = _with_results(world)
    paper = Paper.objects.first()
    before = _client().get(reverse("quiz:paper", args=[paper.token])).content.decode()
    assert "本轮结束后可在此查看答案与解析" in before and not re.search("解析\\d", before)
    Round.objects.filter(competition=c, number=1).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    body = _client().get(reverse("quiz:paper", args=[paper.token])).content.decode()
    assert "正确答案" in body and re.search("解析\\d", body)


def test_the_targets_page_shows_the_quiz_target_with_its_rule(world):
    import datetime

    from django.utils import timezone

    from yufang.targets.services import target_save

    c = make_competition(world)
    join(world, c, 50)
    target = target_save(
        actor=world.owner,
        plan=c.plan,
        data={
            "name": "进百企",
            "metric": "quiz_enterprises",
            "threshold": 100,
            "deadline": timezone.localdate() + datetime.timedelta(days=9),
            "min_participants": 1,
        },
    )
    body = (
        _client(world.owner)
        .get(reverse("targets:progress", args=[c.plan.pk]) + f"?target={target.pk}")
        .content.decode()
    )
    assert "进百企" in body and "/ 目标 100 家" in body and "即计为已覆盖" in body
    assert 'data-testid="contributed-breakdown"' in body
    project_page = _client(world.users["agency"]).get(c.project.get_absolute_url()).content.decode()
    assert 'data-testid="quiz-panel"' in project_page and c.name in project_page


def test_a_name_typed_on_a_phone_stays_text_in_the_boards_export(world):
    """Issue 12, item 6, on the quiz: anyone may join without an account, so a name shaped like a
    formula reaches the officials' board exports; it must be written as text."""
    import io

    from openpyxl import load_workbook

    from .. import services

    c = make_competition(world)
    hostile = '=HYPERLINK("http://evil.example","点我")'
    p = join(world, c, 7, side="a", name=hostile)
    paper = services.paper_draw(participant=p)
    services.paper_submit(token=paper.token, answers=right_answers(paper))
    r = _client(world.users["agency"]).get(reverse("quiz:boards", args=[c.pk]) + "?board=people&export=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value == hostile]
    assert cells and all(cell.data_type == "s" for cell in cells)
