# Fieldroute API: docker build -t fieldroute . && \
#   docker run -p 8000:8000 -e FIELDROUTE_API_TOKENS='[{"name":"crm","role":"admin","token":"<a long random token>"}]' fieldroute
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/srv/fieldroute \
    FIELDROUTE_ENVIRONMENT=production

WORKDIR /srv/fieldroute

# Dependencies first, from pyproject.toml's pinned list, so code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

RUN groupadd --system fieldroute \
    && useradd --system --gid fieldroute --home-dir /srv/fieldroute --no-create-home fieldroute

COPY routing/ routing/
COPY app/ app/
COPY static/ static/
COPY data/ data/

USER fieldroute
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]

CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
