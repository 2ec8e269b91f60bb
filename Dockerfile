# Fieldroute API: docker build -t fieldroute . && \
#   docker run -p 8000:8000 -e DATABASE_URL=postgresql://... fieldroute
# First admin: docker run --rm -e DATABASE_URL=... fieldroute python -m app.cli create-admin EMAIL NAME
# Road data (embedded OSRM; kept in the var volume, picked up by a running app without a restart):
#   docker run --rm -v fieldroute-var:/srv/fieldroute/var -v $PWD:/in fieldroute \
#     python -m app.cli roads build /in/region.osm.pbf
# Or an engine you run already: -e FIELDROUTE_ROADS_ENGINE=osrm -e FIELDROUTE_ROADS_URL=http://osrm:5000
FROM python:3.12-slim

# production is also the app's default (demo tokens refused, Secure cookies); said here too.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/srv/fieldroute \
    FIELDROUTE_ENVIRONMENT=production \
    FIELDROUTE_DATA_DIR=/srv/fieldroute/var

WORKDIR /srv/fieldroute

# Dependencies first, so code changes reuse this layer: exactly the versions `make run` and the
# tests use, every file checked against its hash (requirements/README.md).
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --require-hashes --only-binary :all: -r requirements/runtime.txt

RUN groupadd --system fieldroute \
    && useradd --system --gid fieldroute --home-dir /srv/fieldroute --no-create-home fieldroute

COPY routing/ routing/
# app/ with the pages' templates, CSS and JS (app/web/templates/, app/web/static/).
COPY app/ app/
COPY data/ data/
COPY alembic.ini ./
# The compiled search (routing/route/sisr.py, numba) compiled once here, into its cache beside
# it, rather than for 10 s in the first solve of every container.
RUN python -c "import routing.route.sisr"

# Without DATABASE_URL the SQLite file and the geocoder's index caches live here; so does the
# road data (var/roads/<region>/v<N>/), with the OSRM programs from the osrm-bindings wheel.
RUN mkdir -p var && chown fieldroute:fieldroute var
VOLUME ["/srv/fieldroute/var"]

USER fieldroute
EXPOSE 8000

# Liveness, not readiness: an unhealthy container gets restarted, and a restart does not bring a
# database back (the app reconnects by itself when it returns). Load balancers and orchestrators'
# readiness probes ask /health/ready, which answers 503 while the database is unavailable.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]

CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
