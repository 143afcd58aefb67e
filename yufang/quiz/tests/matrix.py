"""Record makers for the quiz rows of the scoping matrix (tests/scoping_matrix.py): per side, a
draft competition of that side's provider, and a participant from that side's enterprise in a
published competition of that side's provider, with a paper handed in."""

from .. import services
from .factories import join, make_competition


def competition(world, side):
    cache = world.__dict__.setdefault("_quiz_drafts", {})
    if side not in cache:
        cache[side] = make_competition(world, side=side, publish=False)
    return cache[side]


def participant(world, side):
    cache = world.__dict__.setdefault("_quiz_participants", {})
    if side not in cache:
        published = make_competition(world, side=side, name=f"已发布竞答{side}")
        p = join(world, published, 90 if side == "a" else 91, side=side, name=f"竞答者{side}")
        paper = services.paper_draw(participant=p)
        services.paper_submit(token=paper.token, answers={})  # on the people board, which ranks papers
        cache[side] = p
    return cache[side]
