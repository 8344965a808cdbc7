"""The public site (public schema) and the business side of the sign-up hand-off."""

import hashlib
import logging
import mimetypes
import posixpath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.platform.selectors import plan_list_public
from mectofitness.core.context_processors import business_url
from mectofitness.core.net import client_ip

from . import services
from .forms import LeadForm, SigninFinderForm, SignupForm
from .models import Lead
from .schemas import SchemaStateError
from .tasks import signin_links_send_task

logger = logging.getLogger(__name__)

# sign-in finder mails to one address per hour (more asks get the same page, no mail)
SIGNIN_FINDER_MAILS_PER_ADDRESS = 3

PLANS = [
    {
        "name": "Solo",
        "price": 29,
        "blurb": "For the independent coach.",
        "features": [
            "Up to 30 active clients",
            "1 coach",
            "Programs, check-ins and booking",
            "Branded client app",
        ],
    },
    {
        "name": "Studio",
        "price": 79,
        "blurb": "For a studio with a team.",
        "features": [
            "Up to 150 active clients",
            "Up to 5 coaches",
            "Online payments and packages",
            "Automations",
        ],
        "featured": True,
    },
    {
        "name": "Gym",
        "price": 199,
        "blurb": "For gyms and multi-coach teams.",
        "features": [
            "Unlimited clients",
            "Up to 25 coaches",
            "API and webhooks",
            "Priority support",
        ],
    },
]


def _plans() -> list[dict]:
    """The plans on sale: our limits and Stripe's monthly prices, synced into dj-stripe
    (billing.platform); our stored prices until the first sync; PLANS without plans."""

    plans = plan_list_public()
    if not plans:
        return [{**plan, "price_display": f"${plan['price']}"} for plan in PLANS]
    return [
        {
            "name": plan.name,
            "key": plan.key,
            "blurb": plan.blurb,
            "features": plan.features,
            "featured": plan.is_featured,
            "price": plan.monthly.major,
            "price_display": f"${plan.monthly.major}"
            if plan.monthly.currency == "USD"
            else f"{plan.monthly.major} {plan.monthly.currency}",
        }
        for plan in plans
    ]


@require_GET
def landing(request):
    return render(request, "public/landing.html", {"plans": _plans(), "lead_form": LeadForm()})


