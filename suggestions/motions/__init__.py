"""The pages' side of motions (议案): reads (``selectors``) and forms. The
model is in ``suggestions.models.motions``, the moves in
``suggestions.lifecycles``, the writes in ``suggestions.services.motions`` and
the pages in ``suggestions.views.motions``."""
