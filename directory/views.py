"""Web pages of the directory. Thin: each renders what a selector returned."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .models import Service


def home(request):
    return render(request, "directory/home.html")


def service_list(request):
    """A plain A–Z list of every active service, or of the crisis alternatives."""
    crisis_only = request.GET.get("kind") == "crisis"
    paginator = Paginator(selectors.service_list(crisis_only=crisis_only), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "directory/service_list.html", {"page": page, "crisis_only": crisis_only}
    )


def service_detail(request, slug):
    try:
        service = selectors.service_detail(slug=slug)
    except Service.DoesNotExist:
        raise Http404("No active service has this address.") from None
    return render(
        request,
        "directory/service_detail.html",
        {"service": service, "locations": selectors.service_locations(service)},
    )


def about(request):
    return render(request, "directory/about.html")
