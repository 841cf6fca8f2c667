"""The drop folder: files appearing in a local directory are copied into the bucket's inbox/.

A file is sent once it has stopped growing (same size and mtime on two polls), so half-written files
are never ingested. Sub-folders keep their names: ``DIR/sale_deed/x.pdf`` -> ``inbox/sale_deed/x.pdf``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from paperlane.observability import logger
from paperlane.storage.documents import INBOX, DocumentStore, safe_filename


class InboxMirror:
    def __init__(self, folder: Path, store: DocumentStore, *, interval: float = 1.0) -> None:
        self.folder = folder
        self.store = store
        self.interval = interval
        self._seen: dict[Path, tuple[int, float]] = {}
        self._pending: dict[Path, tuple[int, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="inbox-mirror", daemon=True)

    def start(self) -> InboxMirror:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.poll()

    def poll(self) -> list[str]:
        sent = []
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            stat = path.stat()
            state = (stat.st_size, stat.st_mtime)
            if self._seen.get(path) == state:
                continue
            if self._pending.get(path) != state:
                self._pending[path] = state  # seen once: wait for it to settle
                continue
            key = self._key(path)
            try:
                self.store.put_bytes(key, path.read_bytes())
            except OSError as exc:
                logger.warning("Drop folder: cannot read a file", extra={"error": type(exc).__name__})
                continue
            self._seen[path] = state
            self._pending.pop(path, None)
            sent.append(key)
        return sent

    def _key(self, path: Path) -> str:
        parts = path.relative_to(self.folder).parts
        return INBOX + "/".join([*(safe_filename(p) for p in parts[:-1]), safe_filename(parts[-1])])
