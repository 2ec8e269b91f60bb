"""What `GET /api/v1/roads` answers: the travel model plans are made with now."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RoadDataOut(BaseModel):
    """One build of embedded road data."""

    region: str
    version: int = Field(description="bumped by every build of the region")
    source: str = Field(description="the OpenStreetMap extract it was built from")
    built_at: str
    nodes: int
    edges: int
    bbox: tuple[float, float, float, float] = Field(description="south, west, north, east")
    size_bytes: int


class TravelModelOut(BaseModel):
    """Which travel model times plans and `/optimize` now, and on what data."""

    travel_model: str = Field(
        description="osrm (embedded road data), osrm-server, valhalla, graphhopper or estimate"
    )
    travel_detail: str
    engine: str = Field(description="the setting roads_engine")
    road_data: RoadDataOut | None = Field(
        default=None, description="the embedded road data in use; null for other engines"
    )
    fitted_estimate: str | None = Field(
        default=None,
        description="for places outside the road data: the estimate fitted to it, in words",
    )


class RoadBuildRequest(BaseModel):
    """A road-data build from an extract the admin copied into the data directory's
    `extracts/` folder (a file name, not a path)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"extract": "baltimore.osm.pbf"}]}
    )

    extract: str = Field(
        min_length=9,
        max_length=208,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.osm\.pbf$",
        description="the file's name in `extracts/` under the data directory",
    )
    region: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$",
        description="the region's name (default: from the file name)",
    )
