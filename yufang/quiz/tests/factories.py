"""Quiz test data through the real services: a question bank (categories × difficulties), a
competition under side a's publicity project with one round open now, published."""

import datetime

from django.utils import timezone

from yufang.learning.models import Question, QuestionKind
from yufang.publicity.tests.factories import publicity_project
from yufang.targets.tests.factories import id_number

from .. import services

DRAW = [{"category": "政策", "difficulty": 1, "count": 3}, {"category": "安全", "difficulty": None, "count": 2}]


def make_bank(per: int = 6) -> None:
    """Questions whose right answer is always the first option (A in the bank)."""
    for category in ("政策", "安全"):
        for difficulty in (1, 2):
            for i in range(per):
                Question.objects.get_or_create(
                    category=category,
                    stem=f"{category}{difficulty}题{i}",
                    defaults={
                        "kind": QuestionKind.SINGLE,
                        "options": ["对的", "错的一", "错的二", "错的三"],
                        "answer": "A",
                        "difficulty": difficulty,
                        "explanation": f"解析{i}",
                    },
                )


def make_competition(world, *, publish: bool = True, side: str = "a", **rules):
    make_bank()
    project = world.__dict__.setdefault("_quiz_projects", {}).get(side)
    if project is None:
        project = world._quiz_projects[side] = publicity_project(world, side)
    now = timezone.now()
    competition = services.competition_create(
        project=project,
        data={
            "name": f"知识竞答{side}",
            "draw": DRAW,
            "time_limit_seconds": 300,
            "attempts_per_day": 1,
            "attempts_total": 3,
            "counting": "best",
            "awards": [
                {"name": "一等奖", "places": 1, "min_score": 60},
                {"name": "二等奖", "places": 2, "min_score": 0},
            ],
            "reach_participants": 2,
            **rules,
        },
        rounds=[
            {
                "name": "第一轮",
                "opens_at": now - datetime.timedelta(days=1),
                "closes_at": now + datetime.timedelta(days=2),
            },
            {
                "name": "第二轮",
                "opens_at": now + datetime.timedelta(days=3),
                "closes_at": now + datetime.timedelta(days=5),
            },
        ],
        actor=world.users[f"provider_{side}"],
    )
    if publish:
        services.competition_transition(competition=competition, action="publish", actor=world.users["agency"])
    return competition


def an_id(seq: int, region_code: str = "370303") -> str:
    return id_number(region_code, datetime.date(1985, 1, 1) + datetime.timedelta(days=seq), seq)


def join(world, competition, seq: int, *, side: str = "a", name: str = "", **extra):
    return services.participant_join(
        competition=competition,
        name=name or f"参与者{seq}",
        id_number=an_id(seq),
        phone=f"138{seq:08d}",
        credit_code=world.orgs[f"enterprise_{side}"].credit_code,
        **extra,
    )


def right_answers(paper) -> dict[str, str]:
    """Every question answered right, in the letters the paper shows."""
    answers = {}
    for item in paper.items:
        shown = item["order"].index(0)  # the bank's A sits at this shown place
        answers[str(item["q"])] = chr(ord("A") + shown)
    return answers
