"""The heartbeat without the framework's request cycle. A beat is authenticated by its session
token (not the cookie session), so the middleware stack has nothing to add: no session to load
or save, no user to fetch, no CSRF. This WSGI wrapper answers `POST /api/v1/learning/beat`
itself with the same validation (the API's schema) and the same service (heartbeat.beat) as the
documented endpoint, and hands every other request to Django."""

import json
import logging

from django.db import close_old_connections, connection
from pydantic import ValidationError as SchemaError

from .api import BUSY, TOKEN_HEADER, BeatIn
from .heartbeat import BeatBusy, BeatRefused, beat

logger = logging.getLogger(__name__)

BEAT_PATH = "/api/v1/learning/beat"
_TOKEN_KEY = "HTTP_" + TOKEN_HEADER.upper().replace("-", "_")
_JSON = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
_MAX_BODY = 4096


def _reply(start_response, status: str, body: dict) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode()
    start_response(status, [*_JSON, ("Content-Length", str(len(data)))])
    return [data]


def handle_beat(environ, start_response) -> list[bytes]:
    token = environ.get(_TOKEN_KEY, "")
    if not token:
        return _reply(start_response, "401 Unauthorized", {"detail": "未登录或令牌无效。"})
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if not 0 < length <= _MAX_BODY:
        return _reply(start_response, "422 Unprocessable Entity", {"detail": "心跳内容为空或过长。"})
    try:
        payload = BeatIn.model_validate_json(environ["wsgi.input"].read(length))
    except SchemaError as e:
        fields = "、".join(str(err["loc"][-1]) for err in e.errors() if err.get("loc"))
        return _reply(
            start_response, "422 Unprocessable Entity", {"detail": f"心跳内容不合格：{fields or '格式错误'}。"}
        )
    try:
        result = beat(token=token, **payload.model_dump())
    except BeatRefused:
        return _reply(start_response, "404 Not Found", {"detail": "未找到该记录。"})
    except BeatBusy:
        return _reply(start_response, "409 Conflict", {"detail": BUSY})
    except Exception:
        logger.exception("heartbeat failed")
        return _reply(start_response, "500 Internal Server Error", {"detail": "服务器错误，请稍后重试。"})
    finally:
        # What Django's request_finished signal would do: drop a broken or expired connection
        # (not inside a transaction someone else holds open, as a test's is).
        if not connection.in_atomic_block:
            close_old_connections()
    return _reply(start_response, "200 OK", result.as_dict())


def wrap(django_app):
    def application(environ, start_response):
        if environ.get("PATH_INFO") == BEAT_PATH and environ.get("REQUEST_METHOD") == "POST":
            return handle_beat(environ, start_response)
        return django_app(environ, start_response)

    return application
