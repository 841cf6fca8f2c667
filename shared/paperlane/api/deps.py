"""FastAPI dependencies: settings and stores for the current function (or the local stack)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from paperlane.config import ApiSettings, load
from paperlane.pipeline.context import Stores, stores


def get_settings(request: Request) -> ApiSettings:
    # The local stack passes the API functions' environment from template.yaml; on Lambda it is os.environ.
    env = getattr(request.app.state, "environment", None)
    return ApiSettings.model_validate(env) if env is not None else load(ApiSettings)


def get_stores(settings: Annotated[ApiSettings, Depends(get_settings)]) -> Stores:
    return stores(settings)


SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
StoresDep = Annotated[Stores, Depends(get_stores)]
