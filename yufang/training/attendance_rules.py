"""How long a trainee was present at a session and whether that completes it, by the plan's
written rule: the services that close a session and record sign-ins apply these."""

from .models import TrainingSession


def attended_seconds(session: TrainingSession, signed_in_at, signed_out_at) -> int:
    """Seconds present within the session's hours; without a sign-out, none can be counted."""
    if signed_in_at is None or signed_out_at is None:
        return 0
    start = max(signed_in_at, session.starts_at)
    end = min(signed_out_at, session.ends_at)
    return max(0, int((end - start).total_seconds()))


def attended_minutes(session: TrainingSession, signed_in_at, signed_out_at) -> int:
    return attended_seconds(session, signed_in_at, signed_out_at) // 60


def completes(session: TrainingSession, seconds: int) -> bool:
    """The plan's written rule: present for at least offline_attendance_percent of the session."""
    percent = session.project.plan.offline_attendance_percent
    return seconds * 100 >= percent * (session.ends_at - session.starts_at).total_seconds()
