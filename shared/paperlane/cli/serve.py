"""`paperlane serve`: the local stack over HTTP on one machine, no AWS account and no Docker."""

from __future__ import annotations

import sys
from pathlib import Path


def serve(
    *,
    host: str,
    port: int,
    s3_port: int,
    inbox: Path | None,
    log_level: str,
    overrides: dict[str, str] | None = None,
) -> int:
    import uvicorn

    from paperlane.local.quiet import quiet_logs
    from paperlane.local.server import local_services

    quiet_logs(log_level)
    with local_services(host=host, s3_port=s3_port, inbox=inbox, overrides=overrides) as services:
        print(
            f"Paperlane local stack: API http://{host}:{port} (docs at /docs), "
            f"S3 endpoint {services.s3_endpoint}",
            file=sys.stderr,
        )
        if services.admin_password:
            # Shown once: it is stored only as a scrypt hash.
            print(
                f"First admin: {services.admin} / {services.admin_password}  (shown once; set "
                "PAPERLANE_ADMIN_PASSWORD to choose it)",
                file=sys.stderr,
            )
        if services.inbox:
            print(f"Drop folder: {services.inbox.folder.resolve()} -> s3 inbox/", file=sys.stderr)
        uvicorn.run(services.app, host=host, port=port, log_level=log_level.lower())
    return 0
