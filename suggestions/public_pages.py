"""The public pages of suggestions (list, detail, league table) are cached for
anonymous visitors (``congress_portal/public_cache.py``) under one version,
bumped whenever something they show is written: a suggestion (its publication,
text, state), its assignments, replies and ratings, its public timeline,
confirmed co-signers and merges. Connected from ``SuggestionsConfig.ready()``
to every save and delete of those models, so no service can forget it."""
from congress_portal import public_cache

PUBLIC_PAGES = "suggestions"


def bump(**kwargs):
    """Signal receiver: the public pages are out of date."""
    public_cache.bump_on_write(PUBLIC_PAGES)
