"""The FastAPI app: includes routers, nothing else.

Heavy libraries (torch, transformers, bertopic, spacy) are never imported here,
so `import api.main` and app start-up stay fast; a test checks that.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from api.problems import install_problem_handlers
from api.routes import analytics, brands, dashboard, health
from models.db import make_engine
from models.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for the given settings (default: from the environment)."""
    settings = settings or Settings()
    app = FastAPI(
        title="Groundswell",
        version="0.1.0",
        description="Social listening: mentions, sentiment, share of voice, crisis alerts.",
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url())
    install_problem_handlers(app)
    v1 = APIRouter(prefix="/v1")
    for module in (health, brands, analytics):
        v1.include_router(module.router)
    app.include_router(v1)
    app.include_router(dashboard.router)
    return app
