"""`makemessages`, also extracting strings marked with `N_` (our short name for gettext_noop).

The engine, the IMHA table and the vocabulary mark words for translation where they are
defined (`N_("Crisis house")`) and translate them when a page is made. xgettext only knows
gettext_noop by its long name, so without this the catalogues would silently miss them;
Django documents overriding `xgettext_options` for this. Run it through `make messages`.
"""

from django.core.management.commands import makemessages

# The keywords added to Django's own (gettext, gettext_lazy, gettext_noop, ngettext…).
EXTRA_KEYWORDS = ("N_",)


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        *(f"--keyword={keyword}" for keyword in EXTRA_KEYWORDS),
    ]
