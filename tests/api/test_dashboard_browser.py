"""The dashboard, end to end in headless Debian chromium through Playwright.

A database is filled the way the demo fills it (simulated mentions through the
ingest path, analysis through `run_analysis`, detection), the API runs under
uvicorn on a loopback port, and the browser signs in, opens a brand page and
checks that the charts drew data (pixels, not just elements), that the alerts
show their evidence and why they fired, and that the mention browser filters.
"""

from __future__ import annotations

import shutil
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from api.main import create_app
from api.services.analysis import NlpPipeline, run_analysis
from api.services.brands import create_brand
from api.services.detection import run_detection
from api.services.ingest import Ingestor
from api.services.workspaces import create_api_key, get_or_create_workspace
from listener.simulator import ScenarioSimulator
from models import ApiKeyRole, Brand, Mention, Topic, TopicAssignment
from models.brand import BrandCreate
from models.settings import Settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian chromium is not installed (scripts/ensure_system_deps.sh)",
    ),
]


# --- the simulator's ground truth stands in for the models (they are not under test) ---------


@dataclass
class _Label:
    label: str
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class _Harm:
    probability: float
    is_claim: bool


class _Truth:
    version = "sim-truth"

    def __init__(self, truth: dict[str, tuple[str, bool]]) -> None:
        self.truth = truth

    def predict(self, texts: list[str], langs: Any = None) -> list[Any]:
        return [_Label(self.truth.get(t, ("neutral", False))[0]) for t in texts]


class _TruthHarm(_Truth):
    version = "sim-harm"

    def predict(self, texts: list[str], langs: Any = None) -> list[Any]:
        flags = [self.truth.get(t, ("neutral", False))[1] for t in texts]
        return [_Harm(1.0 if f else 0.0, f) for f in flags]


class _Lang:
    def detect(self, texts: list[str]) -> list[str]:
        return ["en"] * len(texts)


def _demo_database(session: Session) -> str:
    simulator = ScenarioSimulator(seed=7, days=11, scale=0.3)
    ws = get_or_create_workspace(session, "default")
    for spec in simulator.brands():
        create_brand(
            session,
            ws.id,
            BrandCreate(
                name=spec["name"],
                aliases=spec["aliases"],
                handles=spec["owned_handles"],
                competitor_group=spec["competitor_group"],
                query=spec["query"],
            ),
        )
    mentions = simulator.generate()
    truth = {}
    for m in mentions:
        sim = m.extra.pop("sim")
        truth[m.text] = (sim["sentiment"], bool(sim["harm_claim"]))
    Ingestor(session, ws.id).ingest(mentions)
    run_analysis(session, ws.id, NlpPipeline(_Lang(), _Truth(truth), _TruthHarm(truth)))
    run_detection(session, ws.id, bucket_minutes=5)
    nuvola = session.execute(select(Brand).where(Brand.name == "Nuvola")).scalar_one()
    harm = list(session.execute(select(Mention.id).where(Mention.is_harm.is_(True))).scalars())
    topic = Topic(
        workspace_id=ws.id,
        brand_id=nuvola.id,
        label="Citrus made people ill",
        keywords=["sick", "citrus", "ill"],
        size=len(harm),
        negative_share=0.9,
        representative_ids=harm[:3],
    )
    session.add(topic)
    session.commit()
    session.add_all(TopicAssignment(mention_id=i, topic_id=topic.id) for i in harm)
    session.commit()
    _, secret = create_api_key(session, ws.id, "browser", ApiKeyRole.admin)
    return secret


@pytest.fixture()
def served(settings: Settings, session: Session) -> Iterator[dict[str, Any]]:
    import uvicorn

    secret = _demo_database(session)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "key": secret}
    server.should_exit = True
    thread.join(timeout=10)


def _png_colours(png: bytes) -> int:
    """Count the distinct colours of an 8-bit RGB(A) PNG (what Chromium's screenshots are)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        chunk = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += chunk
        pos += 12 + length
    raw = zlib.decompress(data)
    stride = width * channels
    previous = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + pred) & 0xFF
        colours.update(bytes(line[i : i + 3]) for i in range(0, stride, channels))
        previous = line
    return len(colours)


def test_dashboard_in_chromium(served: dict[str, Any], tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    base = served["base"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

        page.goto(base + "/")
        page.fill("input[name=api_key]", "gsk_not_a_key")
        page.click("button[type=submit]")
        assert "not valid" in page.text_content("[role=alert]")
        errors.clear()  # that refusal was a 401 on purpose
        page.fill("input[name=api_key]", served["key"])
        page.click("button[type=submit]")
        page.wait_for_selector("#brands")
        assert page.locator("#brands tbody tr").count() == 3
        assert page.locator("#alerts .alert").count() >= 1

        page.click("nav >> text=Nuvola")
        page.wait_for_selector("body[data-charts]")
        assert int(page.get_attribute("body", "data-charts")) >= 4  # trend, 2 SoV, topic
        for chart in ("#trend-chart", "#sov-chart", "#sov-trend-chart"):
            assert page.get_attribute(chart, "data-rendered") == "true"
            # Pixels, not just an element: the canvas holds many drawn, non-blank pixels ...
            painted = page.evaluate(
                """(sel) => { const c = document.querySelector(sel);
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                   return n; }""",
                chart,
            )
            assert painted > 5000, (chart, painted)
            # ... and a screenshot of it is far from one uniform colour.
            shot = page.locator(chart).screenshot(path=str(tmp_path / f"{chart[1:]}.png"))
            assert _png_colours(shot) > 20, chart
        red = page.evaluate(
            """() => { const c = document.querySelector('#trend-chart');
               const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
               let n = 0; for (let i = 0; i < d.length; i += 4)
                 if (d[i] === 0xc0 && d[i+1] === 0x39 && d[i+2] === 0x2b) n++;
               return n; }"""
        )
        assert red > 100  # the negative bars of the illness scare are there

        alert = page.locator("#alerts article.alert").first
        assert "Why it fired" in alert.text_content()
        assert alert.locator(".evidence li").count() >= 1
        assert page.locator("#topics tbody tr").count() == 1
        assert page.get_attribute("canvas.topic-spark", "data-rendered") == "true"

        rows = page.locator("#mention-table tr.mention")
        assert rows.count() == 25
        page.select_option("select[name=sentiment]", "negative")
        page.fill("input[name=q]", "Citrus")
        page.click("#mention-filters button[type=submit]")
        page.wait_for_load_state()
        assert 0 < rows.count() <= 25
        sentiments = {rows.nth(i).get_attribute("data-sentiment") for i in range(rows.count())}
        assert sentiments == {"negative"}
        assert all(
            "citrus" in (rows.nth(i).text_content() or "").lower() for i in range(rows.count())
        )
        if page.locator("#next-page").count():
            first = rows.first.text_content()
            page.click("#next-page")
            page.wait_for_load_state()
            assert rows.count() > 0 and rows.first.text_content() != first
            assert page.input_value("input[name=q]") == "Citrus"

        open_alerts = page.locator("#alerts article.alert").count()
        page.locator("#alerts article.alert").first.locator("text=Resolve").click()
        page.wait_for_load_state()
        page.wait_for_selector("body[data-charts]")
        assert page.locator("#alerts article.alert").count() == open_alerts - 1
        page.screenshot(path=str(tmp_path / "brand.png"), full_page=True)
        browser.close()
    assert not errors, errors
