from django import forms

from yufang.core.widgets import StyledFormMixin

from .models import City, Industry, Position, Region


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