@require_GET
def pricing(request):
    return render(request, "public/pricing.html", {"plans": _plans()})


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(
        request.POST or None,
        initial={"slug": request.GET.get("slug", "")},
        accept_language=request.headers.get("Accept-Language", ""),
    )
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if services.rate_limit_hit(
            scope="signup", key=ip, limit=_setting("SIGNUP_RATE_LIMIT_PER_HOUR")
        ):
            logger.warning("sign-up refused: rate limit reached for %s", ip)
            form.add_error(None, _("Too many sign-ups from your network. Please try again later."))
        else:
            data = form.cleaned_data
            try:
                provisioned = services.business_provision(
                    name=data["name"],
                    slug=data["slug"],
                    owner_email=data["email"],
                    owner_password=data["password"],
                    owner_first_name=data["first_name"],
                    owner_last_name=data.get("last_name", ""),
                    country=data["country"],
                    timezone_name=data["timezone"],
                    currency=data["currency"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except SchemaStateError:
                logger.exception("sign-up failed: schema template or pool is not ready")
                form.add_error(
                    None,
                    _(
                        "We could not create your business just now. Our team has been told; "
                        "please try again in a few minutes."
                    ),
                )
            else:
                token = services.handoff_token_create(
                    business=provisioned.business, user_id=provisioned.owner_id
                )
                url = business_url(
                    provisioned.business.slug,
                    reverse("handoff", urlconf="mectofitness.urls_tenant"),
                )
                return HttpResponseRedirect(f"{url}?token={token}")
    status = 400 if request.method == "POST" else 200
    return render(request, "public/signup.html", {"form": form}, status=status)


@require_GET
def slug_check(request):
    """Live availability check for the sign-up form: {"available": bool, "message": str}."""
    slug = request.GET.get("slug", "").strip()
    problem = services.slug_problem(slug)
    return JsonResponse(
        {
            "slug": slug,
            "available": problem is None,
            "message": problem
            or _("%(host)s is available.") % {"host": f"{slug}.{_setting('BASE_DOMAIN')}"},
        }
    )


LEAD_THANKS_SALT = "lead-thanks"
LEAD_THANKS_MAX_AGE = 3600


@require_POST
def lead_create(request):
    """Records a lead, then redirects to the thank-you page (a reload does not post
    again). The thank-you page learns whose lead it was from a signed token."""
    form = LeadForm(request.POST)
    if form.data.get("website"):
        # honeypot filled in: say thanks, keep nothing
        return redirect("lead_thanks")
    ip = client_ip(request)
    if services.rate_limit_hit(scope="lead", key=ip, limit=_setting("LEAD_RATE_LIMIT_PER_HOUR")):
        logger.warning("lead refused: rate limit reached for %s", ip)
        form.is_valid()
        form.add_error(None, _("Too many requests from your network. Please try again in an hour."))
        return render(request, "public/lead_form_page.html", {"lead_form": form}, status=429)
    if not form.is_valid():
        return render(request, "public/lead_form_page.html", {"lead_form": form}, status=400)
    data = {key: value for key, value in form.cleaned_data.items() if key != "website"}
    result = services.lead_capture(**data, source=request.POST.get("source", "landing")[:64])
    token = signing.dumps(
        {"lead": result.lead.pk, "created": result.created}, salt=LEAD_THANKS_SALT
    )
    return HttpResponseRedirect(f"{reverse('lead_thanks')}?{urlencode({'t': token})}", status=303)


@require_GET
def lead_thanks(request):
    """The thank-you page after the lead form; without a valid token, a plain thanks."""

    context = {"created": True, "lead": None}
    try:
        data = signing.loads(
            request.GET.get("t", ""), salt=LEAD_THANKS_SALT, max_age=LEAD_THANKS_MAX_AGE
        )
    except signing.BadSignature:
        data = None
    if isinstance(data, dict):
        context = {
            "created": bool(data.get("created")),
            "lead": Lead.objects.filter(pk=data.get("lead")).first(),
        }
    return render(request, "public/lead_thanks.html", context)


def _setting(name):
    return getattr(settings, name)


# --- business side -----------------------------------------------------------


@never_cache
@require_GET
def handoff(request):
    """Log the new owner in from the token minted at sign-up, once, then go to the back office."""
    user_id = services.handoff_token_consume(
        token=request.GET.get("token", ""), schema_name=connection.schema_name
    )
    if user_id is None:
        messages.error(
            request, _("That sign-in link has expired or was already used. Please sign in.")
        )
        return redirect("account_login")
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    next_url = request.GET.get("next", "/admin/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/admin/"
    return redirect(next_url)


# files that belong to one person (progress photos, form uploads, imports, people's
# photos): served only by views that check who may see that person
# (clients/views/..., /profile/photo/<id>/)
PER_CLIENT_PREFIXES = ("progress/", "intake/", "imports/", "exports/", "avatars/")


@login_required
@require_GET
def private_media(request, path: str):
    """Serve a file of this business to its staff; never another business's file."""
    path = posixpath.normpath(path).lstrip("/")
    prefix = f"{connection.schema_name}/"
    if ".." in path.split("/") or not path.startswith(prefix) or not request.user.is_staff:
        raise Http404
    if path[len(prefix) :].startswith(PER_CLIENT_PREFIXES):
        raise Http404
    if not default_storage.exists(path):
        raise Http404
    content_type, _encoding = mimetypes.guess_type(path)
    response = FileResponse(
        default_storage.open(path), content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def branding_logo(request):
    """The business's logo, shown on its sign-in page before anyone is signed in."""
    business = request.tenant
    if not business.logo:
        raise Http404
    response = FileResponse(
        business.logo.open(), content_type=mimetypes.guess_type(business.logo.name)[0]
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def signin_finder(request):
    """The public site's "Sign in": enter an address, receive the link to each business
    where it has an account. The answer never says whether it has any (the same page
    either way; the lookup and the mail happen in the worker, so the time taken says
    nothing either). Rate-limited per network, and per address (silently)."""

    form = SigninFinderForm(request.POST or None)
    if request.method == "POST":
        ip = client_ip(request)
        limit = _setting("SIGNIN_FINDER_RATE_LIMIT_PER_HOUR")
        if services.rate_limit_hit(scope="signin-finder", key=ip, limit=limit):
            logger.warning("sign-in finder refused: rate limit reached for %s", ip)
            form.is_valid()
            form.add_error(
                None, _("Too many requests from your network. Please try again in an hour.")
            )
            return render(request, "public/signin_finder.html", {"form": form}, status=429)
        if form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            per_address = services.rate_limit_hit(
                scope="signin-finder-address",
                key=hashlib.sha256(email.encode()).hexdigest(),
                limit=SIGNIN_FINDER_MAILS_PER_ADDRESS,
            )
            if not per_address:
                signin_links_send_task.delay(email=email)
            return redirect("signin_finder_sent")
    status = 400 if form.errors else 200
    return render(request, "public/signin_finder.html", {"form": form}, status=status)


@require_GET
def signin_finder_sent(request):
    return render(request, "public/signin_finder_sent.html")
