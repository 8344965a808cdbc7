from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def portal_home(request):
    """The client portal's home. Staff belong in the back office."""
    if request.user.is_staff:
        return redirect("/admin/")
    return render(request, "portal/home.html")
