from django import forms
from django.utils import timezone

from yufang.accounts.models import validate_credit_code
from yufang.core.listing import FilterForm
from yufang.core.upload_limits import upload_size_validator
from yufang.core.widgets import StyledFormMixin
from yufang.reference.models import Industry, Region

from .models import EnterpriseProfile
from .services import PROFILE_FIELDS


class EnterpriseForm(StyledFormMixin, forms.ModelForm):
    name = forms.CharField(label="企业名称", max_length=100)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, validators=[validate_credit_code])
    region = forms.ModelChoiceField(label="所在区县", queryset=Region.objects.all(), required=False)

    field_order = ["name", "credit_code", "region", *PROFILE_FIELDS]

    class Meta:
        model = EnterpriseProfile
        fields = PROFILE_FIELDS

    def __init__(self, *args, organisation_fields: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(is_active=True)
        if not organisation_fields:
            for name in ("name", "credit_code", "region"):
                del self.fields[name]


class EnterpriseFilterForm(FilterForm):
    q = forms.CharField(label="名称或信用代码", required=False)
    industry = forms.ModelChoiceField(label="行业", queryset=Industry.objects.all(), required=False, empty_label="全部")
    region = forms.ModelChoiceField(label="区县", queryset=Region.objects.all(), required=False, empty_label="全部")
    hazchem = forms.ChoiceField(label="危化品许可", choices=[("", "全部"), ("yes", "有许可")], required=False)


class RankingForm(StyledFormMixin, forms.Form):
    compact = True
    industry = forms.ModelChoiceField(label="行业", queryset=Industry.objects.filter(is_focus=True))
    year = forms.IntegerField(label="统计年度", min_value=2000, max_value=2100)
    key_year = forms.IntegerField(
        label="确定重点企业的年度", min_value=2000, max_value=2100, required=False, help_text="不填为统计年度的下一年。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["key_year"].widget.attrs["placeholder"] = "统计年度的下一年"

    def clean(self):
        data = super().clean()
        if data.get("year") is not None and data.get("key_year") is None:
            data["key_year"] = data["year"] + 1
        return data


class ImportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[("register", "企业名录"), ("statistics", "工伤统计")])
    file = forms.FileField(
        label="文件",
        help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GBK）。",
        validators=[upload_size_validator("spreadsheet")],
    )
