"""Python source as a stream of normalised tokens: what stays when a copy is disguised.

A copier renames variables, rewrites comments and reflows lines; none of that survives here:

* comments and blank lines are dropped, and so is layout (spaces, line breaks, indentation);
* every identifier becomes ``V``, except Python's keywords and builtins (``for``, ``range``, ``len``) and an
  attribute named after a dot (``np.dot`` stays ``V . dot``: a library's function names are the code's shape);
* every string becomes ``S`` (quotes, prefixes and contents alike); numbers stay as written.

A regular expression does the tokenising, not :mod:`tokenize`: students hand in code that does not parse
(an unclosed bracket, a half-deleted line), and it must still be compared.
"""

from __future__ import annotations

import builtins
import keyword
import re
from typing import NamedTuple

_PATTERN = re.compile(r"""
    (?P<string>[rRbBuUfF]{0,2}(?:'''[\s\S]*?(?:'''|\Z)|\"\"\"[\s\S]*?(?:\"\"\"|\Z)|'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?))
  | (?P<comment>\#[^\n]*)
  | (?P<name>[^\W\d]\w*)
  | (?P<number>\d[\w.]*(?:[eE][+-]?\d+)?|\.\d[\w]*)
  | (?P<newline>\n)
  | (?P<space>[ \t\r\f\\]+)
  | (?P<operator>\*\*=?|//=?|>>=?|<<=?|->|:=|[-+*/%&|^@<>=!]=|[-+*/%&|^@<>=~.,:;()\[\]{}]|\S)
""", re.VERBOSE)
KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))


class Token(NamedTuple):
    """One normalised token: ``text`` ('V', 'S', 'for', '(' ...) and the 0-based ``line`` it starts on."""

    text: str
    line: int


def normalised_tokens(source: str) -> list[Token]:
    """The tokens of ``source`` (any text: it need not parse), normalised as the module docstring says."""
    tokens: list[Token] = []
    line = 0
    after_dot = False
    for match in _PATTERN.finditer(source):
        kind, text = match.lastgroup, match.group()
        if kind == "name":
            tokens.append(Token(text if after_dot or text in KEPT_NAMES else "V", line))
        elif kind == "string":
            tokens.append(Token("S", line))
        elif kind in ("number", "operator"):
            tokens.append(Token(text, line))
        if kind not in ("space", "newline", "comment"):
            after_dot = text == "."
        line += text.count("\n")
    return tokens
