"""The shortlist: services a GP or champion picks out to print or hand over.

It lives only in a cookie in the person's own browser, set when they first add a service
and gone when the browser closes (or when they empty it). The server keeps nothing.
"""

from django.conf import settings
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import selectors

COOKIE = "navigator_list"
SALT = "directory.shortlist"
MAX_ITEMS = 30


def slugs_in(request) -> list[str]:
    try:
        value = request.get_signed_cookie(COOKIE, salt=SALT)
    except (KeyError, signing.BadSignature):
        return []
    return [slug for slug in value.split(",") if slug][:MAX_ITEMS]


def _respond(request, slugs):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("directory:shortlist")
    response = redirect(target)
    if slugs:
        response.set_signed_cookie(
            COOKIE,
            ",".join(slugs),
            salt=SALT,
            httponly=True,
            samesite="Lax",
            secure=not settings.DEBUG,
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response


# No CSRF token: the only effect is on the visitor's own list, and the token's cookie would
# leave something in the browser on every visit.
@csrf_exempt
@require_POST
def shortlist_add(request):
    slugs = slugs_in(request)
    slug = request.POST.get("slug", "")[:200]
    if slug and slug not in slugs and len(slugs) < MAX_ITEMS:
        slugs.append(slug)
    return _respond(request, slugs)


@csrf_exempt
@require_POST
def shortlist_remove(request):
    slug = request.POST.get("slug", "")
    return _respond(request, [s for s in slugs_in(request) if s != slug] if slug else [])


@never_cache
def shortlist(request):
    """The list, printable as a handout with phone numbers, addresses and hours."""
    slugs = slugs_in(request)
    by_slug = {service.slug: service for service in selectors.service_list().filter(slug__in=slugs)}
    services = [by_slug[slug] for slug in slugs if slug in by_slug]
    return render(request, "directory/shortlist.html", {"services": services})
