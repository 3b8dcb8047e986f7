"""The pages' side of 督办 records: reads and forms (model in
``suggestions.models.supervision``, writes in ``suggestions.services.supervision``)."""
