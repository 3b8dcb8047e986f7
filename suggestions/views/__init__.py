"""The suggestion pages of every audience: ``deputy`` (my suggestions, drafts,
invitations), ``unit`` (the handling unit's workspace), ``staff`` (the
dashboard, queues, moves one at a time or in bulk, follow-up rounds),
``public`` (the disclosure pages) and ``attachments``; ``common`` holds what
they share.

The views are thin: reads go through the selectors of the suggestions app
(``visible_to`` scopes every list), and every write calls one function of
``suggestions.services``; the errors it raises are put back beside the fields
of the form that was sent, with what was typed kept."""
