from decimal import Decimal

from django import forms

from yufang.core.widgets import StyledFormMixin

DEFAULT_THRESHOLD = Decimal(10)


class EffectForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="培训年度", coerce=int)
    threshold = forms.DecimalField(
        label="受训占比不低于（%）",
        min_value=Decimal("0.1"),
        max_value=Decimal(100),
        decimal_places=1,
        initial=DEFAULT_THRESHOLD,
    )
    exclude_key = forms.BooleanField(label="不含当年重点企业", required=False)

    def __init__(self, data, *, years: list[int]):
        data = data.copy()
        if years and not data.get("year"):
            data["year"] = str(years[0])
        if not data.get("threshold"):
            data["threshold"] = str(DEFAULT_THRESHOLD)
        super().__init__(data)
        self.fields["year"].choices = [(y, f"{y} 年") for y in years]
