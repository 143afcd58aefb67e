import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yufang.core.models import AuditLog
from yufang.training.models import Flag, FlagKind

from .. import services
from ..models import CompetitionStatus, Paper, Participant
from ..selectors import (
    award_list,
    boards_recount,
    district_board,
    enterprise_board,
    mask_name,
    people_board,
    totals,
)
from .factories import an_id, join, make_competition, right_answers

pytestmark = pytest.mark.django_db


def test_competition_lifecycle_is_audited_and_follows_the_table(world):
    c = make_competition(world, publish=False)
    assert c.status == CompetitionStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.competition_transition(competition=c, action="publish", actor=world.users["provider_b"])
    services.competition_transition(competition=c, action="publish", actor=world.users["provider_a"])
    assert c.status == CompetitionStatus.PUBLISHED
    assert AuditLog.objects.filter(event="publish", object_id=str(c.pk)).exists()
    with pytest.raises(ValidationError):  # rules frozen once published
        services.competition_update(competition=c, data={"name": "改名"}, actor=world.users["provider_a"])
    with pytest.raises(ValidationError):
        services.competition_transition(competition=c, action="publish", actor=world.users["agency"])
    services.competition_transition(competition=c, action="close", actor=world.users["agency"])
    assert c.status == CompetitionStatus.CLOSED


def test_publishing_needs_enough_questions_in_the_bank(world):
    c = make_competition(world, publish=False, draw=[{"category": "政策", "difficulty": 3, "count": 2}])
    with pytest.raises(ValidationError, match="只有 0 题"):
        services.competition_transition(competition=c, action="publish", actor=world.users["agency"])


def test_rules_are_checked(world):
    with pytest.raises(ValidationError):
        make_competition(world, attempts_per_day=3, attempts_total=2)
    with pytest.raises(ValidationError):
        make_competition(world, draw=[{"category": "政策", "difficulty": 1, "count": 0}])


def test_another_provider_may_not_set_up_a_competition_on_the_project(world):
    c = make_competition(world)
    with pytest.raises(PermissionDenied):
        services.competition_create(
            project=c.project, data={"name": "x", "draw": []}, rounds=[], actor=world.users["provider_b"]
        )


