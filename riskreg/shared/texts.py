"""How long a text people write may be: long enough for any real update or commentary, and
short enough that no one text can stop the committee paper from being rendered."""

from django.core.validators import MaxLengthValidator

TEXT = [MaxLengthValidator(5000)]  # an update, a commentary, a description, a note
NARRATIVE = [MaxLengthValidator(20000)]  # a paper's narrative section


def whole(text: str, otherwise, digits: int = 9):
    """`text` as a whole number of at most `digits` digits 0-9, else `otherwise`. (str.isdigit()
    also takes ² and other digits int() refuses, and int() refuses very long numbers.)"""
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return otherwise
