import io

from allauth.account.internal.stagekit import unstash_login
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from PIL import Image, ImageDraw, ImageFont

from mectofitness.core.uploads import body_limit, file_route_limit

from . import policies, services
from .forms import PHOTO_MAX_BYTES, InvitationAcceptForm, ProfileForm
from .verification import email_verification_resend


@login_required
def portal_home(request):
    """The client portal's home. Staff belong in the back office."""
    if request.user.is_staff:
        return redirect(policies.BACK_OFFICE)
    client = policies.portal_client(request)
    context = {"client": client}
    if client is None:
        # the home always opens; it says why there is nothing here yet (or any more)
        context["no_record"] = policies.no_record_context(request)
    return render(request, "portal/home.html", context)


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


@body_limit(file_route_limit(PHOTO_MAX_BYTES))
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The signed-in person's own details and photo."""

    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=request.user,
        business_timezone=request.tenant.timezone,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(user=request.user, form=form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("portal_profile")
    status = 400 if form.errors else 200
    return render(request, "portal/profile.html", {"form": form}, status=status)


def manifest(request):
    """The web app manifest: the portal installs on a phone as the business's app."""

    business = request.tenant
    name = business.name
    response = JsonResponse(
        {
            "name": name,
            "short_name": name if len(name) <= 12 else name.split()[0][:12],
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "theme_color": business.accent_color,
            "background_color": "#f6f7f9",
            "icons": [
                {"src": f"/icons/{size}.png", "sizes": f"{size}x{size}", "type": "image/png"}
                for size in (192, 512)
            ],
        }
    )
    response["Content-Type"] = "application/manifest+json"
    return response


ICON_SIZES = (192, 512)


def icon(request, size: int):
    """The app icon: the business's initial on its colour, drawn once and cached."""

    if size not in ICON_SIZES:
        raise Http404
    business = request.tenant
    key = f"icon:{size}:{business.primary_color}:{business.name[:1]}"
    png = cache.get(key)
    if png is None:
        png = _draw_icon(size=size, colour=business.primary_color, letter=business.name[:1])
        cache.set(key, png, 86400)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _draw_icon(*, size: int, colour: str, letter: str) -> bytes:

    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=int(size * 0.55))
    draw.text((size / 2, size / 2), letter.upper(), fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@never_cache
@require_http_methods(["POST"])
def verification_resend(request):
    """Send a new confirmation link: to the signed-in person (the back office's
    reminder), or to the person whose sign-in waits for it (the "confirm your address"
    page, where nobody is signed in yet)."""

    if request.user.is_authenticated:
        user, back = request.user, request.POST.get("next") or policies.BACK_OFFICE
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = policies.BACK_OFFICE
    else:
        pending = unstash_login(request, peek=True)
        user, back = getattr(pending, "user", None), "account_email_verification_sent"
        if user is None:
            messages.info(request, "Sign in again, and we will send you a new link.")
            return redirect("account_login")
    if not email_verification_resend(request=request, user=user):
        messages.info(
            request,
            "We sent you a link a few minutes ago: it still works. Check your spam folder, "
            "or ask again in a few minutes.",
        )
    return redirect(back)