def test_join_matches_the_register_and_checks_the_id(world):
    c = make_competition(world)
    p = join(world, c, 1)
    assert p.enterprise == world.orgs["enterprise_a"] and p.region == world.orgs["enterprise_a"].region
    assert p.id_masked.startswith("370303") and "*" in p.id_masked
    bad = an_id(2)[:-1] + ("0" if an_id(2)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as e:
        services.participant_join(competition=c, name="甲", id_number=bad, phone="13800000000", credit_code="")
    assert "校验位" in str(e.value.message_dict["id_number"])


def test_an_unknown_employer_answers_as_other_enterprise_of_the_district_chosen(world):
    c = make_competition(world)
    with pytest.raises(ValidationError, match="其他企业"):
        services.participant_join(
            competition=c, name="乙", id_number=an_id(3), phone="13800000003", credit_code="91370300XXXXXXXXXX"
        )
    region = world.orgs["district_b"].region
    p = services.participant_join(
        competition=c,
        name="乙",
        id_number=an_id(3),
        phone="13800000003",
        credit_code="91370300XXXXXXXXXX",
        region=region,
    )
    assert p.enterprise is None and p.region == region
    rows = enterprise_board(c)
    assert any(r.name == f"其他企业（{region.name}）" and r.participants == 1 for r in rows)


def test_one_participant_per_id_and_the_same_name_resumes(world):
    c = make_competition(world)
    first = join(world, c, 4, name="王小明")
    assert join(world, c, 4, name="王小明").pk == first.pk
    with pytest.raises(ValidationError, match="其他姓名"):
        join(world, c, 4, name="李四")
    assert Participant.objects.filter(competition=c).count() == 1


def test_paper_is_drawn_by_the_rules_with_options_shuffled(world):
    c = make_competition(world)
    p = join(world, c, 5)
    paper = services.paper_draw(participant=p)
    assert len(paper.items) == 5
    from yufang.learning.models import Question

    qs = Question.objects.in_bulk(paper.question_ids)
    assert sum(1 for q in qs.values() if q.category == "政策" and q.difficulty == 1) == 3
    assert all(sorted(i["order"]) == [0, 1, 2, 3] for i in paper.items)
    assert services.paper_draw(participant=p).pk == paper.pk  # an open paper is returned as it is


def test_right_answers_score_100_and_a_replay_is_scored_once(world):
    c = make_competition(world)
    p = join(world, c, 6)
    paper = services.paper_draw(participant=p)
    done, replay = services.paper_submit(
        token=paper.token, answers=right_answers(paper), now=paper.started_at + datetime.timedelta(seconds=60)
    )
    assert (done.score, done.correct, replay) == (100, 5, False)
    again, replay = services.paper_submit(
        token=paper.token, answers={}, now=paper.started_at + datetime.timedelta(seconds=70)
    )
    assert (again.score, replay) == (100, True)
    p.refresh_from_db()
    assert (p.papers, p.score, p.answer_ms) == (1, 100, 60000)
    assert boards_recount(c) == []


def test_a_late_submission_is_scored_unanswered(world):
    c = make_competition(world)
    p = join(world, c, 7)
    paper = services.paper_draw(participant=p)
    late = paper.deadline + datetime.timedelta(seconds=services.GRACE_SECONDS + 1)
    done, _ = services.paper_submit(token=paper.token, answers=right_answers(paper), now=late)
    assert done.late and done.score == 0
    within_grace = services.paper_draw(participant=join(world, c, 8))
    ok, _ = services.paper_submit(
        token=within_grace.token,
        answers=right_answers(within_grace),
        now=within_grace.deadline + datetime.timedelta(seconds=5),
    )
    assert not ok.late and ok.score == 100 and ok.answer_ms == 300000


def test_attempts_per_day_and_in_all(world):
    c = make_competition(world, attempts_per_day=1, attempts_total=2)
    p = join(world, c, 9)
    now = timezone.now()
    paper = services.paper_draw(participant=p, now=now)
    services.paper_submit(token=paper.token, answers={}, now=now + datetime.timedelta(seconds=30))
    with pytest.raises(ValidationError, match="每天最多"):
        services.paper_draw(participant=p, now=now + datetime.timedelta(minutes=1))
    tomorrow = now + datetime.timedelta(days=1)
    second = services.paper_draw(participant=p, now=tomorrow)
    services.paper_submit(
        token=second.token, answers=right_answers(second), now=tomorrow + datetime.timedelta(seconds=40)
    )
    with pytest.raises(ValidationError, match="已用完"):
        services.paper_draw(participant=p, now=tomorrow + datetime.timedelta(hours=1))
    p.refresh_from_db()
    assert (p.papers, p.score) == (2, 100)  # best counts
    assert boards_recount(c) == []


def test_first_attempt_counts_when_the_rule_says_so(world):
    c = make_competition(world, counting="first", attempts_per_day=2)
    p = join(world, c, 10)
    now = timezone.now()
    a = services.paper_draw(participant=p, now=now)
    services.paper_submit(token=a.token, answers={}, now=now + datetime.timedelta(seconds=30))
    b = services.paper_draw(participant=p, now=now + datetime.timedelta(minutes=1))
    services.paper_submit(token=b.token, answers=right_answers(b), now=now + datetime.timedelta(minutes=2))
    p.refresh_from_db()
    assert p.score == 0
    assert boards_recount(c) == []


def test_no_paper_outside_the_rounds(world):
    c = make_competition(world)
    p = join(world, c, 11)
    with pytest.raises(ValidationError, match="开放时间"):
        services.paper_draw(participant=p, now=timezone.now() + datetime.timedelta(days=2, hours=12))


def test_boards_rank_by_score_then_time_then_submission_and_mask_names(world):
    c = make_competition(world)
    now = timezone.now()
    results = []
    for seq, name, seconds, right in ((20, "张三明", 90, True), (21, "李四", 60, True), (22, "欧阳小明", 30, False)):
        p = join(world, c, seq, name=name)
        paper = services.paper_draw(participant=p, now=now)
        services.paper_submit(
            token=paper.token,
            answers=right_answers(paper) if right else {},
            now=now + datetime.timedelta(seconds=seconds),
        )
        results.append(p)
    board = people_board(c)
    assert [r.name for r in board] == ["李*", "张*明", "欧**明"]
    assert [r.award for r in board] == ["一等奖", "二等奖", "二等奖"]
    assert [r.name for r in award_list(c)] == ["李四", "张三明", "欧阳小明"]
    e = enterprise_board(c)[0]
    assert (e.participants, e.avg_score, e.reached) == (3, 66.7, True) or (e.participants, str(e.avg_score)) == (
        3,
        "66.7",
    )
    district = next(r for r in district_board(c) if r.name == "张店区")
    assert (district.enterprises_reached, district.participants) == (1, 3)
    assert totals(c)["reached"] == 1 and totals(c)["papers"] == 3


def test_mask_name():
    assert [mask_name(n) for n in ("张三明", "张三", "欧阳小明", "张")] == ["张*明", "张*", "欧**明", "张"]


def test_too_fast_shared_device_and_same_answers_are_flagged(world):
    c = make_competition(world, min_seconds_per_question=3)
    now = timezone.now()
    papers = []
    for seq in range(30, 30 + services.SHARED_DEVICE):
        p = join(world, c, seq, device="phone-1")
        paper = services.paper_draw(participant=p, now=now)
        papers.append(paper)
    assert Flag.objects.filter(kind=FlagKind.QUIZ_SHARED_DEVICE, project=c.project).count() == 1
    fast = papers[0]
    services.paper_submit(token=fast.token, answers=right_answers(fast), now=now + datetime.timedelta(seconds=5))
    flag = Flag.objects.get(kind=FlagKind.QUIZ_TOO_FAST)
    assert flag.source == "quiz" and flag.evidence[0]["用时（秒）"] == 5.0
    # Two papers drawn on the same questions with the same answers and near-identical times.
    a, b = papers[1], papers[2]
    Paper.objects.filter(pk=b.pk).update(items=a.items)
    b.refresh_from_db()
    services.paper_submit(token=a.token, answers=right_answers(a), now=now + datetime.timedelta(seconds=100))
    services.paper_submit(token=b.token, answers=right_answers(b), now=now + datetime.timedelta(seconds=101))
    with pytest.raises(PermissionDenied):
        services.competition_scan(competition=c, actor=world.users["provider_b"])
    services.competition_scan(competition=c, actor=world.users["agency"])
    same = Flag.objects.get(kind=FlagKind.QUIZ_SAME_ANSWERS)
    assert len(same.evidence) == 2
    services.competition_scan(competition=c, actor=world.users["agency"])
    assert Flag.objects.filter(kind=FlagKind.QUIZ_SAME_ANSWERS).count() == 1  # raised once


def test_targets_count_participants_and_enterprises_reached(world):
    from yufang.targets.selectors import contributed_by_region, plan_progress
    from yufang.targets.services import target_save

    c = make_competition(world)
    for seq in (40, 41):
        join(world, c, seq)
    join(world, c, 42, side="b")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    reached = target_save(
        actor=world.owner,
        plan=c.plan,
        data={
            "name": "进百企",
            "metric": "quiz_enterprises",
            "threshold": 100,
            "deadline": deadline,
            "min_participants": 2,
        },
    )
    people = target_save(
        actor=world.owner,
        plan=c.plan,
        data={"name": "参与人数", "metric": "quiz_participants", "threshold": 1000, "deadline": deadline},
    )
    assert "不少于 2 人即计为已覆盖" in reached.counting_rule and "以身份证号识别人员" in people.counting_rule
    values = {r.target.pk: (r.value, r.unit) for r in plan_progress(user=world.owner, plan=c.plan)}
    assert values[reached.pk] == (1, "家") and values[people.pk] == (3, "人")
    district = {r.target.pk: r.value for r in plan_progress(user=world.users["district_b"], plan=c.plan)}
    assert district[reached.pk] == 0 and district[people.pk] == 1
    assert ("张店区", 1) in contributed_by_region(user=world.owner, target=reached)
    from yufang.targets.counting import target_check

    assert target_check(reached) == []


def test_bulk_draw_and_submit_follow_the_same_rules(world):
    """The demo's and a proctored session's bulk forms: drawn from the same cached bank, scored
    and counted as one by one."""
    c = make_competition(world)
    now = timezone.now()
    people = [join(world, c, seq) for seq in (40, 41)]
    agency = world.users["agency"]
    papers = services.papers_draw_many(competition=c, draws=[(p, now) for p in people], actor=agency)
    assert all(len(p.items) == 5 and len(p.token) == 32 for p in papers)
    assert len({p.token for p in papers}) == 2
    services.papers_submit_many(
        competition=c,
        sheets=[(p, right_answers(p), now + datetime.timedelta(seconds=90)) for p in papers],
        actor=agency,
    )
    assert sorted(Participant.objects.filter(competition=c).values_list("score", flat=True)) == [100, 100]
    assert boards_recount(c) == []
