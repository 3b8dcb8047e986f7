FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=congress_portal.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends gettext nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN if [ -x bin/vendor-assets ]; then bin/vendor-assets; fi \
    && DJANGO_SECRET_KEY=build python manage.py compilemessages --ignore=node_modules \
    && DJANGO_SECRET_KEY=build python manage.py collectstatic --noinput
RUN useradd --system --home /app portal && mkdir -p /data/media && chown portal /data/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "congress_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4"]
