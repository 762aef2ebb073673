"""The 5×5 heat map of current scores, drawn by registers/heatmap.svg on page and paper."""

from registers.models import Impact, Likelihood, band

FILLS = {"Low": "#1e6b34", "Medium": "#f5b400", "High": "#b3261e"}
TEXT = {"Low": "#ffffff", "Medium": "#1b1b1b", "High": "#ffffff"}
CELL = 64
LEFT = 130
TOP = 10


def heatmap(risks, link: str | None = None, as_at=None) -> dict:
    """Counts of risks by their latest review's likelihood × impact.

    `link`, when given, is the register's URL; each cell links to it filtered.
    `as_at`, a Quarter, counts the latest review up to then instead.
    """
    counts: dict[tuple[int, int], int] = {}
    for risk in risks:
        review = risk.review_as_at(as_at) if as_at else risk.latest_review
        if review:
            key = (review.likelihood, review.impact)
            counts[key] = counts.get(key, 0) + 1
    return {
        "cells": [
            cell(likelihood, impact, counts.get((likelihood.value, impact.value), 0), link)
            for likelihood in Likelihood
            for impact in Impact
        ],
        "linked": bool(link),
        "cell": CELL,
        "width": LEFT + 5 * CELL + 10,
        "height": TOP + 5 * CELL + 60,
        "likelihoods": [
            {"y": TOP + (5 - row.value) * CELL + CELL // 2 + 4, "label": row.label}
            for row in Likelihood
        ],
        "impacts": [
            {"x": LEFT + (i.value - 1) * CELL + CELL // 2, "label": i.label} for i in Impact
        ],
        "axis_y": TOP + 5 * CELL + 18,
        "total": sum(counts.values()),
        "rows": [
            {
                "likelihood": row.label,
                "counts": [counts.get((row.value, i.value), 0) for i in Impact],
            }
            for row in reversed(Likelihood)
        ],
        "impact_labels": [i.label for i in Impact],
    }


def cell(likelihood: Likelihood, impact: Impact, count: int, link: str | None) -> dict:
    score = likelihood.value * impact.value
    word = band(score)
    return {
        "x": LEFT + (impact.value - 1) * CELL,
        "y": TOP + (5 - likelihood.value) * CELL,
        "count": count,
        "score": score,
        "band": word,
        "fill": FILLS[word],
        "text": TEXT[word],
        # Starts with the cell's visible text, so the link's name matches what is seen.
        "label": f"{f'{count} ' if count else ''}{word}: "
        f"{count} risk{'s' if count != 1 else ''} with likelihood "
        f"{likelihood.label} and impact {impact.label}: score {score}, {word}",
        "href": (
            f"{link}?status=Open&likelihood={likelihood.value}&impact={impact.value}"
            if link and count
            else ""
        ),
    }
