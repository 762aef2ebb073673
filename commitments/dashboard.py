"""RAG counts per policy area for a period, against the previous period."""

from django.db.models import Count
from django.utils import timezone

from commitments.models import Commitment, Period, PolicyArea, QuarterlyStatus, Rag

# Fill colours as SVG attributes, so the chart looks the same in the PDF as on the page.
FILLS = {
    Rag.RED: "#b3261e",
    Rag.AMBER: "#f5b400",
    Rag.GREEN: "#1e6b34",
    Rag.COMPLETE: "#1d3557",
    Rag.NOT_STARTED: "#adb5bd",
}
BAR_HEIGHT = 22
LABEL_WIDTH = 260
CHART_WIDTH = 420


def counts(period: Period | None) -> dict[tuple[int, str], int]:
    if period is None:
        return {}
    rows = (
        QuarterlyStatus.objects.filter(period=period)
        .values("commitment__policy_area_id", "rag")
        .annotate(n=Count("id"))
    )
    return {(r["commitment__policy_area_id"], r["rag"]): r["n"] for r in rows}


def summary(period: Period) -> dict:
    previous = period.previous()
    total = Commitment.objects.count()
    now, before = counts(period), counts(previous)
    areas = []
    for area in PolicyArea.objects.annotate(size=Count("commitments")).filter(size__gt=0):
        cells = [
            {
                "rag": value,
                "label": label,
                "count": now.get((area.pk, value), 0),
                "change": now.get((area.pk, value), 0) - before.get((area.pk, value), 0),
            }
            for value, label in Rag.choices
        ]
        areas.append({"area": area, "size": area.size, "cells": cells})
    totals = {
        value: sum(n for (_, rag), n in now.items() if rag == value) for value, _ in Rag.choices
    }
    red_before = sum(n for (_, rag), n in before.items() if rag == Rag.RED)
    return {
        "previous": previous,
        "areas": areas,
        "totals": [{"rag": v, "label": label, "count": totals[v]} for v, label in Rag.choices],
        "red": totals[Rag.RED],
        "red_before": red_before,
        "red_change": totals[Rag.RED] - red_before,
        "commitment_count": total,
        "updated": sum(now.values()),
        "late": total - sum(now.values()) if period.is_late(timezone.localdate()) else 0,
        "chart": chart(areas),
    }


def chart(areas: list[dict]) -> dict:
    """Geometry of a stacked bar per policy area, drawn by commitments/chart.svg."""
    widest = max((a["size"] for a in areas), default=1) or 1
    bars = []
    for index, row in enumerate(areas):
        x, segments = LABEL_WIDTH, []
        for cell in row["cells"]:
            width = round(cell["count"] * CHART_WIDTH / widest, 1)
            if width:
                segments.append({"x": x, "width": width, "fill": FILLS[cell["rag"]], **cell})
            x += width
        bars.append(
            {
                "y": index * (BAR_HEIGHT + 8) + 10,
                "name": row["area"].name,
                "segments": segments,
                "size": row["size"],
            }
        )
    return {
        "bars": bars,
        "height": len(areas) * (BAR_HEIGHT + 8) + 50,
        "width": LABEL_WIDTH + CHART_WIDTH + 60,
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "legend_y": len(areas) * (BAR_HEIGHT + 8) + 24,
        "legend": [
            {"x": LABEL_WIDTH + i * 90, "fill": FILLS[value], "label": label}
            for i, (value, label) in enumerate(Rag.choices)
        ],
    }
