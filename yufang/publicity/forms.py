from django import forms

from yufang.core.listing import FilterForm
from yufang.core.widgets import StyledFormMixin
from yufang.reference.models import Region

from . import fields as kind_fields
from .models import Deliverable, DeliverableKind, DeliverableStatus, EvidenceType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def all_choice(choices):
    return [("", "全部"), *choices]


class DeliverableKindForm(StyledFormMixin, forms.ModelForm):
    fields_text = forms.CharField(
        label="记录字段",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"每行一个字段：{kind_fields.LINE_FORMAT}。类型可用：{'、'.join(kind_fields.TYPES.values())}。",
    )
    evidence_types = forms.MultipleChoiceField(
        label="佐证文件类型",
        choices=EvidenceType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="上传时按文件内容识别类型，扩展名不作数。",
    )

    class Meta:
        model = DeliverableKind
        fields = [
            "code",
            "name",
            "unit",
            "indicator_kind",
            "evidence_types",
            "evidence_note",
            "evidence_min",
            "sort_order",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["fields_text"].initial = kind_fields.to_lines(self.instance.fields)

    def clean_fields_text(self):
        try:
            return kind_fields.parse_lines(self.cleaned_data["fields_text"])
        except forms.ValidationError as e:
            raise forms.ValidationError(e.messages) from None

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "fields_text"}
        data["fields"] = self.cleaned_data["fields_text"]
        return data


def _field_for(spec: dict) -> forms.Field:
    label, required = spec["label"], spec.get("required", True)
    kind = spec["type"]
    if kind == "int":
        return forms.IntegerField(label=label, required=required, min_value=0)
    if kind == "date":
        return forms.DateField(label=label, required=required, widget=DATE)
    if kind == "datetime":
        return forms.DateTimeField(
            label=label,
            required=required,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        )
    if kind == "url":
        return forms.URLField(label=label, required=required, assume_scheme="https")
    if kind == "choice":
        return forms.ChoiceField(
            label=label, required=required, choices=[("", "请选择"), *[(c, c) for c in spec["choices"]]]
        )
    if kind == "textarea":
        return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))
    return forms.CharField(label=label, required=required, max_length=200)


class DeliverableForm(StyledFormMixin, forms.ModelForm):
    """The common fields and, after them, the fields the kind records (named f_<code>)."""

    regions = forms.ModelMultipleChoiceField(
        label="面向区县",
        queryset=Region.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="成果面向的区县，这些区县的人社局可查看；全市性的成果不选。",
    )

    class Meta:
        model = Deliverable
        fields = ["title", "quantity", "delivered_on"]
        widgets = {"delivered_on": DATE}

    def __init__(self, *args, kind: DeliverableKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["quantity"].label = f"数量（{kind.unit}）"
        self.fields["quantity"].min_value = 1
        for spec in kind.fields:
            name = f"f_{spec['name']}"
            self.fields[name] = _field_for(spec)
            if self.instance.pk and spec["name"] in self.instance.details:
                value = self.instance.details[spec["name"]]
                self.initial[name] = str(value).replace("T", " ") if spec["type"] == "datetime" else value
        if self.instance.pk:
            self.initial["regions"] = list(self.instance.regions.all())

    def data_for_service(self) -> tuple[dict, list]:
        data = {k: self.cleaned_data[k] for k in ("title", "quantity", "delivered_on")}
        data["details"] = {
            spec["name"]: self.cleaned_data.get(f"f_{spec['name']}")
            for spec in self.kind.fields
            if self.cleaned_data.get(f"f_{spec['name']}") not in (None, "")
        }
        return data, list(self.cleaned_data["regions"])


class EvidenceForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="佐证文件",
        help_text="JPG/PNG 图片、PDF 或 MP4 视频，按文件内容识别；同一文件用于两项成果时会标记为异常线索。",
    )


class DeliverableFilterForm(FilterForm):
    q = forms.CharField(label="名称、项目或机构", required=False)
    kind = forms.ModelChoiceField(
        label="成果类型", queryset=DeliverableKind.objects.all(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(label="状态", choices=all_choice(DeliverableStatus.choices), required=False)
    region = forms.ModelChoiceField(label="面向区县", queryset=Region.objects.all(), required=False, empty_label="全部")


class PlanForm(StyledFormMixin, forms.Form):
    """A planned quantity per active kind, with the agreement's minimum beside it."""

    def __init__(self, *args, kinds, current: dict[int, int], minimums: dict[str, tuple[str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(kinds)
        for kind in self.kinds:
            help_text = ""
            if kind.indicator_kind in minimums:
                label, minimum = minimums[kind.indicator_kind]
                help_text = f"协议约定「{label}」{minimum}（与同一指标的其他类型合计）。"
            self.fields[f"kind_{kind.pk}"] = forms.IntegerField(
                label=f"{kind.name}（{kind.unit}）",
                min_value=0,
                initial=current.get(kind.pk, 0),
                help_text=help_text,
            )

    def planned(self) -> dict[int, int]:
        return {kind.pk: self.cleaned_data[f"kind_{kind.pk}"] for kind in self.kinds}


class PlanFilterForm(FilterForm):
    kind = forms.ModelChoiceField(
        label="成果类型", queryset=DeliverableKind.objects.all(), required=False, empty_label="全部"
    )
    q = forms.CharField(label="项目或机构", required=False)
