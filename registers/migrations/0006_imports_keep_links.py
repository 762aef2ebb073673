"""History rows written by earlier releases' risk imports get the risk's links.

Imports used simple-history's bulk helper, which wrote no links, so the history showed each
import removing the risk's policy areas and commitments (and the next import, which now
copies them, adding them back). An import never changed links. Such a row is one that
changes the risk's fields but has no links while the row before it has some: a save in a
form keeps the links it had, and a change of links alone changes no field. Each gets the
links of the row before it, oldest first, so a run of imports passes them on.
"""

from django.db import migrations

LINKS = ["HistoricalRisk_policy_areas", "HistoricalRisk_commitments"]
NOT_COMPARED = {"id", "lock_version"}


def give_links(apps, schema_editor):
    risks = apps.get_model("registers", "HistoricalRisk")
    links = [apps.get_model("registers", name) for name in LINKS]
    fields = [
        f.attname
        for f in risks._meta.concrete_fields
        if not f.name.startswith("history_") and f.name not in NOT_COMPARED
    ]
    previous = {}
    for row in risks.objects.order_by("history_date", "history_id"):
        before, previous[row.id] = previous.get(row.id), row
        if before is None or row.history_type != "~" or has_links(links, row):
            continue
        changed = any(getattr(row, f) != getattr(before, f) for f in fields)
        if changed and has_links(links, before):
            for model in links:
                model.objects.bulk_create(
                    copy(link, row) for link in model.objects.filter(history_id=before.history_id)
                )


def has_links(links, row) -> bool:
    return any(model.objects.filter(history_id=row.history_id).exists() for model in links)


def copy(link, row):
    values = {f.attname: getattr(link, f.attname) for f in link._meta.concrete_fields}
    del values["m2m_history_id"]
    return type(link)(**{**values, "history_id": row.history_id})


class Migration(migrations.Migration):
    dependencies = [("registers", "0005_refs_whatever_their_case")]

    operations = [migrations.RunPython(give_links, migrations.RunPython.noop)]
