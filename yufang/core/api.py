"""The versioned JSON API's shared parts: session authentication (with CSRF), error handling
in Chinese, and the scoped-object helper. config/api.py assembles the apps' routers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie

from .scoping import get_scoped_or_404


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session; unsafe methods need the CSRF token, as on pages."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


def build_api(*, auth: list) -> NinjaAPI:
    api = NinjaAPI(
        title="工伤预防管理平台 API",
        version="1",
        description="按角色与机构范围返回数据：他机构的记录与不存在的记录一样返回 404。",
        urls_namespace="api-v1",
        auth=auth,
        openapi_url="/openapi.json",
        docs_url="/docs",
    )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "未找到该记录。"}, status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, {"detail": str(exc) or "无权执行此操作。"}, status=403)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        if hasattr(exc, "error_dict"):
            errors = {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
            detail = "；".join("，".join(v) if k == "__all__" else f"{k}：{'，'.join(v)}" for k, v in errors.items())
            return api.create_response(request, {"detail": detail, "errors": errors}, status=422)
        status = 429 if getattr(exc, "code", None) == "throttled" else 422  # core.throttle.Throttled
        return api.create_response(request, {"detail": "；".join(exc.messages)}, status=status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"detail": "未登录或令牌无效。"}, status=401)

    return api


def scoped_object(request, queryset, **lookup):
    return get_scoped_or_404(request.auth, queryset, **lookup)
