"""The rotating sign-in codes shown on the venue screen.

A code is an HMAC over (session, direction, time window), keyed by the site's secret and the
session's own secret, so it is valid only for that session, only for signing in (or out), and
only for about 15 seconds: once the screen has rotated, a forwarded link or photo is useless.
The QR code carries the full token; the short text code (six digits of the same HMAC) is for
phones whose camera cannot read the screen and stays valid a little longer, since it is typed."""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings

WINDOW_SECONDS = 15
QR_GRACE_WINDOWS = 1  # the window before the current one, for a scan at the moment it rotates
TEXT_GRACE_WINDOWS = 4  # about a minute to type six digits
DIRECTIONS = ("in", "out")


def window_now(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def _mac(session, direction: str, window: int) -> str:
    key = f"{settings.SECRET_KEY}:{session.qr_secret}".encode()
    return hmac.new(key, f"{session.pk}:{direction}:{window}".encode(), hashlib.sha256).hexdigest()


def make_token(session, direction: str, window: int | None = None) -> str:
    window = window_now() if window is None else window
    return f"{session.pk}-{direction}-{window}-{_mac(session, direction, window)[:24]}"


def text_code(session, direction: str, window: int | None = None) -> str:
    window = window_now() if window is None else window
    return f"{int(_mac(session, direction, window)[24:40], 16) % 1_000_000:06d}"


@dataclass(frozen=True)
class ParsedToken:
    session_id: int
    direction: str
    window: int
    mac: str


def parse_token(token: str) -> ParsedToken | None:
    parts = (token or "").split("-")
    if len(parts) != 4 or parts[1] not in DIRECTIONS or not parts[0].isdigit() or not parts[2].isdigit():
        return None
    return ParsedToken(int(parts[0]), parts[1], int(parts[2]), parts[3])


class CodeError(Exception):
    """Why a code was refused, in words for the trainee."""


def check_token(session, token: ParsedToken, now: float | None = None) -> None:
    current = window_now(now)
    if token.session_id != session.pk:
        raise CodeError("二维码不属于本场次。")
    expected = _mac(session, token.direction, token.window)[:24]
    if not hmac.compare_digest(expected, token.mac):
        raise CodeError("二维码无效。")
    if not current - QR_GRACE_WINDOWS <= token.window <= current:
        raise CodeError("二维码已过期：请重新扫描现场大屏上的最新二维码。")


def check_text_code(session, direction: str, code: str, now: float | None = None) -> int:
    """Returns the window the code belongs to, or raises CodeError."""
    code = "".join((code or "").split())
    current = window_now(now)
    for window in range(current, current - TEXT_GRACE_WINDOWS - 1, -1):
        if hmac.compare_digest(text_code(session, direction, window), code):
            return window
    raise CodeError("签到码不正确或已过期：请输入现场大屏上的最新签到码。")
