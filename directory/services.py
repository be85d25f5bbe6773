"""Writes to the directory: keyword-only, validated, atomic."""

from django.db import transaction
from django.utils import timezone

from .models import Service


@transaction.atomic
def service_mark_checked(
    *, service: Service, checked_by, role: str, method: str, on=None
) -> Service:
    """Record that a person checked the listing today (or `on`), who, in what role and how.

    This is the only thing that sets `assured_date`: editing a listing does not verify it.
    """
    service.assured_date = on or timezone.localdate()
    service.assured_by = checked_by
    service.assurer_email = getattr(checked_by, "email", "") or ""
    service.assurance_role = role
    service.assurance_method = method
    service.full_clean(exclude=["slug"])
    service.save(
        update_fields=[
            "assured_date",
            "assured_by",
            "assurer_email",
            "assurance_role",
            "assurance_method",
            "last_modified",
        ]
    )
    return service
