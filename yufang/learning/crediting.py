"""How much of a heartbeat the server credits, as a pure function of the locked state and the
beat. The browser reports where the player is, how fast it plays and whether the page is seen;
the server decides, and its clock is the only one that counts:

    credited = min(server time since the last accepted beat,
                   advance of the play position / playback rate,
                   the per-beat cap,
                   what is left of the day's cap)

and nothing while the page is hidden, the player paused, an attention check unanswered, the
session taken over by another device, or the lesson already done. A position past the furthest
credited one (plus what the elapsed time could have played) is a seek and is refused."""

from dataclasses import dataclass

from .models import Verdict

# Network and timer jitter allowed between where the player is and where the server expects it.
SEEK_SLACK_MS = 2500
MIN_RATE, MAX_RATE = 0.5, 2.0


@dataclass(frozen=True)
class State:
    active: bool  # this session is the enrolment's active one and has not ended
    last_beat_ms: int | None
    last_position_ms: int
    furthest_ms: int
    lesson_credited_ms: int
    lesson_done: bool
    duration_ms: int
    check_pending: bool
    cap_ms: int
    day_left_ms: int


@dataclass(frozen=True)
class Beat:
    now_ms: int
    position_ms: int
    rate: float
    visible: bool
    playing: bool


@dataclass(frozen=True)
class Decision:
    verdict: str
    credited_ms: int
    wall_ms: int
    position_ms: int  # the position kept as the next beat's starting point
    furthest_ms: int
    accept: bool  # the beat moves the session's clock (False only for a taken-over session)


def judge(state: State, beat: Beat) -> Decision:
    position = max(0, min(beat.position_ms, state.duration_ms))
    if not state.active:
        return Decision(Verdict.TAKEN_OVER, 0, 0, state.last_position_ms, state.furthest_ms, False)
    if state.last_beat_ms is None:
        return Decision(Verdict.FIRST, 0, 0, min(position, state.furthest_ms), state.furthest_ms, True)
    wall = max(0, beat.now_ms - state.last_beat_ms)
    rate = beat.rate if MIN_RATE <= beat.rate <= MAX_RATE else 1.0
    reachable = max(state.furthest_ms, state.last_position_ms) + int(wall * rate) + SEEK_SLACK_MS
    if position > reachable:
        # Keep the old position: the player must go back to where it may be.
        return Decision(Verdict.SEEK, 0, wall, state.last_position_ms, state.furthest_ms, True)

    def nothing(verdict: str) -> Decision:
        return Decision(verdict, 0, wall, position, state.furthest_ms, True)

    if state.check_pending:
        return nothing(Verdict.CHECK)
    if not beat.visible:
        return nothing(Verdict.HIDDEN)
    if not beat.playing:
        return nothing(Verdict.PAUSED)
    if state.lesson_done:
        return nothing(Verdict.DONE)
    advance = position - state.last_position_ms
    if advance <= 0:
        return nothing(Verdict.NO_ADVANCE)
    if state.day_left_ms <= 0:
        return nothing(Verdict.DAILY_CAP)
    by_position = int(advance / rate)
    credited, verdict = by_position, Verdict.CREDITED
    if wall < credited:
        credited, verdict = wall, Verdict.LIMITED_WALL
    if state.cap_ms < credited:
        credited, verdict = state.cap_ms, Verdict.LIMITED_CAP
    if state.day_left_ms < credited:
        credited, verdict = state.day_left_ms, Verdict.DAILY_CAP
    # The furthest *credited* position: only as far as the credited time could have played.
    furthest = max(state.furthest_ms, min(position, state.last_position_ms + int(credited * rate)))
    return Decision(verdict, credited, wall, position, furthest, True)
