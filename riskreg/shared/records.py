"""Records people edit: their rules are checked on every save and delete, under lock,
and a save made from a stale copy is refused (optimistic locking).

Every door — the browser's forms, the admin and its history pages, imports, commands and
services — saves through Record.save() or deletes through Django's collector, so a rule
written in check_rules() holds for all of them.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import dateformat, timezone

from riskreg.shared.history import name_of


class StaleEdit(ValidationError):
    """Somebody else saved the same record after this copy of it was read."""


class RecordQuerySet(models.QuerySet):
    def delete(self):
        # In a savepoint of its own, so a delete refused by a rule leaves the caller's
        # transaction usable, as a refused save does.
        with transaction.atomic():
            return super().delete()


class Record(models.Model):
    """A record with rules and a lock_version.

    `lock_version` is the number of saves so far. A copy read (or a form posted) at
    lock_version n saves only while the row is still at n; otherwise StaleEdit names who
    changed it, when, and what. Subclasses put their rules in check_rules().
    """

    # Editable only so that a form can carry it back: RecordForm shows it as a hidden field.
    lock_version = models.PositiveIntegerField(
        default=0,
        help_text="How many times it has been saved: a save from an older copy is refused.",
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "lock_version"}
        seen = self.lock_version
        self.lock_version = seen + 1
        try:
            with transaction.atomic():
                self.check_rules()
                super().save(*args, **kwargs)
        except IntegrityError:
            self.lock_version = seen
            self.refuse_if_saved_meanwhile()
            raise
        except BaseException:
            self.lock_version = seen
            raise

    def check_rules(self, *, deleting: bool = False, lock: bool = True) -> None:
        """Raise ValidationError when this save (or delete) breaks a rule of the model.

        With `lock`, rows the rule reads are locked until the transaction ends, so the
        rule still holds when the save commits.
        """

    def delete(self, *args, **kwargs):
        with transaction.atomic():  # see RecordQuerySet.delete
            return super().delete(*args, **kwargs)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        # Compare and swap: only the version this copy was read at may be replaced.
        seen = self.lock_version - 1
        if base_qs.filter(pk=pk_val, lock_version=seen)._update(values) > 0:
            return True
        stored = base_qs.filter(pk=pk_val).first()
        if stored is not None:
            raise StaleEdit(stale_message(stored, seen))
        return False

    def refuse_if_saved_meanwhile(self) -> None:
        """A first save that lost a race with another first save is a stale edit, not a 500."""
        for constraint in self._meta.total_unique_constraints:
            fields = {
                name: getattr(self, self._meta.get_field(name).attname)
                for name in constraint.fields
            }
            stored = type(self)._default_manager.filter(**fields).exclude(pk=self.pk).first()
            if stored is not None:
                raise StaleEdit(stale_message(stored, 0)) from None


@receiver(pre_delete)
def check_rules_before_delete(sender, instance, **kwargs):
    """Deletes of every kind (one record, a queryset, a cascade) meet the same rules."""
    if isinstance(instance, Record):
        instance.check_rules(deleting=True)


def stale_message(record: Record, seen: int) -> str:
    """Who changed `record` since lock_version `seen`, when, and which fields."""
    what = f"{record._meta.verbose_name.capitalize()} {record}"
    latest, before = saves_since(record, seen)
    if latest is None:
        return (
            f"{what} was changed by someone else while you were editing it, so your changes "
            "were not saved. Look at what is saved now, then make your change again."
        )
    when = dateformat.format(timezone.localtime(latest.history_date), "j M Y H:i")
    fields = changed_fields(before, latest)
    changed = f" ({', '.join(fields)})" if fields else ""
    return (
        f"{what} was changed by {name_of(latest.history_user) if latest.history_user else 'system'}"
        f" at {when}{changed} while you were editing it, so your changes were not saved. "
        "They are still in the form: check them against what is saved now, then save again."
    )


def saves_since(record: Record, seen: int) -> tuple:
    """The latest history row of `record`, and the one the editor saw (None when unknown)."""
    history = getattr(type(record), "history", None)
    if history is None:
        return None, None
    rows = history.filter(**{record._meta.pk.attname: record.pk})
    rows = rows.select_related("history_user").order_by("-history_date", "-history_id")
    latest = rows.first()
    before = rows.filter(lock_version=seen).first() if seen else None
    return latest, before


def changed_fields(before, latest) -> list[str]:
    if before is None or latest is None:
        return []
    skipped = {"id", "lock_version", "history_id", "history_date", "history_user"}
    return [
        str(field.verbose_name)
        for field in type(latest).instance_type._meta.concrete_fields
        if field.name not in skipped
        and hasattr(latest, field.attname)
        and getattr(before, field.attname) != getattr(latest, field.attname)
    ]
