"""Pictures in Markdown that the grader renders (feedback pages, the formgrader): ``data:`` URIs only.

An image is shown when it is one of the assignment's own files (a regular file with an image extension,
inside the assignment's folder, at most 4 MiB) or an attachment of the cell itself; anything else (the web,
a path outside the folder, a link) is not fetched and shows as a missing image.
"""

from __future__ import annotations

import base64
from pathlib import Path

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
MAX_IMAGE_BYTES = 4 << 20


def image_resolver(folder: Path | None):
    """``src -> data URI`` for images of the assignment's own folder (regular files with an image
    extension, inside the folder, at most 4 MiB); None for anything else."""
    base = folder.resolve() if folder and folder.is_dir() else None

    def resolve(src: str) -> str | None:
        if base is None or not src or "://" in src or src.startswith(("/", "data:", "attachment:")):
            return None
        path = (base / src.split("?", 1)[0].split("#", 1)[0])
        mime = IMAGE_TYPES.get(path.suffix.lower())
        try:
            if mime is None or path.is_symlink() or not path.resolve().is_relative_to(base) \
                    or not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
                return None
            return "data:%s;base64,%s" % (mime, base64.b64encode(path.read_bytes()).decode("ascii"))
        except OSError:
            return None
    return resolve


def cell_images(cell, fallback):
    """Resolve ``attachment:name`` from the cell's own attachments, anything else by ``fallback``."""
    attachments = cell.get("attachments") or {}

    def resolve(src: str) -> str | None:
        if src.startswith("attachment:"):
            bundle = attachments.get(src[len("attachment:"):]) or {}
            for mime in ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"):
                data = bundle.get(mime)
                if isinstance(data, str):
                    data = data if mime != "image/svg+xml" else base64.b64encode(data.encode()).decode()
                    return "data:%s;base64,%s" % (mime, "".join(data.split()))
            return None
        return fallback(src)
    return resolve
