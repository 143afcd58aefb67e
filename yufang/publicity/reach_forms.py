"""Forms of the reach pages: a video's view reading, a push's audience and delivery report, a
print run's quantities and a distribution with its receipt, the reach page's filters."""

from django import forms

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.listing import FilterForm
from yufang.core.widgets import StyledFormMixin
from yufang.projects.models import Project
from yufang.reference.models import Industry, Region

from .models import AudienceKind, DeliverableKind, DistributionStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ViewReadingForm(StyledFormMixin, forms.Form):
    platform = forms.CharField(label="平台", max_length=50, help_text="如 抖音、微信视频号、5G 智媒平台")
    read_on = forms.DateField(label="统计日期", widget=DATE)
    views = forms.IntegerField(label="累计播放量", min_value=0, max_value=10**12)
    note = forms.CharField(label="说明", max_length=200, required=False, help_text="如 后台截图的位置")


class AudienceForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="推送对象", choices=AudienceKind.choices, widget=forms.RadioSelect)
    industries = forms.ModelMultipleChoiceField(
        label="行业",
        queryset=Industry.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    districts = forms.ModelMultipleChoiceField(
        label="区县",
        queryset=Region.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    enterprises = forms.ModelMultipleChoiceField(
        label="企业名单",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    planned_reach = forms.IntegerField(label="计划触达人数", min_value=1, max_value=10**9)

    def __init__(self, *args, city_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = Region.objects.filter(is_active=True, city_id=city_id)
        self.fields["enterprises"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.ENTERPRISE, city_id=city_id, is_active=True
        ).order_by("name")
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class ReportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="运营商送达报告",
        help_text="Excel（.xlsx/.xls）或 CSV；表头含 日期、发送数、送达数、打开数，可有 区县、行业。",
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError("请上传 .xlsx、.xls 或 .csv 文件。")
        return file


class StockForm(StyledFormMixin, forms.Form):
    ordered = forms.IntegerField(label="订制数量（份）", min_value=0, max_value=10**9)
    received = forms.IntegerField(label="到货数量（份）", min_value=0, max_value=10**9)


class DistributionForm(StyledFormMixin, forms.Form):
    region = forms.ModelChoiceField(
        label="发放到区县",
        queryset=Region.objects.none(),
        required=False,
        help_text="发给区县人社局时选择区县；发给企业时可不选。",
    )
    enterprise = forms.ModelChoiceField(label="发放到企业", queryset=Organisation.objects.none(), required=False)
    quantity = forms.IntegerField(label="发放数量（份）", min_value=1, max_value=10**9)
    distributed_on = forms.DateField(label="发放日期", widget=DATE)
    receipt = forms.FileField(label="签收单", help_text="签字盖章的签收单照片（JPG/PNG）或 PDF，按文件内容识别。")

    def __init__(self, *args, city_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(is_active=True, city_id=city_id)
        self.fields["enterprise"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.ENTERPRISE, city_id=city_id, is_active=True
        ).order_by("name")


class DistributionFilterForm(FilterForm):
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *DistributionStatus.choices], required=False)
    region = forms.ModelChoiceField(label="区县", queryset=Region.objects.all(), required=False, empty_label="全部")
    q = forms.CharField(label="资料、企业或机构", required=False)


class ReachFilterForm(FilterForm):
    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none(), required=False, empty_label="全部")
    kind = forms.ModelChoiceField(
        label="成果类型", queryset=DeliverableKind.objects.all(), required=False, empty_label="全部"
    )
    region = forms.ModelChoiceField(label="区县", queryset=Region.objects.all(), required=False, empty_label="全部")

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
