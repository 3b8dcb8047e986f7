from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from congress_portal.accounts import roles


def home(request):
    return render(request, "home.html")


@login_required
def landing(request):
    """Each role lands on its own page after sign-in."""
    user = request.user
    if roles.is_staff_member(user):
        return redirect("admin:index")
    return redirect("home")


def healthz(request):
    """For the load balancer and docker-compose: the process answers and the database does too."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
