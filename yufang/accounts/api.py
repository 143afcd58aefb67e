from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from ninja.security import HttpBearer

from yufang.core.api import PageNumberPagination, api_user, scoped_object
from yufang.core.masking import mask_phone

from . import services
from .models import Organisation, OrganisationKind, Role, User
from .permissions import can_manage_user
from .selectors import organisation_list, user_list

router = Router(tags=["机构与账号"])


class TokenAuth(HttpBearer):
    """`Authorization: Bearer yf_...` from the user's API token page."""

    def authenticate(self, request, token):
        user = services.token_authenticate(raw=token)
        if user is not None:
            request.user = api_user(user)
        return user


class OrganisationOut(Schema):
    id: int
    kind: OrganisationKind
    kind_label: str = Field(alias="get_kind_display")
    name: str
    short_name: str
    credit_code: str
    city_id: int
    region_id: int | None
    is_active: bool


class OrganisationIn(Schema):
    kind: OrganisationKind
    name: str
    short_name: str = ""
    credit_code: str = ""
    city_id: int
    region_id: int | None = None
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    is_active: bool = True


class OrganisationPatch(Schema):
    name: str | None = None
    short_name: str | None = None
    credit_code: str | None = None
    region_id: int | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    is_active: bool | None = None


class OrganisationFilter(FilterSchema):
    q: str = ""
    kind: str = ""


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    phone_masked: str
    organisation_id: int | None
    roles: list[Role]
    is_active: bool

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        return sorted(r.role for r in obj.roles.all())


class UserIn(Schema):
    username: str
    display_name: str
    organisation_id: int
    roles: list[Role]
    phone: str = ""
    email: str = ""


class UserCreated(Schema):
    user: UserOut
    temporary_password: str


class UserPatch(Schema):
    display_name: str | None = None
    phone: str | None = None
    email: str | None = None
    is_active: bool | None = None
    roles: list[Role] | None = None


class UserFilter(FilterSchema):
    q: str = ""
    role: str = ""
    organisation_kind: str = ""


@router.get("/me", response=UserOut, summary="当前用户")
def me(request):
    return User.objects.prefetch_related("roles").get(pk=request.auth.pk)


@router.get("/organisations", response=list[OrganisationOut], summary="机构列表")
@paginate(PageNumberPagination, page_size=50)
def organisations(request, filters: Query[OrganisationFilter]):
    return organisation_list(user=request.auth, q=filters.q, kind=filters.kind)


@router.get("/organisations/{int:pk}", response=OrganisationOut, summary="机构详情")
def organisation(request, pk: int):
    return scoped_object(request, Organisation, pk=pk)


def _organisation_data(payload: Schema, *, exclude_unset: bool) -> dict:
    from yufang.reference.models import City, Region

    data = payload.dict(exclude_unset=exclude_unset)
    if "city_id" in data:
        data["city"] = get_object_or_404(City, pk=data.pop("city_id"))
    if "region_id" in data:
        region_id = data.pop("region_id")
        data["region"] = get_object_or_404(Region, pk=region_id) if region_id else None
    return data


@router.post("/organisations", response={201: OrganisationOut}, summary="新增机构")
def organisation_create(request, payload: OrganisationIn):
    return 201, services.organisation_create(actor=request.auth, data=_organisation_data(payload, exclude_unset=False))


@router.patch("/organisations/{int:pk}", response=OrganisationOut, summary="修改机构")
def organisation_update(request, pk: int, payload: OrganisationPatch):
    obj = scoped_object(request, Organisation, pk=pk)
    return services.organisation_update(
        actor=request.auth, organisation=obj, data=_organisation_data(payload, exclude_unset=True)
    )


@router.get("/users", response=list[UserOut], summary="账号列表")
@paginate(PageNumberPagination, page_size=50)
def users(request, filters: Query[UserFilter]):
    return user_list(user=request.auth, q=filters.q, role=filters.role, organisation_kind=filters.organisation_kind)


@router.get("/users/{int:pk}", response=UserOut, summary="账号详情")
def user(request, pk: int):
    return scoped_object(request, User.objects.prefetch_related("roles"), pk=pk)


@router.post("/users", response={201: UserCreated}, summary="新增账号（返回一次性临时密码）")
def user_create(request, payload: UserIn):
    organisation = scoped_object(request, Organisation, pk=payload.organisation_id)
    created, temporary = services.user_create(
        actor=request.auth,
        organisation=organisation,
        username=payload.username,
        roles={str(r) for r in payload.roles},
        display_name=payload.display_name,
        phone=payload.phone,
        email=payload.email,
    )
    return 201, {"user": created, "temporary_password": temporary}


@router.patch("/users/{int:pk}", response=UserOut, summary="修改账号")
def user_update(request, pk: int, payload: UserPatch):
    target = scoped_object(request, User.objects.select_related("organisation"), pk=pk)
    allowed, reason = can_manage_user(request.auth, target)
    if not allowed:
        raise PermissionDenied(reason)
    data = payload.dict(exclude_unset=True)
    roles = data.pop("roles", None)
    services.user_update(
        actor=request.auth, user=target, data=data, roles={str(r) for r in roles} if roles is not None else None
    )
    return User.objects.prefetch_related("roles").get(pk=pk)
