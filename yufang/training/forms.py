from django import forms

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.listing import FilterForm
from yufang.core.upload_limits import upload_size_validator
from yufang.core.widgets import StyledFormMixin
from yufang.reference.models import Industry, Region

from .models import FlagKind, FlagSource, FlagStatus, SessionKind, SessionStatus, TrainingSession
from .services import SESSION_FIELDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def all_choice(choices):
    return [("", "全部"), *choices]


class SessionForm(StyledFormMixin, forms.ModelForm):
    enterprises = forms.ModelMultipleChoiceField(
        label="参训企业",
        queryset=Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = TrainingSession
        fields = SESSION_FIELDS
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None and project.regions.exists():
            self.fields["region"].queryset = project.regions.all()
        self.fields["industry"].queryset = Industry.objects.filter(is_active=True)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class SessionFilterForm(FilterForm):
    q = forms.CharField(label="主题或地点", required=False)
    kind = forms.ChoiceField(label="培训形式", choices=all_choice(SessionKind.choices), required=False)
    status = forms.ChoiceField(label="状态", choices=all_choice(SessionStatus.choices), required=False)
    region = forms.ModelChoiceField(label="区县", queryset=Region.objects.all(), required=False, empty_label="全部")


class RosterUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="花名册文件",
        help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GBK）。须含“姓名”“身份证号”列，身份证号列请设为文本格式。",
        validators=[upload_size_validator("spreadsheet")],
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xls", ".csv", ".xlsm")):
            raise forms.ValidationError("请上传 .xlsx、.xls 或 .csv 文件。")
        return f


class SignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号", max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"})
    )


class CodeForm(SignForm):
    session = forms.IntegerField(label="场次编号", min_value=1)
    code = forms.CharField(label="签到码", max_length=8, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    direction = forms.ChoiceField(label="操作", choices=[("in", "签到"), ("out", "签退")])

    field_order = ["session", "code", "direction", "name", "id_number"]


class MarkForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    signed_in_at = forms.DateTimeField(label="签到时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    signed_out_at = forms.DateTimeField(
        label="签退时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"], required=False
    )
    reason = forms.CharField(
        label="补录原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "wide": True}),
        help_text="人工补录会留痕，并在签到记录中标明“人工补录”。",
    )


class FlagFilterForm(FilterForm):
    source = forms.ChoiceField(label="来源", choices=all_choice(FlagSource.choices), required=False)
    status = forms.ChoiceField(label="状态", choices=all_choice(FlagStatus.choices), required=False)
    kind = forms.ChoiceField(label="类型", choices=all_choice(FlagKind.choices), required=False)
    year = forms.IntegerField(label="年度", required=False)
    # Set by links from a project's pages (its completion report); the list stays scoped.
    project = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
