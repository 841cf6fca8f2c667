"""Users and API keys as stored, and as the API shows them (never with hashes)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from paperlane.auth.roles import Role

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,62}$"
# Deliberately loose: deliverability is the mail server's business; this catches typos like a missing @.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class User(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    email: str | None = None
    roles: list[Role] = Field(min_length=1)
    is_active: bool = True
    # A viewer-only user may read the jobs of one other (non-viewer) user: see Principal.owner_scope.
    reads_for: str | None = None
    created_at: str
    updated_at: str | None = None


class StoredUser(User):
    password_hash: str = Field(repr=False)
    failed_logins: int = 0
    locked_until: str | None = None
    token_version: int = 0

    def public(self) -> User:
        return User.model_validate(self.model_dump(include=set(User.model_fields)))


class ApiKey(BaseModel):
    key_id: str
    name: str
    owner: str
    roles: list[Role]
    created_at: str
    last_used_at: str | None = None
    revoked: bool = False
    display: str


class StoredApiKey(ApiKey):
    secret_hash: str = Field(repr=False)

    def public(self) -> ApiKey:
        return ApiKey.model_validate(self.model_dump(include=set(ApiKey.model_fields)))


# ---------------------------------------------------------------------------- requests


def _unique_roles(roles: list[Role]) -> list[Role]:
    return sorted(set(roles), key=list(Role).index)


class NewUser(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN, description="Lower-case letters, digits, . _ -")
    password: str = Field(repr=False, min_length=1, max_length=256)
    email: str | None = Field(default=None, pattern=EMAIL_PATTERN, max_length=254)
    roles: list[Role] = Field(min_length=1)
    reads_for: str | None = Field(
        default=None, pattern=USERNAME_PATTERN, description="Viewers only: whose jobs this viewer reads"
    )

    _roles = field_validator("roles")(_unique_roles)


class UserPatch(BaseModel):
    roles: list[Role] | None = Field(default=None, min_length=1)
    is_active: bool | None = None
    password: str | None = Field(default=None, repr=False, min_length=1, max_length=256)
    email: str | None = Field(default=None, pattern=EMAIL_PATTERN, max_length=254)
    # Unlike the fields above, an explicit null means something here: it clears the attribute.
    reads_for: str | None = Field(
        default=None, pattern=USERNAME_PATTERN, description="Viewers only: whose jobs to read; null clears"
    )


class NewApiKey(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="What the key is for")
    roles: list[Role] | None = Field(
        default=None, min_length=1, description="A subset of your roles (default: all of them)"
    )
