"""Keep each service's search words in step with every edit that changes them."""

import threading

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import search
from .models import (
    Language,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
)

# Services being deleted right now. Django sends every pre_delete of a cascade before it
# deletes anything, so a child row's post_delete can tell that its service is going too and
# must not write it a fresh document.
_deleting = threading.local()


def _services_being_deleted() -> set:
    if not hasattr(_deleting, "ids"):
        _deleting.ids = set()
    return _deleting.ids


@receiver(post_save, sender=Service)
def service_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.update_search_documents([instance.pk])


@receiver(pre_delete, sender=Service)
def service_deleting(sender, instance, **kwargs):
    _services_being_deleted().add(instance.pk)


@receiver(post_delete, sender=Service)
def service_deleted(sender, instance, **kwargs):
    _services_being_deleted().discard(instance.pk)


@receiver(post_save, sender=Organization)
def organization_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.update_search_documents(instance.services.values_list("id", flat=True))


@receiver(post_save, sender=ServiceLanguage)
@receiver(post_delete, sender=ServiceLanguage)
@receiver(post_save, sender=ServiceAtLocation)
@receiver(post_delete, sender=ServiceAtLocation)
def service_child_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.service_id not in _services_being_deleted():
        search.update_search_documents([instance.service_id])


@receiver(post_save, sender=Location)
def location_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        ids = ServiceAtLocation.objects.filter(location=instance).values_list(
            "service_id", flat=True
        )
        search.update_search_documents(ids)


@receiver(post_save, sender=TaxonomyTerm)
def term_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    ids = set()
    for field in ("service_types", "needs", "communities", "access_routes"):
        ids.update(Service.objects.filter(**{field: instance}).values_list("id", flat=True))
    search.update_search_documents(ids)


@receiver(post_save, sender=Language)
def language_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        ids = ServiceLanguage.objects.filter(language=instance).values_list("service_id", flat=True)
        search.update_search_documents(ids)


def _vocabulary_changed(sender, instance, action, reverse, pk_set, model, **kwargs):
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            search.update_search_documents([instance.pk])
        return
    # From the term's side: `term.services_of_type.clear()` names no ids, so note them first.
    if action == "pre_clear":
        instance._search_cleared_ids = list(
            sender.objects.filter(taxonomyterm=instance).values_list("service_id", flat=True)
        )
    elif action == "post_clear":
        search.update_search_documents(getattr(instance, "_search_cleared_ids", []))
    elif action in ("post_add", "post_remove") and pk_set:
        search.update_search_documents(pk_set)


for _field in ("service_types", "needs", "communities", "access_routes"):
    m2m_changed.connect(
        _vocabulary_changed,
        sender=getattr(Service, _field).through,
        dispatch_uid=f"search_{_field}",
    )
