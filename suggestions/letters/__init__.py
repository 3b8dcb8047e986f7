"""The pages' side of deputies' letters (代表来信): reads (``selectors``), who
may do what (``permissions``) and the forms. The model is in
``suggestions.models.letters``, the moves in ``suggestions.lifecycles``, the
writes in ``suggestions.services.letters``, the notices in
``suggestions.notices.letters`` and the pages in ``suggestions.views.letters``."""
