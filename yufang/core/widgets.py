from django import forms


class StyledFormMixin:
    """Gives every widget Bootstrap's classes, and marks invalid fields, so templates stay plain."""

    compact = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size = " form-control-sm" if self.compact else ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select" + (" form-select-sm" if self.compact else "")
            else:
                css = "form-control" + size
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


# The empty choice of every select (Django 6.1's "- Select an option -" has no Chinese
# translation); CoreConfig.ready() installs it where Django reads it.
BLANK_CHOICE_LABEL = "— 请选择 —"
