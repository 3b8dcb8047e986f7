"""Pages of 预约见面: the public books a meeting from the station's page; the
keepers confirm or decline; a deputy sees the bookings made with them."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress_portal.client_address import client_address

from . import bookings, forms, permissions, selectors, services
from .models import Booking, Station

BOOKINGS_SHOWN = 100


def book(request, pk):
    try:
        station = selectors.public_station(pk=pk)
    except Station.DoesNotExist:
        raise Http404 from None
    slots = [(bookings.slot_key(day, deputy), day, deputy) for day, deputy in bookings.slots(station=station)]
    form = forms.BookingForm(request.POST or None, slots=slots)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                bookings.book_meeting(station=station, slot=data["slot"], name=data["name"], mobile=data["mobile"],
                                      topic=data["topic"], client_ip=client_address(request))
            except services.RateLimited as error:
                form.add_error(None, error)
                status = 429
            except ValidationError as error:
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("预约已提交，联络站确认后会发短信告知您。"))
                return redirect("liaison_stations:book", pk=station.pk)
    return render(request, "liaison_stations/book.html", {"station": station, "form": form, "slots": slots},
                  status=status)


@login_required
def station_bookings(request, pk):
    """The keepers' list of a station's bookings from today on (a deputy stationed there sees their own)."""
    station = get_object_or_404(Station.objects.handled_by(request.user).distinct(), pk=pk)
    rows = (
        Booking.objects.visible_to(request.user).filter(station=station, on_date__gte=timezone.localdate())
        .select_related("deputy").order_by("on_date", "pk")[:BOOKINGS_SHOWN]
    )
    return render(request, "liaison_stations/bookings.html", {
        "station": station, "bookings": rows, "can_decide": permissions.can_record_at(request.user, station),
        "decision_form": forms.BookingDecisionForm(),
    })


@login_required
@require_POST
def decide_booking(request, pk, booking_pk):
    station = get_object_or_404(Station.objects.handled_by(request.user).distinct(), pk=pk)
    booking = get_object_or_404(Booking.objects.visible_to(request.user), pk=booking_pk, station=station)
    form = forms.BookingDecisionForm(request.POST)
    action = request.POST.get("action")
    if action not in ("confirm", "decline") or not form.is_valid():
        raise PermissionDenied(_("当前不能进行该操作。"))
    service = bookings.confirm_booking if action == "confirm" else bookings.decline_booking
    try:
        service(booking=booking, actor=request.user, reply=form.cleaned_data["reply"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已保存，预约人会收到短信。"))
    return redirect("liaison_stations:bookings", pk=station.pk)
