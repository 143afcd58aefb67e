from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yufang.core.audit import history
from yufang.core.forms import form_errors_from
from yufang.core.listing import Column, list_response
from yufang.core.masking import mask_phone
from yufang.core.scoping import get_scoped_or_404, scoped

from . import services
from .forms import (
    LoginForm,
    OrganisationFilterForm,
    OrganisationForm,
    PasswordChangeForm,
    ProfileForm,
    TokenForm,
    UserFilterForm,
    UserForm,
)
from .models import ApiToken, Notification, Organisation, User
from .permissions import (
    can_manage_any_users,
    can_manage_organisations,
    can_manage_user,
    can_manage_users_of,
    can_use_api_tokens,
)
from .selectors import organisation_list, organisations_managed_by, user_list


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                form_errors_from(form, e)
            else:
                form.add_error("new_password1", e)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "个人信息已保存。")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


# --- API tokens -----------------------------------------------------------------------------


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    allowed, reason = can_use_api_tokens(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    form = TokenForm(request.POST or None)
    raw_key = None
    if request.method == "POST" and form.is_valid():
        _, raw_key = services.token_create(actor=request.user, **form.cleaned_data)
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": scoped(request.user, ApiToken), "raw_key": raw_key},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_scoped_or_404(request.user, ApiToken, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"令牌「{token.name}」已吊销。")
    return redirect("accounts:tokens")


# --- Organisations --------------------------------------------------------------------------

ORGANISATION_COLUMNS = [
    Column("名称", lambda o: o.name, 32),
    Column("类型", lambda o: o.get_kind_display(), 18),
    Column("统一社会信用代码", lambda o: o.credit_code, 22),
    Column("区县", lambda o: o.region.name if o.region else "", 12),
    Column("联系人", lambda o: o.contact_name, 10),
    Column("联系电话", lambda o: mask_phone(o.contact_phone), 14),
    Column("状态", lambda o: "启用" if o.is_active else "停用", 8),
]


@login_required
def organisation_index(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET)
    return list_response(
        request,
        queryset=organisation_list(user=request.user, **form.values()),
        filter_form=form,
        template="accounts/organisation_list.html",
        export_columns=ORGANISATION_COLUMNS,
        export_name="机构",
        context={"can_manage": can_manage_organisations(request.user)[0]},
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_scoped_or_404(request.user, Organisation.objects.select_related("region", "city"), pk=pk)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": scoped(request.user, User).filter(organisation=organisation).prefetch_related("roles"),
            "history": history(organisation),
            "can_manage": can_manage_organisations(request.user)[0],
            "can_manage_users": can_manage_users_of(request.user, organisation)[0],
        },
    )


def _organisation_form(request, instance=None):
    return OrganisationForm(request.POST or None, instance=instance)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    allowed, reason = can_manage_organisations(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    form = _organisation_form(request)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(actor=request.user, data=form.cleaned_data)
        messages.success(request, f"已新增机构「{organisation}」。")
        return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_scoped_or_404(request.user, Organisation, pk=pk)
    allowed, reason = can_manage_organisations(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    form = _organisation_form(request, get_scoped_or_404(request.user, Organisation, pk=pk))
    if request.method == "POST" and form.is_valid():
        services.organisation_update(actor=request.user, organisation=organisation, data=form.cleaned_data)
        messages.success(request, "机构信息已保存。")
        return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})


# --- Users ----------------------------------------------------------------------------------

USER_COLUMNS = [
    Column("用户名", lambda u: u.username, 16),
    Column("姓名", lambda u: u.display_name, 10),
    Column("所属机构", lambda u: u.organisation.name if u.organisation else "", 30),
    Column("角色", lambda u: "、".join(r.get_role_display() for r in u.roles.all()), 24),
    Column("手机号", lambda u: mask_phone(u.phone), 14),
    Column("状态", lambda u: "启用" if u.is_active else "停用", 8),
    Column("最近登录", lambda u: u.last_login, 20),
]


@login_required
def user_index(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET)
    return list_response(
        request,
        queryset=user_list(user=request.user, **form.values()),
        filter_form=form,
        template="accounts/user_list.html",
        export_columns=USER_COLUMNS,
        export_name="用户",
        context={"can_create": can_manage_any_users(request.user)},
    )


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_scoped_or_404(request.user, User.objects.select_related("organisation"), pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "member": member,
            "history": history(member),
            "can_manage": can_manage_user(request.user, member)[0],
        },
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_any_users(request.user):
        raise PermissionDenied("您没有创建账号的权限。")
    initial = {}
    if org_id := request.GET.get("organisation"):
        initial["organisation"] = org_id
    form = UserForm(request.POST or None, organisations=organisations_managed_by(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member, temporary = services.user_create(
                actor=request.user,
                organisation=data["organisation"],
                username=data["username"],
                roles=set(data["roles"]),
                display_name=data["display_name"],
                phone=data["phone"],
                email=data["email"],
            )
        except ValidationError as e:
            form_errors_from(form, e)
        except PermissionDenied as e:
            form.add_error("roles", str(e))
        else:
            return render(request, "accounts/user_created.html", {"member": member, "temporary": temporary})
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_scoped_or_404(request.user, User.objects.select_related("organisation"), pk=pk)
    allowed, reason = can_manage_user(request.user, member)
    if not allowed:
        raise PermissionDenied(reason)
    initial = {
        "username": member.username,
        "display_name": member.display_name,
        "phone": member.phone,
        "email": member.email,
        "organisation": member.organisation_id,
        "roles": sorted(member.role_set),
        "is_active": member.is_active,
    }
    form = UserForm(
        request.POST or None,
        organisations=Organisation.objects.filter(pk=member.organisation_id),
        initial=initial,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=member,
                data={k: data[k] for k in ("display_name", "phone", "email", "is_active")},
                roles=set(data["roles"]),
            )
        except ValidationError as e:
            form_errors_from(form, e)
        except PermissionDenied as e:
            form.add_error("roles", str(e))
        else:
            messages.success(request, "账号已保存。")
            return redirect("accounts:user_detail", pk=member.pk)
    return render(request, "accounts/user_form.html", {"form": form, "member": member})


@login_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_scoped_or_404(request.user, User.objects.select_related("organisation"), pk=pk)
    temporary = services.user_reset_password(actor=request.user, user=member)
    return render(request, "accounts/user_created.html", {"member": member, "temporary": temporary, "reset": True})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_scoped_or_404(request.user, Notification, pk=pk)
    services.notification_read(actor=request.user, notification=notification)
    return redirect("core:home")
