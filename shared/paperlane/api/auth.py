"""Sign-in, tokens, the caller's profile, users (admin) and API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, Field

from paperlane.api.security import AuthServiceDep, PrincipalDep
from paperlane.auth.models import USERNAME_PATTERN, ApiKey, NewApiKey, NewUser, User, UserPatch
from paperlane.auth.roles import Role
from paperlane.auth.service import CreatedApiKey, TokenPair

router = APIRouter(tags=["auth"])

Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page")]
Username = Annotated[str, Path(pattern=USERNAME_PATTERN)]


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256, repr=False)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=4096, repr=False)


class Me(BaseModel):
    username: str
    email: str | None
    roles: list[Role]
    is_active: bool
    reads_for: str | None = Field(default=None, description="Viewers: whose jobs you read")
    auth: str = Field(description="How this request authenticated: user (token) or api_key")


class UserList(BaseModel):
    items: list[User]
    count: int
    next_cursor: str | None = None


class ApiKeyList(BaseModel):
    items: list[ApiKey]
    count: int
    next_cursor: str | None = None


@router.post("/auth/login", response_model=TokenPair, summary="Sign in: username and password to tokens")
def login(body: LoginRequest, service: AuthServiceDep) -> TokenPair:
    return service.login(body.username, body.password)


@router.post("/auth/refresh", response_model=TokenPair, summary="A fresh access token from a refresh token")
def refresh(body: RefreshRequest, service: AuthServiceDep) -> TokenPair:
    return service.refresh(body.refresh_token)


@router.get("/auth/me", response_model=Me, summary="Who you are")
def me(principal: PrincipalDep, service: AuthServiceDep) -> Me:
    user = service.get_user(principal.username)
    return Me(
        username=user.username,
        email=user.email,
        roles=sorted(principal.roles, key=list(Role).index),
        is_active=user.is_active,
        reads_for=principal.reads_for,
        auth=principal.kind,
    )


# ---------------------------------------------------------------------------- users (admin)


@router.post(
    "/api/v1/users", response_model=User, status_code=status.HTTP_201_CREATED, summary="Create a user"
)
def create_user(body: NewUser, service: AuthServiceDep) -> User:
    return service.create_user(body)


@router.get("/api/v1/users", response_model=UserList, summary="Users, by name")
def list_users(service: AuthServiceDep, limit: Limit = 50, cursor: Cursor = None) -> UserList:
    page = service.list_users(limit=limit, cursor=cursor)
    items = [u.public() for u in page.items]
    return UserList(items=items, count=len(items), next_cursor=page.next_cursor)


@router.get("/api/v1/users/{username}", response_model=User, summary="One user")
def get_user(username: Username, service: AuthServiceDep) -> User:
    return service.get_user(username)


@router.patch(
    "/api/v1/users/{username}",
    response_model=User,
    summary="Change roles, activation, password, email or reads_for",
)
def update_user(
    username: Username, body: UserPatch, principal: PrincipalDep, service: AuthServiceDep
) -> User:
    return service.update_user(principal, username, body)


@router.delete("/api/v1/users/{username}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a user")
def delete_user(username: Username, principal: PrincipalDep, service: AuthServiceDep) -> Response:
    service.delete_user(principal, username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------------- API keys


@router.post(
    "/api/v1/keys",
    response_model=CreatedApiKey,
    status_code=status.HTTP_201_CREATED,
    summary="Create an API key (its value is shown only in this response)",
)
def create_key(body: NewApiKey, principal: PrincipalDep, service: AuthServiceDep) -> CreatedApiKey:
    return service.create_key(principal, body)


@router.get("/api/v1/keys", response_model=ApiKeyList, summary="Your API keys (admins: everyone's)")
def list_keys(
    principal: PrincipalDep, service: AuthServiceDep, limit: Limit = 50, cursor: Cursor = None
) -> ApiKeyList:
    items, next_cursor = service.list_keys(principal, limit=limit, cursor=cursor)
    return ApiKeyList(items=items, count=len(items), next_cursor=next_cursor)


@router.delete(
    "/api/v1/keys/{key_id}", response_model=ApiKey, summary="Revoke an API key (it stops working at once)"
)
def revoke_key(
    key_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")], principal: PrincipalDep, service: AuthServiceDep
) -> ApiKey:
    return service.revoke_key(principal, key_id)
