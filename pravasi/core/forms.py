"""Form plumbing shared by the websites: Bootstrap styling with accessible errors, domain errors on fields."""

from django import forms

from .errors import DomainError


def apply_domain_error(form, error: DomainError) -> None:
    placed = False
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def style_form(form) -> None:
    for name, field in form.fields.items():
        widget = field.widget
        kind = getattr(widget, "input_type", "")
        if kind == "hidden":
            continue  # a hidden input has no label or help text to point at, and no look
        if kind in ("checkbox", "radio") or isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        classes = set(widget.attrs.get("class", "").split()) - {"is-invalid"}
        classes.add(css)
        if form.is_bound and form._errors is not None and name in form._errors:
            classes.add("is-invalid")
            widget.attrs["aria-invalid"] = "true"
        widget.attrs["class"] = " ".join(sorted(classes))
        if field.required:
            widget.attrs["aria-required"] = "true"
        widget.attrs["aria-describedby"] = f"id_{form.add_prefix(name)}_desc"


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def full_clean(self):
        super().full_clean()
        style_form(self)

    def add_error(self, field, error):
        super().add_error(field, error)
        style_form(self)
