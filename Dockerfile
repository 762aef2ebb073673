# riskreg's image: the app servers, the migration and the scheduled jobs all run it.
# Code and collected static files are baked in; a container keeps nothing on its disk.
FROM python:3.11-slim
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home riskreg
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
ENV DJANGO_STATIC_ROOT=/app/staticfiles
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
USER riskreg
EXPOSE 8000
