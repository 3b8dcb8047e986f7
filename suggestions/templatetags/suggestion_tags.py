"""Template filters of the suggestion pages."""
from django import template

from congress_portal.logging import mask_text

register = template.Library()


@register.filter
def mask_personal(text):
    """ID and mobile numbers in free text, masked: what published pages show
    (the public API masks the same way)."""
    return mask_text(str(text or ""))
