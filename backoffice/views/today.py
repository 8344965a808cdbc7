"""Today: the back office's home page (``BackOfficeSite.index`` renders it)."""

from django.utils import timezone

from programs.selectors.logging import training_activity_for
from scheduling.selectors import business_zone, home_sessions

from ..selectors import backoffice_figures


def today_context(request) -> dict:
    """What the home page shows, for ``request.user``."""
    business = getattr(request, "tenant", None)
    return {
        "figures": backoffice_figures(user=request.user),
        "sessions": home_sessions(user=request.user, now=timezone.now()),
        "zone": str(business_zone()),
        "activity": training_activity_for(user=request.user),
        "trial_days_left": getattr(business, "trial_days_left", None),
    }
