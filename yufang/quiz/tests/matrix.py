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


def shared_competition(world):
    """A published competition of side a's provider with a participant of each side's enterprise,
    each with a paper handed in: (competition, side a's full names, side b's full names) for the
    lists inside the boards (tests/scoping_matrix.py NESTED_LISTS)."""
    cache = world.__dict__.setdefault("_quiz_shared", {})
    if "c" not in cache:
        c = make_competition(world, side="a", name="同场竞答")
        for seq, side, name in ((94, "a", "甲方答题人"), (95, "b", "乙方答题人")):
            p = join(world, c, seq, side=side, name=name)
            paper = services.paper_draw(participant=p)
            services.paper_submit(token=paper.token, answers={})
        cache["c"] = c
    return cache["c"], ["甲方答题人"], ["乙方答题人"]
