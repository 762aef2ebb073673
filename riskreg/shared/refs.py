"""The one format of a ref (a commitment's "60", a risk's "OPCC-R07"): forms, the admin,
imports and the database all use it, so every ref can be put in a URL."""

from django.core.validators import RegexValidator

REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$"
REF_FORMAT = (
    "A ref is 1 to 20 letters, digits, dots and dashes, starting with a letter or digit "
    "(for example 60, 243a or OPCC-R07)."
)

validate_ref = RegexValidator(REF_PATTERN, REF_FORMAT, code="ref_format")
# A ref is the same whatever its case: OPCC-R01 and opcc-r01 are one risk (a constraint).
REF_TAKEN = (
    "That ref is taken, perhaps written with other capitals: a ref is the same whatever its case."
)


class RefConverter:
    """A ref in a URL: anything else there is not found, never a query with it."""

    regex = REF_PATTERN.strip("^$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
