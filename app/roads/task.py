"""A road-data build as a job (kind `build_roads`): an admin (API) or the CLI queues it, a
worker (or the web process) builds. The extract is a file the admin put under the data
directory's `extracts/` (a file name only, never a path: nothing outside it is read), not an
upload: extracts run to gigabytes. The build swaps the region's data in atomically
(`app.roads.build`), so a failed or cancelled build leaves the data in use as it was."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

from sqlalchemy.orm import Session

from app.auth.access import require_role
from app.auth.principal import Principal
from app.core.config import Role, Settings
from app.core.errors import InvalidRequest
from app.jobs import service as jobs
from app.jobs.dispatch import Dispatcher
from app.jobs.kinds import JobFailed, JobKind, JobOutcome, JobWork, register
from app.models import Job
from app.roads.build import BuildError, build_roads, region_of

KIND = "build_roads"
EXTRACTS = "extracts"
STEPS = 3
"""extract, partition, customize: OSRM's steps, each a part of the job's progress."""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.osm\.pbf$")
_STEP = re.compile(r"^\[(\d+)/(\d+)\]")


def extracts_dir(data_dir: Path) -> Path:
    return data_dir / EXTRACTS


def extract_path(data_dir: Path, name: str) -> Path:
    """The extract `name` under the data directory's `extracts/` (422 naming `extract`)."""
    if not _NAME.match(name):
        raise InvalidRequest(
            f"extract: {name!r} is not a file name ending in .osm.pbf", field="extract"
        )
    path = extracts_dir(data_dir) / name
    if not path.is_file():
        raise InvalidRequest(
            f"extract: no file {name!r} in {EXTRACTS}/ of the data directory; copy it there",
            field="extract",
        )
    return path


def stage_extract(data_dir: Path, source: Path) -> str:
    """The name under `extracts/` of the extract at `source` (the command line's `--queue`):
    copied there unless it is there already. A different file of the same name there is
    refused (422 naming `extract`), never overwritten: a build may be reading it."""
    name = source.name
    if not _NAME.match(name):
        raise InvalidRequest(
            f"extract: {name!r} is not a file name ending in .osm.pbf",
            field="extract",
        )
    if not source.is_file():
        raise InvalidRequest(f"extract: no file {source}", field="extract")
    folder = extracts_dir(data_dir)
    target = folder / name
    if target.exists() and target.resolve() != source.resolve():
        if not filecmp.cmp(source, target, shallow=True):
            raise InvalidRequest(
                f"extract: {target} exists and is another file; remove it or give that file",
                field="extract",
            )
    elif not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.copying")
        shutil.copy2(source, partial)
        partial.replace(target)  # a build never sees half a copy
    return name


def submit(
    session: Session,
    principal: Principal,
    settings: Settings,
    dispatcher: Dispatcher,
    *,
    extract: str,
    region: str | None,
) -> Job:
    """Queue a build of `extract` (admins only)."""
    require_role(principal, Role.ADMIN)
    path = extract_path(settings.data_dir, extract)
    params = {"extract": extract, "region": region or region_of(path)}
    job = jobs.create(session, principal, kind=KIND, team_id=None, params=params, data=None,
                      total=STEPS)  # fmt: skip
    job.links = {"roads": "/api/v1/roads"}
    jobs.dispatch(session, job, dispatcher)
    return job


def _run(work: JobWork) -> JobOutcome:
    params = work.job.params
    try:
        path = extract_path(work.settings.data_dir, str(params["extract"]))
    except InvalidRequest as exc:
        raise JobFailed(exc.detail) from exc

    def step(line: str) -> None:
        done = _STEP.match(line)
        if done is not None:
            work.progress(int(done.group(1)), int(done.group(2)))

    work.progress(0, STEPS)
    try:
        manifest = build_roads(path, work.settings.data_dir, region=params["region"], progress=step)
    except BuildError as exc:
        raise JobFailed(str(exc)) from exc
    work.progress(STEPS, STEPS)
    return JobOutcome(links={"roads": "/api/v1/roads", "region": manifest.region})


BUILD_ROADS = register(JobKind(KIND, _run))
