"""Reporting quarters of the UK public-sector financial year (April to March)."""

import datetime
import re
from calendar import monthrange
from dataclasses import dataclass

from django.core.exceptions import ValidationError

PERIOD_PATTERN = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2})\s+Q(\d)\s*$", re.IGNORECASE)
FIRST_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter such as 2025/26 Q3: `year` is the year the financial year starts."""

    year: int
    number: int

    def __post_init__(self):
        if self.number not in (1, 2, 3, 4):
            raise ValidationError(f"Quarter Q{self.number} does not exist: use Q1 to Q4.")
        if not 1990 <= self.year <= 2098:  # the next quarter's dates must exist too
            raise ValidationError(f"{self.year} is not a year riskreg keeps: 1990 to 2098.")

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = PERIOD_PATTERN.match(str(text))
        if not match:
            raise ValidationError(
                f"'{text}' is not a period: write it as 2025/26 Q3 (or 2025-26 Q3)."
            )
        start, end, number = int(match[1]), int(match[2]), int(match[3])
        if (start + 1) % 100 != end:
            raise ValidationError(
                f"'{text}' is not a financial year: {start} is followed by {(start + 1) % 100:02d}."
            )
        if number not in (1, 2, 3, 4):
            raise ValidationError(f"'{text}' has no quarter Q{number}: use Q1 to Q4.")
        return cls(start, number)

    @classmethod
    def containing(cls, day: datetime.date) -> "Quarter":
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number}"

    @property
    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @property
    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    @property
    def start(self) -> datetime.date:
        month = FIRST_MONTH[self.number]
        return datetime.date(self.year + (self.number == 4), month, 1)

    @property
    def update_due(self) -> datetime.date:
        """The usual update deadline: two weeks into the quarter."""
        return self.start + datetime.timedelta(days=14)

    @property
    def end(self) -> datetime.date:
        month = FIRST_MONTH[self.number] + 2
        year = self.year + (self.number == 4)
        return datetime.date(year, month, monthrange(year, month)[1])
