"""The crediting rule, as a table: what the browser claims, what the server credits."""

import pytest

from yufang.learning.crediting import Beat, State, judge
from yufang.learning.models import Verdict

BASE = State(
    active=True,
    last_beat_ms=100_000,
    last_position_ms=30_000,
    furthest_ms=30_000,
    lesson_credited_ms=30_000,
    lesson_done=False,
    duration_ms=600_000,
    check_pending=False,
    cap_ms=20_000,
    day_left_ms=10**9,
)


def beat(after_ms, position_ms, rate=1.0, visible=True, playing=True):
    return Beat(100_000 + after_ms, position_ms, rate, visible, playing)


@pytest.mark.parametrize(
    ("changes", "b", "verdict", "credited"),
    [
        ({}, beat(12_000, 42_000), Verdict.CREDITED, 12_000),
        # The browser claims more play than the server's clock allows.
        ({}, beat(5_000, 41_000), Verdict.SEEK, 0),
        ({}, beat(10_000, 41_000), Verdict.LIMITED_WALL, 10_000),
        # Double speed: the position runs ahead, time is credited at the server's clock.
        ({}, beat(12_000, 54_000, rate=2.0), Verdict.CREDITED, 12_000),
        ({}, beat(60_000, 90_000), Verdict.LIMITED_CAP, 20_000),
        ({}, beat(12_000, 42_000, visible=False), Verdict.HIDDEN, 0),
        ({}, beat(12_000, 30_000, playing=False), Verdict.PAUSED, 0),
        ({"check_pending": True}, beat(12_000, 42_000), Verdict.CHECK, 0),
        ({"active": False}, beat(12_000, 42_000), Verdict.TAKEN_OVER, 0),
        ({"day_left_ms": 0}, beat(12_000, 42_000), Verdict.DAILY_CAP, 0),
        ({"day_left_ms": 4_000}, beat(12_000, 42_000), Verdict.DAILY_CAP, 4_000),
        ({"lesson_done": True}, beat(12_000, 42_000), Verdict.DONE, 0),
        # Seeking past the furthest credited position is refused.
        ({}, beat(12_000, 300_000), Verdict.SEEK, 0),
        # Going back is allowed but earns nothing until it plays forward.
        ({}, beat(12_000, 10_000), Verdict.NO_ADVANCE, 0),
    ],
)
def test_judge(changes, b, verdict, credited):
    state = State(**{**BASE.__dict__, **changes})
    decision = judge(state, b)
    assert decision.verdict == verdict
    assert decision.credited_ms == credited


def test_seek_keeps_the_old_position_and_furthest():
    d = judge(BASE, beat(12_000, 300_000))
    assert (d.position_ms, d.furthest_ms) == (30_000, 30_000)


def test_furthest_moves_only_as_far_as_credited_time_plays():
    d = judge(BASE, beat(10_000, 41_000))
    assert d.furthest_ms == 40_000
