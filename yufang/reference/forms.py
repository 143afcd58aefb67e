from django import forms

from yufang.core.widgets import StyledFormMixin

from .models import City, Industry, Position, Region, Synonym


class CityForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = City
        fields = ["code", "name", "province"]


class RegionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Region
        fields = ["city", "code", "name", "kind", "sort_order", "is_active"]


class IndustryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Industry
        fields = ["code", "name", "gbt4754_codes", "description", "is_focus", "is_new_form", "sort_order", "is_active"]


class PositionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Position
        fields = ["code", "name", "is_key", "sort_order", "is_active"]


class SynonymForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["text", "industry", "position"]
        help_texts = {"text": "花名册里的写法；只填与所选行业或岗位含义相同的写法，行业与岗位二选一。"}

    def clean(self):
        data = super().clean()
        if bool(data.get("industry")) == bool(data.get("position")):
            raise forms.ValidationError("请在行业与岗位中选择且只选择一项。")
        if data.get("text"):
            data["text"] = "".join(data["text"].split())
        return data
