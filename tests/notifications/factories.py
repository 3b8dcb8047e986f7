"""Factories for notifications tests, built on the deputies factories."""
import factory

from congress_portal.notifications.models import ChannelPreference, Kind, Notification
from deputies.models import UnitContact
from tests.deputies import factories as f


class UnitContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitContact

    unit = factory.SubFactory(f.HandlingUnitFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    position = "办公室主任"
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    email = factory.Sequence(lambda n: f"contact{n}@unit.example.gov.cn")
    receives_notices = True


class ChannelPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelPreference

    user = factory.SubFactory(f.UserFactory)
    email = True
    sms = True


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient_user = factory.SubFactory(f.UserFactory)
    recipient_key = factory.LazyAttribute(lambda o: f"user:{o.recipient_user.pk}" if o.recipient_user else "")
    kind = Kind.REPLY_DUE
    item_type = "suggestion"
    item_id = factory.Sequence(lambda n: n + 1)
    stage = "d7"
    context = factory.LazyAttribute(
        lambda o: {"number": f"第{o.item_id:04d}号", "title": "关于加快农村公路建设的建议", "unit_name": "省交通运输厅",
                   "due_date": "2026年5月1日", "days_left": 7}
    )
    link = "/suggestions/1/"
