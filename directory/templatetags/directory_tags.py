"""Small presentational helpers for directory templates."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import hours

register = template.Library()


def _clock(moment) -> str:
    """GOV.UK style: 9am, 5:30pm, midday, midnight."""
    local = moment.astimezone(hours.LONDON)
    return hours.describe_time(local.time())


@register.filter
def open_summary(state, moment=None):
    """ "Open now until 10pm", "Closed – opens Wednesday at 9am", "Open day and night"."""
    if state is None:
        return ""
    if state.always_open:
        return _("Open day and night")
    if state.open_now:
        if state.closes_at is None:
            return _("Open now")
        return _("Open now until %(time)s") % {"time": _clock(state.closes_at)}
    if state.next_opens_at is None:
        return _("Closed. Check opening times with the service")
    now = (moment or timezone.now()).astimezone(hours.LONDON)
    opens = state.next_opens_at.astimezone(hours.LONDON)
    if opens.date() == now.date():
        day = _("today")
    elif (opens.date() - now.date()).days == 1:
        day = _("tomorrow")
    else:
        day = opens.strftime("%A")
    return _("Closed. Opens %(day)s at %(time)s") % {"day": day, "time": _clock(opens)}


@register.filter
def km(distance):
    if distance is None:
        return ""
    if distance < 1:
        return _("less than 1 km away")
    return _("%(km)s km away") % {"km": f"{distance:.1f}"}


@register.filter
def span_text(schedule):
    return hours.describe_span(schedule.opens_at, schedule.closes_at)


@register.simple_tag
def describe_hours(opens_at, closes_at):
    return hours.describe_span(opens_at, closes_at)
