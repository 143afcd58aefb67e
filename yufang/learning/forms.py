from decimal import Decimal

from django import forms

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.listing import FilterForm
from yufang.core.upload_limits import upload_size_validator
from yufang.core.widgets import StyledFormMixin
from yufang.plans.models import Plan
from yufang.reference.models import Industry, Position, Region

from .models import Course, CourseKind, Lesson, RegistrationStatus


class RegistrationFilterForm(FilterForm):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *RegistrationStatus.choices])


class LearnerFilterForm(FilterForm):
    name = forms.CharField(label="姓名", required=False)
    plan = forms.ModelChoiceField(label="年度", queryset=Plan.objects.all(), required=False)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            ("", "全部"),
            ("not_started", "未开始"),
            ("started", "已开始学习"),
            ("studying", "学习中"),
            ("completed", "已达标"),
            ("certified", "已获证书"),
        ],
    )
    region = forms.ModelChoiceField(label="区县", queryset=Region.objects.filter(is_active=True), required=False)


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Excel 或 CSV 文件",
        help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GBK）。",
        validators=[upload_size_validator("spreadsheet")],
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError("请上传 .xlsx、.xls 或 .csv 文件。")
        return f


class RegisterForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18)
    phone = forms.RegexField(label="手机号", regex=r"^1[3-9]\d{9}$", error_messages={"invalid": "请填写 11 位手机号。"})
    credit_code = forms.CharField(label="单位统一社会信用代码", max_length=18, help_text="请向本单位核实。")
    industry = forms.ModelChoiceField(label="行业", queryset=Industry.objects.filter(is_active=True))
    position = forms.ModelChoiceField(label="岗位", queryset=Position.objects.filter(is_active=True))
    password = forms.CharField(label="设置密码", widget=forms.PasswordInput, min_length=10)
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class CourseForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["code", "title", "summary", "provider", "industries", "positions"]
        widgets = {"industries": forms.CheckboxSelectMultiple, "positions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organisation.objects.filter(kind=OrganisationKind.PROVIDER)
        if user is not None and not user.has_role("programme_owner", "agency_staff"):
            del self.fields["provider"]


class LessonForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["order", "title", "kind", "class_hours", "duration_seconds", "video", "document", "body"]


class CurriculumForm(StyledFormMixin, forms.Form):
    plan = forms.ModelChoiceField(label="年度方案", queryset=Plan.objects.all())
    industry = forms.ModelChoiceField(
        label="行业", queryset=Industry.objects.all(), required=False, empty_label="所有行业"
    )
    position = forms.ModelChoiceField(
        label="岗位", queryset=Position.objects.all(), required=False, empty_label="所有岗位"
    )
    kind = forms.ChoiceField(label="类别", choices=CourseKind.choices)


class ExamForm(StyledFormMixin, forms.Form):
    draw = forms.CharField(
        label="抽题规则",
        help_text="每行一个“题目分类=题数”，如：危化品安全=5",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    time_limit_minutes = forms.IntegerField(label="限时（分钟）", min_value=1, initial=20)
    max_attempts = forms.IntegerField(label="可考次数", min_value=1, initial=3)
    pass_mark = forms.IntegerField(label="及格分", min_value=1, max_value=100, initial=60)

    def clean_draw(self):
        result = {}
        for number, line in enumerate(self.cleaned_data["draw"].splitlines(), start=1):
            if not line.strip():
                continue
            category, _, count = line.replace("＝", "=").partition("=")
            try:
                result[category.strip()] = int(count)
            except ValueError:
                raise forms.ValidationError(f"第 {number} 行应为“题目分类=题数”。") from None
        return result


def _whole_seconds(label: str, low: int, high: int | None = None, help_text: str = "") -> forms.IntegerField:
    span = f" {low} 至 {high} 之间的" if high else f"不小于 {low} 的"
    message = f"{label}须为{span}整数（秒）。"
    return forms.IntegerField(
        label=f"{label}（秒）",
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={"required": f"请填写{label}。", "invalid": message, "min_value": message, "max_value": message},
    )


class StudyRuleForm(StyledFormMixin, forms.Form):
    """The year's study settings. The elective hours belong to the plan: editable here only
    where the plan itself may be changed, otherwise shown with the reason why not."""

    online_elective_hours = forms.DecimalField(
        label="线上选修学时下限（学时）",
        min_value=Decimal("0"),
        max_digits=4,
        decimal_places=1,
        help_text="达标规则：必修课程之外每人至少完成的选修学时（写在年度实施方案中）。",
        error_messages={
            "required": "请填写选修学时下限。",
            "invalid": "选修学时须为数字，如 2 或 1.5。",
            "min_value": "选修学时不能为负数。",
            "max_decimal_places": "选修学时最多保留一位小数。",
            "max_digits": "选修学时不能超过 999.9。",
            "max_whole_digits": "选修学时不能超过 999.9。",
        },
    )
    beat_cap_seconds = _whole_seconds(
        "每次心跳最多计入", 1, 120, "两次心跳之间无论隔多久，最多计入这么多秒；不能小于心跳间隔。"
    )
    check_min_seconds = _whole_seconds(
        "随机验证最短间隔", 1, help_text="按计入的学习时长，在最短与最长间隔之间随机弹出验证。"
    )
    check_max_seconds = _whole_seconds("随机验证最长间隔", 1, help_text="不能短于最短间隔。")
    daily_cap_hours = forms.DecimalField(
        label="每日计入学时上限（学时）",
        min_value=Decimal("0.1"),
        max_digits=4,
        decimal_places=1,
        help_text="一名学员一天内最多计入的学习时长，以学时计。",
        error_messages={
            "required": "请填写每日计入学时上限。",
            "invalid": "每日上限须为数字，如 8 或 6.5。",
            "min_value": "每日上限须大于 0。",
            "max_decimal_places": "每日上限最多保留一位小数。",
            "max_digits": "每日上限不能超过 999.9 学时。",
            "max_whole_digits": "每日上限不能超过 999.9 学时。",
        },
    )

    def __init__(self, *args, elective_editable: bool = True, elective_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if not elective_editable:
            field = self.fields["online_elective_hours"]
            field.disabled = True
            field.help_text = f"{field.help_text}{elective_reason}"
