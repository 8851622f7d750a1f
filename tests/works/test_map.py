"""`sirenctl map`: GeoJSON valid by the geojson library, KML well-formed, HTML page and the
report's SVG map loaded in a real headless Chromium (no console errors, markers and circles in
the DOM, a screenshot that is not blank)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from xml.etree import ElementTree as ET

import geojson
import pytest

from tests.works.conftest import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
KML = "{http://www.opengis.net/kml/2.2}"
CIRCLES = 17


@pytest.fixture(scope="module")
def features(demo: tuple[dict[str, str], Path]) -> list[dict]:
    env, db = demo
    out = run_cli(env, "--db", str(db), "map", "--format", "geojson")
    assert out.returncode == 0, out.stderr
    collection = geojson.loads(out.stdout)
    assert collection.is_valid, collection.errors()
    return list(collection["features"])


def _count(features: list[dict], kind: str) -> int:
    return sum(1 for f in features if f["properties"]["kind"] == kind)


def test_geojson_has_every_site_siren_terminal_works_and_circle(features: list[dict]) -> None:
    assert _count(features, "site") == 14
    assert _count(features, "siren") == 14  # hand-crank, one per community
    assert _count(features, "terminal") == 5  # the bench unit is not in the field
    assert _count(features, "works") == 14
    faulty = [f["properties"]["code"] for f in features if f["properties"]["faulty"]]
    assert faulty == ["T03"]
    circles = [f for f in features if f["properties"]["kind"] == "coverage"]
    # every working siren with a level: not the faulty T03, not T04 (no rating or measurement)
    assert len(circles) == 14 + 5 - 2 == CIRCLES
    t01 = next(f for f in circles if f["properties"]["code"] == "T01")
    # CPG 1-17: 123 dBC at 30.48 m, 70 dBC target -> 30.48 * 2 ** 5.3 m
    assert t01["properties"]["coverage_radius_m"] == pytest.approx(30.48 * 2**5.3, abs=0.1)
    assert t01["geometry"]["type"] == "Polygon"


def test_kml_is_well_formed_with_placemarks(demo: tuple[dict[str, str], Path]) -> None:
    env, db = demo
    out = run_cli(env, "--db", str(db), "map", "--format", "kml")
    root = ET.fromstring(out.stdout.encode())
    marks = root.findall(f".//{KML}Placemark")
    assert len(marks) == 14 + 14 + 5 + 14 + CIRCLES
    assert len(root.findall(f".//{KML}Polygon")) == CIRCLES
    names = [m.findtext(f"{KML}name") for m in marks]
    assert "T03 滨河广场多媒体警报终端" in names


def _png_is_not_blank(path: Path) -> bool:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels)) > 16  # a blank page has one colour (and filter bytes)


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1000,900",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("page", ["map", "report"])
def test_page_in_headless_chromium(
    demo: tuple[dict[str, str], Path], features: list[dict], tmp_path: Path, page: str
) -> None:
    env, db = demo
    html = tmp_path / f"{page}.html"
    args = (
        ["map", "--format", "html"]
        if page == "map"
        else ["report", "--year", "2025", "--format", "html"]
    )
    out = run_cli(env, "--db", str(db), *args, "--out", str(html))
    assert out.returncode == 0, out.stderr
    dom = _chromium(tmp_path / "profile", "--dump-dom", html.as_uri())
    assert dom.returncode == 0, dom.stderr
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    points = sum(1 for f in features if f["properties"]["kind"] != "coverage")
    assert dom.stdout.count('class="marker"') == points
    # the map page shows the fleet now (T03 faulty); the 2025 report as at the end of 2025
    faulty = 1 if page == "map" else 0
    assert dom.stdout.count('class="coverage"') == CIRCLES + 1 - faulty
    assert dom.stdout.count('data-faulty="true"') == faulty
    assert 'class="scale-bar"' in dom.stdout
    shot = tmp_path / "shot.png"
    taken = _chromium(tmp_path / "profile2", f"--screenshot={shot}", html.as_uri())
    assert taken.returncode == 0 and shot.exists(), taken.stderr
    assert _png_is_not_blank(shot)
