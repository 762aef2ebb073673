"""How long a text people write may be: long enough for any real update or commentary, and
short enough that no one text can stop the committee paper from being rendered."""

from django.core.validators import MaxLengthValidator

TEXT = [MaxLengthValidator(5000)]  # an update, a commentary, a description, a note
NARRATIVE = [MaxLengthValidator(20000)]  # a paper's narrative section
