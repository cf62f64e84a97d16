"""Fingerprints of a student's own code: winnowed k-grams of normalised tokens, and one per line.

Two kinds, both computed on the tokens of :mod:`grader.integrity.tokens` (renamed variables and changed comments
leave them as they are):

* **winnowed k-grams** (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms for document
  fingerprinting", SIGMOD 2003): a hash of every run of :data:`K` tokens, and from each window of :data:`WINDOW`
  consecutive hashes the smallest one kept. Any run of ``K + WINDOW - 1`` = 17 tokens two students share gives
  both at least one common fingerprint, whatever surrounds it.
* **line fingerprints**: the hash of each line's tokens (lines of at least :data:`MIN_LINE_TOKENS`). They hold
  no order: a copy whose statements were reordered keeps them all, where the k-grams that spanned two
  statements are lost.

A fingerprint remembers where it comes from (the exercise's cell and its lines there), so the side-by-side view
can mark the shared regions. Hashes are stable (BLAKE2b), so the same class gives the same report in any process.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, NamedTuple

from .tokens import Token

#: Tokens per k-gram: about one statement (``Z = np.dot(W, A) + b`` is 13 tokens).
K = 10
#: k-gram hashes per winnowing window: runs of K + WINDOW - 1 tokens are always caught.
WINDOW = 8
#: The fewest tokens a line needs to have a line fingerprint (shorter lines are common to everyone).
MIN_LINE_TOKENS = 6
OPENING = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


class Fingerprint(NamedTuple):
    """One fingerprint: its ``hash`` (an int), the ``cell`` (grade_id) and the 0-based lines ``first``..``last``
    of that cell it covers."""

    hash: int
    cell: str
    first: int
    last: int


def stable_hash(texts: Iterable[str], kind: str = "k") -> int:
    """A 64-bit hash of a sequence of token texts, the same in every process (``kind`` keeps k-grams and lines
    apart)."""
    return int.from_bytes(hashlib.blake2b(("%s\x00%s" % (kind, "\x01".join(texts))).encode(),
                                          digest_size=8).digest(), "big")


def winnow(hashes: list[int], window: int = WINDOW) -> list[int]:
    """The positions of the hashes winnowing keeps: the smallest of each window of ``window`` (the rightmost
    one on a tie), each position once, in order. Fewer hashes than a window: the smallest of them all."""
    if not hashes:
        return []
    if len(hashes) <= window:
        return [min(range(len(hashes)), key=lambda i: (hashes[i], -i))]
    kept: list[int] = []
    for start in range(len(hashes) - window + 1):
        best = min(range(start, start + window), key=lambda i: (hashes[i], -i))
        if not kept or kept[-1] != best:
            kept.append(best)
    return kept


def statements(tokens: list[Token]) -> list[list[Token]]:
    """``tokens`` cut into logical lines: a token on a new line outside any bracket starts the next one."""
    units: list[list[Token]] = []
    depth, line = 0, None
    for token in tokens:
        if depth <= 0 and token.line != line:
            units.append([])
            depth = 0
        units[-1].append(token)
        line = token.line
        depth += OPENING.get(token.text, 0)
    return units


def cell_fingerprints(cell: str, tokens: list[Token]) -> list[Fingerprint]:
    """The fingerprints of one cell's own tokens (``tokens``: only those the student wrote): per logical line,
    its winnowed k-grams and its own fingerprint. No k-gram spans two statements, so swapping statements
    changes no fingerprint."""
    prints = []
    for unit in statements(tokens):
        texts = [t.text for t in unit]
        if len(unit) >= MIN_LINE_TOKENS:
            prints.append(Fingerprint(stable_hash(texts, "line"), cell, unit[0].line, unit[-1].line))
        if len(unit) > K:
            grams = [stable_hash(texts[i:i + K]) for i in range(len(unit) - K + 1)]
            prints += [Fingerprint(grams[i], cell, unit[i].line, unit[i + K - 1].line) for i in winnow(grams)]
    return prints
