"""Who is calling and what they may do: users, roles, tokens, API keys and rate limits.

Nothing here knows HTTP: the API (paperlane.api.security) and the Lambda authorizer
(paperlane.auth.authorizer) are thin adapters over the same rules, so the local stack, which has no
API Gateway, enforces exactly what AWS does.
"""
