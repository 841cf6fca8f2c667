"""Write template.yaml without its container-image functions, for `make build` on machines without Docker.

    python -m paperlane.local.zip_template OUT.yaml [TEMPLATE]

`sam build` builds image functions with Docker; the zip functions and layers need no container runtime
(their Makefiles cross-install wheels). The result is for building only: deploying needs the images
too (`sam build` with Docker).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from paperlane.local.template import load_template


class _CfnDumper(yaml.SafeDumper):
    """Writes the long-form intrinsics load_template produced ({"Ref": X}, {"Fn::GetAtt": [...]})."""


def without_images(body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    images = [
        k for k, v in body["Resources"].items() if v.get("Properties", {}).get("PackageType") == "Image"
    ]
    resources = {k: v for k, v in body["Resources"].items() if k not in images}
    return {**body, "Resources": resources}, images


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__, file=sys.stderr)  # noqa: T201 - a command-line tool
        return 2
    out = Path(args[0])
    template = Path(args[1]) if len(args) > 1 else Path("template.yaml")
    body, images = without_images(load_template(template))
    out.write_text(yaml.dump(body, Dumper=_CfnDumper, sort_keys=False), encoding="utf-8")
    print(f"{out}: {len(body['Resources'])} resources; left out (image): {', '.join(images) or 'none'}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
