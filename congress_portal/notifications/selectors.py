"""Reads of the inbox."""
from .models import Notification


def inbox(*, user, unread_only=False, kind=None):
    queryset = Notification.objects.visible_to(user).defer("batch")
    if unread_only:
        queryset = queryset.unread()
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-created_at", "-pk")


def unread_count(*, user):
    return Notification.objects.visible_to(user).unread().count()


def unread_for_badge(user):
    """The unread messages the navigation's badge counts (notifications/badges.py)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Notification.objects.visible_to(user).unread()
