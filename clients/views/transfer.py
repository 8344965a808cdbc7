"""Portal pages: a client downloads their own data (/profile/data/)."""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from accounts.policies import portal_client_required

from ..downloads import client_zip_response
from ..services.records import client_touch


@never_cache
@portal_client_required(section=gettext_lazy("What we keep about you"))
def my_data(request):
    """What we keep about the signed-in client, and a button to download all of it."""
    client = request.client
    if request.method == "POST":
        client_touch(client=client)
        return client_zip_response(
            client=client,
            by=request.user,
            business_name=getattr(request.tenant, "name", ""),
            for_client=True,
        )
    counts = {
        "measurements": client.measurements.count(),
        "photos": client.photos.count(),
        "responses": client.responses.count(),
    }
    return render(request, "clients/portal/export_data.html", {"client": client, "counts": counts})


urlpatterns = [
    path("profile/data/", my_data, name="portal_my_data"),
]
