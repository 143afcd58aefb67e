"""The versioned JSON API's shared parts: session authentication (with CSRF), error handling
in Chinese, and the scoped-object helper. config/api.py assembles the apps' routers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from ninja.security import APIKeyCookie

from .scoping import get_scoped_or_404

PASSWORD_CHANGE_FIRST = "请先在网页上修改临时密码，再使用 API。"


def api_user(user):
    """The user an API request acts as, once authenticated (by token or session). An account
    with a temporary password must set its own first, in the API as on the pages."""
    if getattr(user, "must_change_password", False):
        raise PermissionDenied(PASSWORD_CHANGE_FIRST)
    return user


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session; unsafe methods need the CSRF token, as on pages."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return api_user(user)
        return None


# Pydantic's error types in the words a user reads; anything else is "格式不正确".
SCHEMA_ERRORS = {
    "missing": "必填",
    "extra_forbidden": "不允许的字段",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "decimal_parsing": "须为数字",
    "decimal_type": "须为数字",
    "decimal_max_digits": "位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数位数过多",
    "finite_number": "须为有限的数字",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "string_type": "须为文本",
    "string_too_short": "不能为空或过短",
    "string_too_long": "过长",
    "date_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "date_type": "须为日期（YYYY-MM-DD）",
    "datetime_parsing": "须为日期时间",
    "datetime_type": "须为日期时间",
    "greater_than": "过小",
    "greater_than_equal": "过小",
    "less_than": "过大",
    "less_than_equal": "过大",
    "enum": "不是可选的值",
    "literal_error": "不是可选的值",
    "list_type": "须为列表",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为对象",
    "too_long": "项数过多",
    "too_short": "项数过少",
    "json_invalid": "不是有效的 JSON",
    "value_error": "不合格",
}


def schema_errors(errors: list[dict]) -> dict[str, list[str]]:
    """Pydantic's errors by field ("body.name") in Chinese; the location names the field."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("payload", "filters")]
        field = ".".join(loc) or "请求"
        by_field.setdefault(field, []).append(SCHEMA_ERRORS.get(error.get("type", ""), "格式不正确"))
    return by_field


class PageNumberPagination(NinjaPageNumberPagination):
    """django-ninja's page numbers, bounded: a page far beyond any list made an offset the
    database cannot take (SQLite: "datatype mismatch", a 500)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1_000)


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

    @api.exception_handler(SchemaError)
    def schema_invalid(request, exc):
        errors = schema_errors(exc.errors)
        detail = "请求内容不合格：" + "；".join(f"{k}：{'，'.join(v)}" for k, v in errors.items()) + "。"
        return api.create_response(request, {"detail": detail, "errors": errors}, status=422)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        # django-ninja's own messages (an unreadable body, a failed CSRF check) are English.
        detail = str(exc)
        if exc.status_code == 400:
            detail = "请求内容无法解析，请发送有效的 JSON。"
        elif detail == "CSRF check Failed":
            detail = "CSRF 校验失败：请刷新页面后重试，或改用 API 令牌。"
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    @api.exception_handler(OverflowError)
    def out_of_range(request, exc):
        # A whole number beyond what the database stores (SQLite: 64 bits) in a body or query.
        return api.create_response(request, {"detail": "数值超出允许范围。"}, status=422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"detail": "未登录或令牌无效。"}, status=401)

    return api


def scoped_object(request, queryset, **lookup):
    return get_scoped_or_404(request.auth, queryset, **lookup)
