"""Sign-in, token refresh, credential checks, users and API keys: the rules, without HTTP."""

from __future__ import annotations

import math
from datetime import timedelta

from pydantic import BaseModel

from paperlane import clock
from paperlane.auth import apikeys, passwords
from paperlane.auth.keyring import KeyRing
from paperlane.auth.models import ApiKey, NewApiKey, NewUser, StoredApiKey, StoredUser, User, UserPatch
from paperlane.auth.roles import Principal, Role
from paperlane.auth.tokens import TokenService
from paperlane.config import AuthSettings
from paperlane.errors import AccountLocked, Forbidden, InvalidRequest, NotFound, Unauthorized
from paperlane.storage.auth import AuthRepository, UserPage

_WRONG = "Wrong username or password."
MISSING_CREDENTIAL = (
    "Sign in first: send 'Authorization: Bearer <access_token>' (POST /auth/login) or 'X-API-Key: <key>'."
)
# last_used_at is written at most this often per key, so machine traffic does not double the writes.
_TOUCH_EVERY = timedelta(hours=1)


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the scheme's name, not a secret)
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


class CreatedApiKey(ApiKey):
    api_key: str


class AuthService:
    def __init__(self, repo: AuthRepository, ring: KeyRing, settings: AuthSettings) -> None:
        self.repo = repo
        self.settings = settings
        self.tokens = TokenService(ring, settings)

    # ------------------------------------------------------------------ sign-in

    def login(self, username: str, password: str) -> TokenPair:
        user = self.repo.get_user(username.strip().lower())
        if user is None:
            passwords.dummy_verify(password)
            raise Unauthorized(_WRONG)
        self._refuse_if_locked(user)
        if not passwords.verify_password(password, user.password_hash):
            until = clock.iso(clock.now() + timedelta(seconds=self.settings.login_lockout_seconds))
            failures = self.repo.record_login_failure(
                user.username, max_failures=self.settings.login_max_failures, lock_until=until
            )
            if failures >= self.settings.login_max_failures:
                raise _locked(self.settings.login_lockout_seconds)
            raise Unauthorized(_WRONG)
        if not user.is_active:
            raise Unauthorized("This account is deactivated: ask an administrator.")
        if user.failed_logins or user.locked_until:
            self.repo.record_login_success(user.username)
        return self._pair(user)

    def refresh(self, refresh_token: str) -> TokenPair:
        claims = self.tokens.verify(refresh_token, typ="refresh")
        user = self._current_user(claims.sub, claims.ver)
        return self._pair(user)

    def _pair(self, user: StoredUser) -> TokenPair:
        access = self.tokens.issue(user.username, user.roles, version=user.token_version, typ="access")
        refresh = self.tokens.issue(user.username, user.roles, version=user.token_version, typ="refresh")
        return TokenPair(
            access_token=access.token,
            expires_in=access.expires_in,
            refresh_token=refresh.token,
            refresh_expires_in=refresh.expires_in,
        )

    def _refuse_if_locked(self, user: StoredUser) -> None:
        if user.locked_until:
            left = (clock.parse(user.locked_until) - clock.now()).total_seconds()
            if left > 0:
                raise _locked(math.ceil(left))

    def _current_user(self, username: str, version: int) -> StoredUser:
        user = self.repo.get_user(username)
        if user is None or not user.is_active:
            raise Unauthorized("This account no longer exists or is deactivated.")
        if user.token_version != version:
            raise Unauthorized("This token was revoked (password changed): sign in again.")
        return user

    # ------------------------------------------------------------------ credentials on requests

    def authenticate(self, authorization: str | None, api_key: str | None) -> Principal | None:
        """The caller behind an Authorization header (``Bearer <jwt>`` or ``ApiKey <key>``) or an
        X-API-Key header; None when neither is present."""
        if authorization:
            scheme, _, credential = authorization.strip().partition(" ")
            credential = credential.strip()
            if scheme.lower() == "bearer" and credential:
                claims = self.tokens.verify(credential)
                user = self._current_user(claims.sub, claims.ver)
                return Principal(
                    username=user.username, roles=frozenset(user.roles), reads_for=user.reads_for
                )
            if scheme.lower() == "apikey" and credential:
                return self._api_key_principal(credential)
            raise Unauthorized("The Authorization header must be 'Bearer <token>' or 'ApiKey <key>'.")
        if api_key:
            return self._api_key_principal(api_key)
        return None

    def _api_key_principal(self, key: str) -> Principal:
        parsed = apikeys.parse(key)
        stored = self.repo.get_key(parsed[0]) if parsed else None
        if parsed is None or stored is None or not apikeys.matches(parsed[1], stored.secret_hash):
            raise Unauthorized("The API key is not valid.")
        if stored.revoked:
            raise Unauthorized("The API key was revoked.")
        owner = self.repo.get_user(stored.owner)
        if owner is None or not owner.is_active:
            raise Unauthorized("The API key's owner no longer exists or is deactivated.")
        now = clock.now()
        if stored.last_used_at is None or now - clock.parse(stored.last_used_at) > _TOUCH_EVERY:
            self.repo.touch_key(stored.key_id, clock.iso(now))
        # A key never holds more than its owner does today.
        roles = frozenset(stored.roles) & frozenset(owner.roles)
        return Principal(
            username=owner.username,
            roles=roles,
            kind="api_key",
            key_id=stored.key_id,
            reads_for=owner.reads_for,
        )

    # ------------------------------------------------------------------ users (admin)

    def create_user(self, new: NewUser) -> User:
        return self.create_user_in(self.repo, new)

    @staticmethod
    def create_user_in(repo: AuthRepository, new: NewUser) -> User:
        passwords.check_policy(new.password)
        _check_reads_for(repo, new.username, new.roles, new.reads_for)
        user = StoredUser(
            username=new.username,
            email=new.email,
            roles=new.roles,
            reads_for=new.reads_for,
            created_at=clock.iso(),
            password_hash=passwords.hash_password(new.password),
        )
        repo.create_user(user)
        return user.public()

    def get_user(self, username: str) -> User:
        return self._stored(username).public()

    def list_users(self, *, limit: int, cursor: str | None) -> UserPage:
        return self.repo.list_users(limit=limit, cursor=cursor)

    def update_user(self, actor: Principal, username: str, patch: UserPatch) -> User:
        user = self._stored(username)
        changes: dict[str, object] = {"updated_at": clock.iso()}
        if patch.roles is not None:
            if username == actor.username and Role.ADMIN not in patch.roles:
                raise InvalidRequest("You cannot remove your own admin role: another admin must do it.")
            changes["roles"] = sorted(set(patch.roles), key=list(Role).index)
        if patch.email is not None:
            changes["email"] = patch.email
        if "reads_for" in patch.model_fields_set or patch.roles is not None:
            reads_for = patch.reads_for if "reads_for" in patch.model_fields_set else user.reads_for
            _check_reads_for(self.repo, username, patch.roles or user.roles, reads_for)
            changes["reads_for"] = reads_for
        if patch.is_active is not None:
            if username == actor.username and not patch.is_active:
                raise InvalidRequest("You cannot deactivate yourself.")
            changes["is_active"] = patch.is_active
            if not patch.is_active:
                changes["token_version"] = user.token_version + 1
        if patch.password is not None:
            passwords.check_policy(patch.password)
            changes.update(
                password_hash=passwords.hash_password(patch.password),
                token_version=user.token_version + 1,
                failed_logins=0,
                locked_until=None,
            )
        updated = user.model_copy(update=changes)
        self.repo.put_user(updated)
        return updated.public()

    def delete_user(self, actor: Principal, username: str) -> None:
        if username == actor.username:
            raise InvalidRequest("You cannot delete yourself.")
        if not self.repo.delete_user(username):
            raise NotFound(f"No user named {username!r}.")

    def _stored(self, username: str) -> StoredUser:
        user = self.repo.get_user(username)
        if user is None:
            raise NotFound(f"No user named {username!r}.")
        return user

    def bootstrap_admin(self, username: str, password: str | None) -> str | None:
        """Create the first admin if it does not exist. Returns a generated password (to print once),
        or None when the user existed or the password was given."""
        if self.repo.get_user(username) is not None:
            return None
        generated = None if password else passwords.generate_password()
        self.create_user(NewUser(username=username, password=password or generated or "", roles=[Role.ADMIN]))
        return generated

    # ------------------------------------------------------------------ API keys

    def create_key(self, actor: Principal, new: NewApiKey) -> CreatedApiKey:
        if actor.kind == "api_key":
            raise Forbidden("An API key cannot create API keys: sign in as a user.")
        roles = sorted(set(new.roles or actor.roles), key=list(Role).index)
        if not set(roles) <= actor.roles:
            raise Forbidden(
                "A key can hold only roles you have.", details={"your_roles": sorted(actor.roles)}
            )
        key_id, full, digest = apikeys.generate()
        stored = StoredApiKey(
            key_id=key_id,
            name=new.name,
            owner=actor.username,
            roles=roles,
            created_at=clock.iso(),
            display=apikeys.display(key_id),
            secret_hash=digest,
        )
        self.repo.create_key(stored)
        return CreatedApiKey(**stored.public().model_dump(), api_key=full)

    def list_keys(
        self, actor: Principal, *, limit: int, cursor: str | None
    ) -> tuple[list[ApiKey], str | None]:
        owner = None if actor.is_admin else actor.username
        keys, next_cursor = self.repo.list_keys(owner=owner, limit=limit, cursor=cursor)
        return [k.public() for k in keys], next_cursor

    def revoke_key(self, actor: Principal, key_id: str) -> ApiKey:
        stored = self.repo.get_key(key_id)
        if stored is None or (stored.owner != actor.username and not actor.is_admin):
            raise NotFound(f"No API key {key_id!r} of yours.")
        self.repo.revoke_key(key_id)
        return stored.public().model_copy(update={"revoked": True})


def _check_reads_for(repo: AuthRepository, username: str, roles: list[Role], reads_for: str | None) -> None:
    """A viewer-only user may read for one existing user who is not a viewer (and not itself)."""
    if reads_for is None:
        return
    details = {"field": "reads_for"}
    if set(roles) != {Role.VIEWER}:
        raise InvalidRequest(
            "Only a user whose one role is viewer can read for another user: clear reads_for "
            "(null) when giving other roles.",
            details=details,
        )
    if reads_for == username:
        raise InvalidRequest("A viewer cannot read for itself.", details=details)
    target = repo.get_user(reads_for)
    if target is None:
        raise InvalidRequest(f"reads_for names no user: {reads_for!r} does not exist.", details=details)
    if Role.VIEWER in target.roles:
        raise InvalidRequest(
            f"reads_for must name a user who submits jobs, not a viewer ({reads_for!r} is one).",
            details=details,
        )


def _locked(seconds: int) -> AccountLocked:
    return AccountLocked(
        f"Too many failed sign-ins: the account is locked for {seconds} more seconds.",
        details={"retry_after_seconds": seconds},
        headers={"Retry-After": str(seconds)},
    )
