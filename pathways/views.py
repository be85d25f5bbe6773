"""The pathway pages: a short form, and the plan it gives.

The form is sent by POST so the answers never appear in an address, a browser history or a
server log. Only when the person asks for a share link are the answers put into an address
(and its QR code), which they can see before they share it.
"""

from urllib.parse import urlencode

import segno
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .forms import PathwayForm
from .serializers import PathwayRequestSerializer
from .services import plan_for

SHARED_FIELDS = (
    "where", "lat", "lon", "urgency", "first_language", "other_language", "needs", "communities",
    "faith", "prefer", "age", "gender", "mha_status", "max_distance_km", "mode",
)  # fmt: skip


@never_cache
def pathway_form(request):
    mode = "professional" if request.GET.get("mode") == "professional" else "public"
    form = PathwayForm(initial={"mode": mode, "max_distance_km": "15"})
    return render(request, "pathways/form.html", {"form": form, "mode": mode})


# No CSRF token: working out a plan changes nothing on the server, and the token's cookie
# would be one more thing about the visit left in the browser.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def plan(request):
    """POST: the form's answers. GET: a link the person chose to share (answers in it)."""
    answers = request.POST if request.method == "POST" else request.GET
    form = PathwayForm(answers)
    mode = answers.get("mode") if answers.get("mode") == "professional" else "public"
    # The language switcher's links cannot carry answers sent by POST (they are never put in
    # an address unless the person asks), so after a POST they lead to the form in that
    # language; a shared link (GET) keeps its answers.
    switch_to = _form_path(mode) if request.method == "POST" else None
    if not form.is_valid():
        context = {"form": form, "mode": mode, "language_switch_path": switch_to}
        return render(request, "pathways/form.html", context, status=400)
    serializer = PathwayRequestSerializer(data=form.request_data())
    if not serializer.is_valid():
        _copy_errors(serializer.errors, form)
        context = {"form": form, "mode": mode, "language_switch_path": switch_to}
        return render(request, "pathways/form.html", context, status=400)
    context = {
        "plan": plan_for(serializer.validated_data),
        "origin": serializer.validated_data["origin"],
        "answers": _hidden_answers(answers),
        "mode": mode,
        "language_switch_path": switch_to,
    }
    if request.method == "POST" and request.POST.get("share"):
        # reverse() gives the address in the page's language (/ur/pathway/plan/), so the
        # link and its QR code open the plan in the language it was made in.
        share_path = reverse("pathways:plan") + "?" + _share_query(answers)
        share_url = request.build_absolute_uri(share_path)
        context["share_url"] = share_url
        context["share_qr"] = segno.make(share_url, error="m").svg_inline(
            scale=4, title=_("QR code for the link to this plan")
        )
        # The person chose to put the answers in an address: the switcher may use it too.
        context["language_switch_path"] = share_path
    return render(request, "pathways/plan.html", context)


def _form_path(mode: str) -> str:
    path = reverse("pathways:form")
    return f"{path}?mode=professional" if mode == "professional" else path


def _copy_errors(errors, form):
    """Put the serializer's messages on the form's fields, so the page shows them inline."""
    field_for = {
        "location": "where",
        "languages": "first_language",
        "max_distance_km": "max_distance_km",
    }
    for name, messages in errors.items():
        if isinstance(messages, dict):
            messages = [message for values in messages.values() for message in values]
        field = field_for.get(name, name if name in form.fields else None)
        for message in messages:
            form.add_error(field, str(message))


def _hidden_answers(answers: QueryDict) -> list[tuple[str, str]]:
    """The answers as (name, value) pairs, to send again with "make a share link"."""
    return [(name, value) for name in SHARED_FIELDS for value in answers.getlist(name) if value]


def _share_query(answers: QueryDict) -> str:
    return urlencode(_hidden_answers(answers))
