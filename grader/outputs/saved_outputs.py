"""A notebook's outputs made inert: what the formgrader and the feedback pages may show of them.

Only outputs that cannot act survive (:func:`inert_output`): stream text, errors (type, message and
traceback as text), and of rich outputs only ``text/plain`` and base64 PNG or JPEG; every other MIME type
(HTML, SVG, JavaScript, Markdown, widgets) and all output metadata (widths, file names, alt texts) are
dropped. The formgrader (:class:`grader.outputs.formgrader.InertOutputs`) renders what is left with
nbconvert's templates; the feedback pages show what a student saved in their own notebook
(:func:`shown_outputs`), never an output of the grading run.
"""

from __future__ import annotations

import base64
import binascii
import re

#: Output data shown; anything else (HTML, SVG, JavaScript, Markdown, widgets) is dropped.
SHOWN_DATA = ("text/plain", "image/png", "image/jpeg")
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: The first bytes of the pictures shown, by MIME type: a picture is shown only when it is one.
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
#: What the feedback shows of one cell's saved outputs at most: text, pictures (each), and pictures in all.
MAX_TEXT_CHARS = 20_000
MAX_PICTURE_BYTES = 2 << 20
MAX_PICTURES = 6


def _text(value) -> str:
    return "".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


def inert_output(output: dict) -> dict | None:
    """The part of one output (an nbformat output dict) that cannot act, as a plain dict of the same
    nbformat shape; None when nothing of it may be shown."""
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return {"output_type": "stream", "name": name, "text": _text(output.get("text"))}
    if kind == "error":
        return {"output_type": "error", "ename": str(output.get("ename", "")),
                "evalue": str(output.get("evalue", "")),
                "traceback": [str(line) for line in output.get("traceback", []) or []]}
    if kind not in ("display_data", "execute_result"):
        return None
    data = {}
    for mime in SHOWN_DATA:
        value = output.get("data", {}).get(mime)
        if isinstance(value, list):
            value = "".join(str(v) for v in value)
        if isinstance(value, str) and (mime == "text/plain" or _BASE64.match(value)):
            data[mime] = value
    if not data:
        return None
    clean = {"output_type": kind, "data": data, "metadata": {}}
    if kind == "execute_result":
        clean["execution_count"] = output.get("execution_count")
    return clean


def picture_uri(mime: str, encoded: str) -> str | None:
    """A ``data:`` URI for a base64 PNG or JPEG that really is one (its first bytes say so) and is at
    most MAX_PICTURE_BYTES; None otherwise."""
    compact = "".join(encoded.split())
    if len(compact) * 3 // 4 > MAX_PICTURE_BYTES:
        return None
    try:
        head = base64.b64decode(compact[:16], validate=True)
    except (binascii.Error, ValueError):
        return None
    if not head.startswith(_MAGIC[mime]):
        return None
    return "data:%s;base64,%s" % (mime, compact)


def shown_outputs(cell) -> list[dict]:
    """What the feedback page shows under a code cell of the submitted notebook: its saved outputs,
    inert, as ``{"kind": "text" | "error" | "picture", "text": ..., "uri": ...}`` items (text without
    terminal colours; at most MAX_TEXT_CHARS characters and MAX_PICTURES pictures in all, with a last item
    saying what was left out)."""
    items, chars, pictures, left_out = [], 0, 0, 0
    for output in cell.get("outputs") or []:
        clean = inert_output(output) if isinstance(output, dict) else None
        if clean is None:
            continue
        kind = clean["output_type"]
        if kind in ("display_data", "execute_result"):
            picture = next((picture_uri(m, clean["data"][m]) for m in ("image/png", "image/jpeg")
                            if m in clean["data"]), None)
            if picture and pictures < MAX_PICTURES:
                items.append({"kind": "picture", "uri": picture})
                pictures += 1
                continue
            if picture or "text/plain" not in clean["data"]:
                left_out += 1
                continue
            text, item_kind = clean["data"]["text/plain"], "text"
        elif kind == "error":
            text = "\n".join(clean["traceback"]) or "%s: %s" % (clean["ename"], clean["evalue"])
            item_kind = "error"
        else:
            text, item_kind = clean["text"], "error" if clean["name"] == "stderr" else "text"
        text = _ANSI.sub("", text)
        room = MAX_TEXT_CHARS - chars
        if room <= 0:
            left_out += 1
            continue
        if len(text) > room:
            text, left_out = text[:room], left_out + 1
        chars += len(text)
        if items and items[-1]["kind"] == item_kind == "text":
            items[-1]["text"] += text
        else:
            items.append({"kind": item_kind, "text": text})
    if left_out:
        items.append({"kind": "note", "text": "(%d more output%s of this cell not shown here: open your notebook "
                                              "to see everything)" % (left_out, "" if left_out == 1 else "s")})
    return items
