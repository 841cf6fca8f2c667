"""The `paperlane` command: `serve` (the local stack over HTTP), `process` (files -> JSON or Excel),
`users create`, `auth rotate-key`, `export` (from a running API, or of given files) and `fetch` (run
download sources now)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paperlane import __version__

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paperlane", description="Paperlane: PDFs in, structured data out.")
    parser.add_argument("--version", action="version", version=f"paperlane {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="Run the local stack and its API (moto, in-process).")
    serve.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="API port (default 8000)")
    serve.add_argument(
        "--s3-port",
        type=int,
        default=0,
        help="Port of the local S3 endpoint for presigned uploads (default: any free port)",
    )
    serve.add_argument(
        "--inbox",
        type=Path,
        default=None,
        help="Drop folder mirrored into the bucket's inbox/ (sub-folders name profiles)",
    )
    serve.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    serve.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Set a variable for every function of the local stack (repeatable), e.g. WEBHOOK_MAX_RETRIES=2",
    )

    process = sub.add_parser("process", help="Process PDFs on the local stack and write the results.")
    process.add_argument("files", nargs="+", type=Path, help="PDF files, or folders to search for *.pdf")
    process.add_argument("--profile", default="generic", help="Extraction profile (default generic)")
    process.add_argument("--password", default=None, help="Password for encrypted PDFs")
    process.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="A profile option (VALUE read as JSON when it parses, e.g. main_matches_only=true); repeatable",
    )
    process.add_argument("--format", choices=["json", "xlsx"], default="json", dest="fmt")
    process.add_argument(
        "--out",
        type=Path,
        default=None,
        help="Output file (default: stdout for json, paperlane.xlsx for xlsx)",
    )
    process.add_argument(
        "--timeout",
        type=float,
        default=900.0,
        help="Seconds to wait before cancelling unfinished documents (default 900)",
    )
    process.add_argument("--quiet", action="store_true", help="No progress bars")

    users = sub.add_parser("users", help="Manage users (the first admin on AWS, or a running serve).")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    create = users_sub.add_parser(
        "create",
        help="Create a user. Password: $PAPERLANE_NEW_PASSWORD, --password-stdin, or generated (shown once).",
    )
    create.add_argument("username")
    create.add_argument(
        "--role", action="append", required=True, choices=["admin", "operator", "viewer"], dest="roles"
    )
    create.add_argument("--email", default=None)
    where = create.add_mutually_exclusive_group()
    where.add_argument("--table", default=None, help="The AWS auth table (stack output AuthTableName)")
    where.add_argument(
        "--api",
        default=None,
        help="A running API (default http://127.0.0.1:8000) with $PAPERLANE_TOKEN or $PAPERLANE_API_KEY",
    )
    create.add_argument("--password-stdin", action="store_true", help="Read the password from stdin")

    auth = sub.add_parser("auth", help="JWT signing keys.")
    auth_sub = auth.add_subparsers(dest="auth_command", required=True)
    rotate = auth_sub.add_parser(
        "rotate-key", help="New signing key; tokens signed with the old one stay valid for the grace period."
    )
    rotate_where = rotate.add_mutually_exclusive_group()
    rotate_where.add_argument("--secret-id", default=None, help="The AWS secret (stack output JwtSecretArn)")
    rotate_where.add_argument(
        "--keys-file", type=Path, default=None, help="Local key file (default $PAPERLANE_HOME/jwt-keys.json)"
    )

    from paperlane.cli import export, fetch

    export.add_parser(sub)
    fetch.add_parser(sub)
    return parser


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(str(path))
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        from paperlane.cli.serve import serve

        overrides: dict[str, str] = {}
        for pair in args.env:
            name, sep, value = pair.partition("=")
            if not sep or not name.strip():
                parser.error(f"--env needs NAME=VALUE, not {pair!r}")
            overrides[name.strip()] = value
        return serve(
            host=args.host,
            port=args.port,
            s3_port=args.s3_port,
            inbox=args.inbox,
            log_level=args.log_level,
            overrides=overrides,
        )

    if args.command == "users":
        from paperlane.cli.accounts import create_user

        return create_user(
            args.username,
            args.roles,
            email=args.email,
            table=args.table,
            api=args.api,
            password_stdin=args.password_stdin,
        )
    if args.command == "auth":
        from paperlane.cli.accounts import rotate_key

        return rotate_key(secret_id=args.secret_id, keys_file=args.keys_file)
    if args.command == "fetch":
        from paperlane.cli.fetch import fetch_now

        if args.timeout <= 0:
            parser.error("--timeout must be positive")
        return fetch_now(args.source_ids, api=args.api, timeout=args.timeout)
    if args.command == "export" and not args.files:
        from paperlane.cli.export import export_from_api

        if args.timeout <= 0:
            parser.error("--timeout must be positive")
        return export_from_api(args)

    from paperlane import profiles
    from paperlane.errors import InvalidRequest, PaperlaneError

    try:
        files = _expand(args.files)
        if args.profile is None:  # export FILE...: the files' extraction profile
            raise ValueError("--profile is required with FILE arguments")
        profiles.get(args.profile)
        options = profiles.check_options(args.profile, _options(args.option))
    except ValueError as exc:
        parser.error(str(exc))
    except FileNotFoundError as exc:
        parser.error(f"no such file or folder: {exc}")
    except InvalidRequest as exc:
        parser.error(exc.message)
    if not files:
        parser.error("no PDF files found in the given folders")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")

    if args.command == "export":
        from paperlane.cli.export import export_files

        try:
            out, rows = export_files(args, files, options)
        except InvalidRequest as exc:
            parser.error(exc.message)
        except PaperlaneError as exc:  # NotFound: nothing to export
            print(f"paperlane export: {exc.message}", file=sys.stderr)
            return 1
        print(f"Wrote {out} ({rows} rows)", file=sys.stderr)
        return 0

    from paperlane.cli.process import process

    documents = process(
        files,
        profile=args.profile,
        password=args.password,
        options=options,
        timeout=args.timeout,
        progress=not args.quiet,
    )
    if args.fmt == "xlsx":
        from paperlane.export.entries import write_entries_workbook

        out = args.out or Path("paperlane.xlsx")
        kind = write_entries_workbook(documents, out)
        print(f"Wrote {out} ({len(documents)} documents, {kind})", file=sys.stderr)
    else:
        text = json.dumps({"documents": documents}, ensure_ascii=False, indent=2)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text + "\n", encoding="utf-8")
            print(f"Wrote {args.out} ({len(documents)} documents)", file=sys.stderr)
        else:
            print(text)
    # A failed document is a result, not a usage error: the exit code stays 0.
    return 0


def _options(pairs: list[str]) -> dict[str, Any]:
    """--option NAME=VALUE pairs; a VALUE that parses as JSON (true, 1.3, "x") is taken as such."""
    options: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--option {pair!r} is not NAME=VALUE")
        try:
            options[name.strip()] = json.loads(raw)
        except ValueError:
            options[name.strip()] = raw
    return options


if __name__ == "__main__":
    raise SystemExit(main())
