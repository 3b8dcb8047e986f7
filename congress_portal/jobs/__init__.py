"""Background jobs: long work (a roster import, a large export, the monthly
notices) run by a Celery worker, with progress a page polls and a result page.
See ``registry`` for how an app declares its kinds of job."""
