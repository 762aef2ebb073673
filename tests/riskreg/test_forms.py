"""The shared form fields: a filter's select, and a choice of rows read once."""

import pytest
from django import forms
from django.test.html import parse_html

from commitments.models import Period, Person
from riskreg.shared.forms import FilterSelect, RowChoice
from tests.factories import make_period

CHOICES = [
    ("", "Any"),
    ("Fish & <chips>", [("cod", "Cod"), ("haddock", 'Haddock "large"')]),
    (7, "Seven"),
]


@pytest.mark.parametrize("value", ["", "haddock", 7, None])
def test_a_filter_select_writes_what_djangos_select_writes(value):
    attrs = {"id": "id_dish", "class": "form-select", "aria-invalid": "true", "disabled": True}
    ours = FilterSelect(attrs, choices=CHOICES).render("dish", value)
    djangos = forms.Select(attrs, choices=CHOICES).render("dish", value)
    assert parse_html(ours) == parse_html(djangos)
    assert "Fish &amp; &lt;chips&gt;" in ours and "Haddock &quot;large&quot;" in ours


def test_a_filter_select_marks_the_chosen_row_of_a_bound_form(db):
    periods = [make_period("2025/26 Q1"), make_period("2025/26 Q2")]

    class Filters(forms.Form):
        period = RowChoice(queryset=Period.objects.all(), widget=FilterSelect)

    html = str(Filters({"period": periods[0].pk})["period"])
    assert f'<option value="{periods[0].pk}" selected>2025/26 Q1</option>' in html
    assert f'<option value="{periods[1].pk}">2025/26 Q2</option>' in html


def test_a_choice_of_rows_reads_its_rows_once_however_often_it_is_shown(
    db, django_assert_num_queries
):
    Person.objects.bulk_create(Person(name=f"Person {i}") for i in range(5))

    class Filters(forms.Form):
        # empty_label=None: Django reads the rows to decide on `required`, then again to show them
        lead = RowChoice(queryset=Person.objects.all(), empty_label=None)

    form = Filters()
    with django_assert_num_queries(1):
        first, second = str(form["lead"]), str(form["lead"])
        assert len(form.fields["lead"].choices) == 5
    assert first == second and first.count("<option") == 5


def test_a_choice_of_rows_still_checks_a_posted_row_in_the_database(db):
    kept = Person.objects.create(name="Kept")

    class Filters(forms.Form):
        lead = RowChoice(queryset=Person.objects.all())

    form = Filters({"lead": kept.pk})
    assert len(form.fields["lead"].choices) == 2  # the rows, read and kept by the form
    kept.delete()
    assert not form.is_valid() and "lead" in form.errors
