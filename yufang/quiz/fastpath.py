"""The launch morning's two requests without the framework's request cycle, as the heartbeat's
(learning/fastpath.py). A phone draws with its participant key in the body and submits with its
paper's token in the path: neither uses the cookie session, a user or CSRF, so the middleware
stack has nothing to add. This WSGI wrapper answers `POST /api/v1/quiz/papers` and
`POST /api/v1/quiz/papers/{token}/submit` itself with the same validation (the API's schemas,
the same throttle, the same error bodies and status codes) and the same service
(quiz.hotpath.draw and submit) as the documented endpoints, and hands every other request to
Django. The answers are the service's dicts, rendered by django-ninja's renderer without being
run through the response schemas again (the tests compare both doors' bodies)."""

import json
import logging
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from ninja.renderers import JSONRenderer
from pydantic import ValidationError as SchemaError

from yufang.core.api import schema_errors
from yufang.core.client_ip import client_ip_address
from yufang.core.context import client_ip

from . import hotpath
from .api import DrawIn, SubmitIn, draw_answer

logger = logging.getLogger(__name__)

DRAW_PATH = "/api/v1/quiz/papers"
_SUBMIT_PREFIX, _SUBMIT_SUFFIX = DRAW_PATH + "/", "/submit"
# A paper's answers: a few hundred bytes; a generous bound on what is read.
_MAX_BODY = 64 * 1024
_RENDERER = JSONRenderer()
_HEADERS = [("Content-Type", f"{_RENDERER.media_type}; charset={_RENDERER.charset}"), ("Cache-Control", "no-store")]
UNREADABLE = "请求内容无法解析，请发送有效的 JSON。"


def _reply(start_response, status: int, body: dict) -> list[bytes]:
    data = _RENDERER.render(None, body, response_status=status)
    if isinstance(data, str):
        data = data.encode()
    start_response(f"{status} {_REASONS[status]}", [*_HEADERS, ("Content-Length", str(len(data)))])
    return [data]


_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    413: "Request Entity Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def _body(environ) -> dict | None:
    """The JSON object in the body; None for a body that is not one (too long, not JSON)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 <= length <= _MAX_BODY:
        return None
    try:
        data = json.loads(environ["wsgi.input"].read(length) or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _schema_failed(start_response, e: SchemaError) -> list[bytes]:
    # Located as django-ninja locates a body's fields ("body.answers"), so the words are the same.
    errors = schema_errors([{**err, "loc": ("body", *err.get("loc", ()))} for err in e.errors()])
    detail = "请求内容不合格：" + "；".join(f"{k}：{'，'.join(v)}" for k, v in errors.items()) + "。"
    return _reply(start_response, 422, {"detail": detail, "errors": errors})


def _answer(environ, start_response, run) -> list[bytes]:
    """Runs the request's work with the client's address in the context (as the middleware sets
    it for the audit trail) and answers as the API's exception handlers do."""
    ip = client_ip_address(SimpleNamespace(META=environ))
    token = client_ip.set(ip)
    try:
        return _reply(start_response, 200, run(ip))
    except SchemaError as e:
        return _schema_failed(start_response, e)
    except ValidationError as e:
        status = 429 if getattr(e, "code", None) == "throttled" else 422
        return _reply(start_response, status, {"detail": "；".join(e.messages)})
    except Exception:
        logger.exception("quiz fast path failed")
        return _reply(start_response, 500, {"detail": "服务器错误，请稍后重试。"})
    finally:
        client_ip.reset(token)
        # What Django's request_finished signal would do: drop a broken or expired connection
        # (not inside a transaction someone else holds open, as a test's is).
        if not connection.in_atomic_block:
            close_old_connections()


def handle_draw(environ, start_response) -> list[bytes]:
    data = _body(environ)
    if data is None:
        return _reply(start_response, 400, {"detail": UNREADABLE})

    def run(ip):
        payload = DrawIn.model_validate(data)
        return draw_answer(payload.participant_key, ip)

    return _answer(environ, start_response, run)


def handle_submit(environ, start_response, token: str) -> list[bytes]:
    data = _body(environ)
    if data is None:
        return _reply(start_response, 400, {"detail": UNREADABLE})

    def run(ip):
        payload = SubmitIn.model_validate(data)
        return hotpath.submit(token=token, answers=payload.answers).as_dict()

    return _answer(environ, start_response, run)


def _submit_token(path: str) -> str | None:
    if path.startswith(_SUBMIT_PREFIX) and path.endswith(_SUBMIT_SUFFIX):
        token = path[len(_SUBMIT_PREFIX) : -len(_SUBMIT_SUFFIX)]
        if token and "/" not in token:
            return token
    return None


def wrap(django_app):
    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST":
            path = environ.get("PATH_INFO", "")
            if path == DRAW_PATH:
                return handle_draw(environ, start_response)
            token = _submit_token(path)
            if token is not None:
                return handle_submit(environ, start_response, token)
        return django_app(environ, start_response)

    return application
