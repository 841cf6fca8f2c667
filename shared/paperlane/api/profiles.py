"""Profiles: the built-in ones, and custom LLM profiles (a JSON schema plus instructions) that admins
register without code."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, Field

from paperlane import clock, profiles
from paperlane.api.deps import StoresDep
from paperlane.api.events import ConfigEventsDep
from paperlane.api.security import PrincipalDep
from paperlane.errors import Conflict, NotFound
from paperlane.llm.profile import CustomProfileSpec

router = APIRouter(prefix="/api/v1/profiles", tags=["profiles"])
Name = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{1,47}$")]


class ProfileInfo(BaseModel):
    name: str
    description: str
    kind: str  # "built-in" | "custom"
    created_at: str | None = None
    created_by: str | None = None
    options: dict[str, Any] | None = Field(
        default=None, description="JSON schema of the options an upload may give (`options`), if any"
    )


class CustomProfile(ProfileInfo):
    instructions: str
    json_schema: dict[str, Any]
    list_keys: dict[str, list[str]]


class ProfileList(BaseModel):
    items: list[ProfileInfo]
    count: int


@router.get("", response_model=ProfileList, summary="Every profile: built-in and custom")
def list_profiles(stores: StoresDep) -> ProfileList:
    items = [
        ProfileInfo(name=n, description=profiles.get(n).description, kind="built-in")
        for n in profiles.names()
    ]
    items += [
        ProfileInfo(
            name=p.spec.name,
            description=p.spec.description,
            kind="custom",
            created_at=p.created_at,
            created_by=p.created_by,
        )
        for p in sorted(stores.profiles.list(), key=lambda p: p.spec.name)
    ]
    return ProfileList(items=items, count=len(items))


@router.post(
    "",
    response_model=CustomProfile,
    status_code=status.HTTP_201_CREATED,
    summary="Register a custom profile: documents uploaded with it are read by the LLM backend",
)
def create_profile(
    spec: CustomProfileSpec, stores: StoresDep, principal: PrincipalDep, events: ConfigEventsDep
) -> CustomProfile:
    from paperlane.storage.profiles import StoredProfile

    if profiles.is_built_in(spec.name):
        raise Conflict(f"{spec.name!r} is a built-in profile; choose another name.")
    stored = StoredProfile(spec=spec, created_at=clock.iso(), created_by=principal.username)
    stores.profiles.create(stored)
    events.changed("profile", "created", spec.name)
    return _custom(stored)


@router.get("/{name}", response_model=CustomProfile | ProfileInfo, summary="One profile, with its options")
def get_profile(name: Name, stores: StoresDep) -> ProfileInfo:
    if profiles.is_built_in(name):
        model = profiles.options_model(name)
        return ProfileInfo(
            name=name,
            description=profiles.get(name).description,
            kind="built-in",
            options=model.model_json_schema() if model else None,
        )
    stored = stores.profiles.get(name)
    if stored is None:
        raise NotFound(f"No profile named {name!r}.")
    return _custom(stored)


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a custom profile")
def delete_profile(name: Name, stores: StoresDep, events: ConfigEventsDep) -> Response:
    if profiles.is_built_in(name):
        raise Conflict(f"{name!r} is built in and cannot be removed.")
    if not stores.profiles.delete(name):
        raise NotFound(f"No custom profile named {name!r}.")
    events.changed("profile", "deleted", name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _custom(stored: Any) -> CustomProfile:
    spec: CustomProfileSpec = stored.spec
    return CustomProfile(
        name=spec.name,
        description=spec.description,
        kind="custom",
        created_at=stored.created_at,
        created_by=stored.created_by,
        instructions=spec.instructions,
        json_schema=spec.json_schema,
        list_keys=spec.list_keys,
    )
