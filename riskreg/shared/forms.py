"""Form fields as a browser shows and posts them, and the form every Record is edited with."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from riskreg.shared.records import StaleEdit
from riskreg.shared.texts import whole

STALE_FORM = "This form is out of date: reload the page and make your change again."


def posted_version(request) -> int | None:
    """The lock_version a page posted back (see Record), or None when it is missing or is
    not a version number at all: the caller answers STALE_FORM."""
    return whole(request.POST.get("lock_version", ""), None)


class DateInput(forms.DateInput):
    """A browser's date box. It shows and posts YYYY-MM-DD, whatever the site's language;
    given 26/03/2026 it shows nothing and posts nothing back."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class Prose(forms.CharField):
    """Text from a textarea. Browsers post its line ends as CRLF; stored text has LF, so an
    untouched textarea is unchanged and a saved one reads the same everywhere."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class ManyRows(forms.ModelMultipleChoiceField):
    """Django's choice of many rows, refusing a posted value that cannot be a row's id
    before it reaches the database: SQLite answers a number over 2⁶³ with OverflowError."""

    def _check_values(self, value):
        for pk in value:
            if whole(str(pk), None, digits=18) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(pk)[:40]},
                )
        return super()._check_values(value)


class Filters(forms.Form):
    """The filters above a list, from the page's GET."""

    def applied(self) -> dict:
        """The filters asked for that are valid: a wrong one is left out, and shown with its
        error, rather than dropping the others."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


class ReadOnce(forms.models.ModelChoiceIterator):
    """A choice field's rows read once per form, with a plain query.

    Django's iterator reads them again each time the choices are iterated (a select is
    iterated twice as it renders) and through queryset.iterator(), which on PostgreSQL is
    a server-side cursor: three round trips. On the commitments list's filters that was
    1.3 ms of the 15 ms page (make bench, list throughput).
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # the form's own copy of the queryset, so its cache too
            yield self.choice(obj)

    def __len__(self):
        return len(self.queryset) + (self.field.empty_label is not None)


class FilterSelect(forms.Select):
    """Django's select, its options written here rather than by two templates each.

    Django renders select_option.html and attrs.html for every option. The commitments
    list's filters have 63 options, and that was a third of a gunicorn worker's time on
    the page: on two workers, the list served 100 requests a second, 0.20 of the trivial
    view (make bench's target is 0.3); with this, 155. The markup is Django's,
    with the attributes Django gives the select and each option.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = [options_html(label, options) for label, options, _ in widget["optgroups"]]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(groups)),  # each part is made by format_html
        )


def options_html(label: str | None, options: list[dict]) -> str:
    html = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((option["value"], flatatt(option["attrs"]), option["label"]) for option in options),
    )
    return format_html('<optgroup label="{}">{}</optgroup>', label, html) if label else html


class RowChoice(forms.ModelChoiceField):
    """Django's choice of one row, its rows read once per form (ReadOnce)."""

    iterator = ReadOnce


def formfield(field: models.Field, **kwargs):
    """Model fields as browser fields: dates in date boxes, long text as Prose."""
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        kwargs.setdefault("widget", DateInput)
    if isinstance(field, models.TextField) and not field.choices:
        kwargs.setdefault("form_class", Prose)
    if isinstance(field, models.ManyToManyField):
        kwargs.setdefault("form_class", ManyRows)
    return field.formfield(**kwargs)


class RecordForm(forms.ModelForm):
    """Edits a riskreg.shared.records.Record; carries the lock_version the editor saw.

    Subclasses declare `class Meta(RecordForm.Meta)` so dates and text get browser fields.
    A missing lock_version is refused like a stale one: the save is never unchecked.
    """

    lock_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=2**31 - 2,  # the column's range, less the save that adds one
        error_messages={
            "required": STALE_FORM,
            "invalid": STALE_FORM,
            "min_value": STALE_FORM,
            "max_value": STALE_FORM,
        },
    )

    class Meta:
        formfield_callback = formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version

    def _post_clean(self):
        if "lock_version" in self.cleaned_data:
            self.instance.lock_version = self.cleaned_data["lock_version"]
        super()._post_clean()

    def save_or_explain(self) -> bool:
        """Save; when the model's rules or a newer save refuse it, say why on the form.

        Refused as stale, the form keeps what the user typed but now carries the version
        saved meanwhile, so once they have checked it against the record they can save.
        """
        try:
            self.save()
        except ValidationError as error:
            self.add_error(None, error)
            if isinstance(error, StaleEdit):
                self.carry_current_version()
            return False
        return True

    def carry_current_version(self) -> None:
        stored = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        current = stored.values_list("lock_version", flat=True).first()
        if current is not None:
            self.data = self.data.copy()
            self.data[self.add_prefix("lock_version")] = current
