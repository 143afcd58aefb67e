"""Pages for offline training: the session list and calendar, a session with its roster, live attendance board and flags; the roster import; the venue screen with its rotating code; the trainee's phone pages for signing in and out; manual marking; flags review; exports.

The package keeps every name the former single module had importable from here."""

from .exports import _audit_export, _full, attendance_export, project_training, roster_export
from .flags import FLAG_COLUMNS, flag_decide, flag_detail, flag_index, flag_transition
from .roster import _check_job, roster_confirm, roster_errors, roster_review, roster_upload
from .sessions import (
    CALENDAR_YEARS,
    DEVICE_COOKIE,
    SESSION_COLUMNS,
    _messages_of,
    _session,
    session_board,
    session_calendar,
    session_create,
    session_detail,
    session_edit,
    session_index,
    session_transition,
)
from .signing import _device, _screen_context, _with_device, attendance_mark, code_sign, scan, venue_screen

__all__ = [
    "CALENDAR_YEARS",
    "DEVICE_COOKIE",
    "SESSION_COLUMNS",
    "_messages_of",
    "_session",
    "session_board",
    "session_calendar",
    "session_create",
    "session_detail",
    "session_edit",
    "session_index",
    "session_transition",
    "_check_job",
    "roster_confirm",
    "roster_errors",
    "roster_review",
    "roster_upload",
    "_device",
    "_screen_context",
    "_with_device",
    "attendance_mark",
    "code_sign",
    "scan",
    "venue_screen",
    "_audit_export",
    "_full",
    "attendance_export",
    "project_training",
    "roster_export",
    "FLAG_COLUMNS",
    "flag_decide",
    "flag_detail",
    "flag_index",
    "flag_transition",
]
