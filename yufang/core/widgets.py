from django import forms


class StyledFormMixin:
    """Gives every widget Bootstrap's classes, and marks invalid fields, so templates stay plain."""

    compact = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size = " form-control-sm" if self.compact else ""
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select" + (" form-select-sm" if self.compact else "")
            else:
                css = "form-control" + size
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
