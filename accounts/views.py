from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .forms import InvitationAcceptForm


@login_required
def portal_home(request):
    """The client portal's home. Staff belong in the back office."""
    if request.user.is_staff:
        return redirect("/admin/")
    return render(request, "portal/home.html")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """Join a business from an e-mailed link: set a password, land on the right door."""
    invitation, problem = services.invitation_for_token(token=token)
    if invitation is None:
        return render(request, "account/invitation_invalid.html", {"problem": problem}, status=410)
    form = InvitationAcceptForm(
        request.POST or None,
        invitation=invitation,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("/admin/" if user.is_staff else "/")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "account/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=status,
    )
