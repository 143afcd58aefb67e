from django import forms
from django.contrib.auth.forms import AuthenticationForm

from yufang.core.listing import FilterForm
from yufang.core.widgets import StyledFormMixin
from yufang.reference.models import Region

from .models import Organisation, OrganisationKind, Role, User


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续失败 5 次将锁定 15 分钟。",
        "inactive": "该账号已停用，请联系管理员。",
    }


class PasswordChangeForm(StyledFormMixin, forms.Form):
    old_password = forms.CharField(
        label="原密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password1 = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 10 个字符，不能是常见密码，不能全为数字，不能与用户名相近。",
    )
    new_password2 = forms.CharField(
        label="确认新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class ProfileForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "phone", "email"]


class OrganisationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "short_name",
            "credit_code",
            "city",
            "region",
            "address",
            "contact_name",
            "contact_phone",
            "is_active",
        ]


class UserForm(StyledFormMixin, forms.Form):
    username = forms.RegexField(
        label="用户名",
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        error_messages={"invalid": "用户名为 3–30 位字母、数字或 _ . -。"},
    )
    display_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    organisation = forms.ModelChoiceField(label="所属机构", queryset=Organisation.objects.none())
    roles = forms.MultipleChoiceField(label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, organisations=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
        self.fields["roles"].widget.attrs["class"] = ""
        if editing:
            self.fields["username"].disabled = True
            self.fields["organisation"].disabled = True
        else:
            del self.fields["is_active"]


class OrganisationFilterForm(FilterForm):
    q = forms.CharField(label="名称/信用代码", required=False)
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部")] + OrganisationKind.choices)
    region = forms.ModelChoiceField(label="区县", required=False, queryset=Region.objects.all(), empty_label="全部")


class UserFilterForm(FilterForm):
    q = forms.CharField(label="用户名/姓名", required=False)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部")] + Role.choices)
    organisation_kind = forms.ChoiceField(
        label="机构类型", required=False, choices=[("", "全部")] + OrganisationKind.choices
    )
    is_active = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), ("1", "启用"), ("0", "停用")])


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="用途", max_length=100)
    days = forms.TypedChoiceField(
        label="有效期",
        coerce=int,
        choices=[(30, "30 天"), (90, "90 天"), (365, "1 年")],
        initial=90,
    )
