"""Inert HTML from untrusted text: Markdown with maths as MathML, and an allowlist sanitiser.

Everything a student wrote (Markdown cells, code) reaches the instructor's and
the student's browser only through this module:

* :func:`markdown_html` renders Markdown with raw HTML *disabled* (a ``<script>``
  typed in a Markdown cell shows as text), maths (``$...$``, ``$$...$$``) turned
  into MathML on the server (so no MathJax, no CDN and no script is needed to
  read a formula), and images only as ``data:`` URIs that the caller resolves;
* :func:`sanitize` then cleans the HTML with an allowlist of tags and
  attributes, whatever produced it: no element or attribute outside the list
  survives (no ``on*`` handler, no ``style`` but a table cell's alignment, no
  ``javascript:`` link, no ``<svg>``, ``<iframe>``, ``<object>``, ``<form>``),
  and the text of a dropped ``<script>`` or ``<style>`` is dropped with it.
  The parsing, the namespace rules (HTML, MathML) and the serialising are
  Ammonia's, the allowlist sanitiser written in Rust, through its Python
  binding ``nh3``: it parses as a browser does (html5ever), so what it lets
  through is what the browser will build.

Both are used by the feedback pages (:mod:`grader.feedback`) and by the
formgrader's view of a submission (:mod:`grader.outputs.formgrader`).
"""

from __future__ import annotations

import functools
import html
import re
from typing import Callable

import nh3

MATHML_NS = "http://www.w3.org/1998/Math/MathML"

_HTML_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "del", "s",
    "sup", "sub", "span", "div", "details", "summary",
}
_MATHML_TAGS = {
    "math", "semantics", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
    "mfrac", "msqrt", "mroot", "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose",
    "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mlabeledtr", "mmultiscripts",
    "mprescripts", "none",
}
ALLOWED_TAGS = frozenset(_HTML_TAGS | _MATHML_TAGS)
#: Fonts with the OpenType MATH table that browsers need to draw MathML well (stretched brackets).
MATH_FONTS = '"STIX Two Math", "Latin Modern Math", "Cambria Math", "DejaVu Math TeX Gyre", math'
#: Elements dropped together with everything inside them.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "embed", "noscript",
                                  "textarea", "title", "svg", "annotation-xml", "select", "frameset",
                                  "noembed", "xmp", "plaintext", "head"})
_MATHML_ATTRIBUTES = {
    "display", "mathvariant", "stretchy", "fence", "separator", "form", "lspace", "rspace", "largeop",
    "movablelimits", "accent", "accentunder", "linethickness", "width", "height", "depth", "columnalign",
    "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines", "frame", "displaystyle",
    "scriptlevel", "notation", "minsize", "maxsize", "symmetric", "align", "open", "close", "separators",
}
_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"style"}, "td": {"style"},
    "code": {"class"}, "span": {"class"}, "div": {"class"}, "pre": {"class"}, "p": {"class"},
    "math": _MATHML_ATTRIBUTES | {"xmlns"},
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS - {"math"}},
}
#: What every link gets (Ammonia adds it): the linked page cannot reach back to this one.
LINK_REL = "noopener noreferrer"
_SAFE_CLASS = re.compile(r"^[\w -]{1,80}$")
_SAFE_ALIGN = re.compile(r"^text-align: ?(left|right|center);?$")
_SAFE_LINK = re.compile(r"^(https?://|mailto:|#)[^\s\"'<>`]*$", re.IGNORECASE)
_SAFE_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$")
_SAFE_NUMBER = re.compile(r"^\d{1,6}%?$")
_SAFE_MATH_VALUE = re.compile(r"^[\w .%#+-]{0,64}$")
#: The one piece of raw HTML a Markdown cell keeps: a line holding only an empty anchor
#: (``<a id="7-vectorisation"></a>``), the target of the notebooks' contents links. It becomes an
#: anchor whose id starts with ANCHOR_PREFIX, so that it can stand for nothing else in the page, and
#: in-page links ("#7-vectorisation") are pointed at it.
_ANCHOR_LINE = re.compile(r'^ {0,3}<a id="([A-Za-z0-9_-]{1,80})"></a>[ \t]*$')
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ANCHOR_PREFIX = "nb-"
_SAFE_ANCHOR_ID = re.compile(r"^nb-[A-Za-z0-9_-]{1,80}$")
_VALUE_RULES = {"href": _SAFE_LINK, "id": _SAFE_ANCHOR_ID, "src": _SAFE_IMAGE, "style": _SAFE_ALIGN,
                "class": _SAFE_CLASS, "start": _SAFE_NUMBER, "width": _SAFE_NUMBER, "height": _SAFE_NUMBER}


def _attribute_value(tag: str, name: str, value: str) -> str | None:
    """The value an allowed attribute keeps (trimmed), or None to drop the attribute: Ammonia's
    ``attribute_filter``, called for the attributes the allowlist lets through."""
    value = value.strip()
    if tag == "a" and name == "rel":
        return value if value == LINK_REL else None
    if tag in _MATHML_TAGS:
        if name == "xmlns":
            return value if value == MATHML_NS else None
        return value if name in _MATHML_ATTRIBUTES and _SAFE_MATH_VALUE.match(value) else None
    if name not in _ATTRIBUTES.get(tag, ()):
        return None
    rule = _VALUE_RULES.get(name)
    return value if rule is None or rule.match(value) else None   # title, alt: plain text


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()}, attribute_filter=_attribute_value,
    url_schemes={"http", "https", "mailto", "data"}, link_rel=LINK_REL, strip_comments=True)


def sanitize(fragment: str) -> str:
    """``fragment`` cleaned to the allowlist (Ammonia): safe to place in any page, whatever it held."""
    return _CLEANER.clean(fragment)


# ---------------------------------------------------------------- maths
def latex_mathml(tex: str, display: bool) -> str:
    """MathML for a LaTeX formula (as :mod:`latex2mathml` writes it), or the LaTeX itself in a
    ``<code>`` element when it cannot be converted. Not sanitised: :func:`sanitize` the page."""
    import latex2mathml.converter

    try:
        return latex2mathml.converter.convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # any formula the converter does not know: show it as written
        return '<code class="tex">%s</code>' % html.escape(tex)


# ---------------------------------------------------------------- Markdown
ImageSource = Callable[[str], "str | None"]


@functools.lru_cache(maxsize=1)
def _markdown():
    """One Markdown renderer for every cell; a render's image resolver travels in its ``env``."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_space=True, allow_digits=False, double_inline=True,
           renderer=lambda content, options: latex_mathml(content, options.get("display_mode", False)))

    def image(renderer, tokens, idx, options, env):
        token = tokens[idx]
        alt = "".join(child.content for child in (token.children or []))
        image_source = env.get("image_source")
        source = image_source(token.attrGet("src") or "") if image_source else None
        if not source:
            return '<span class="missing-image">[image: %s]</span>' % html.escape(alt or "not shown")
        return '<img src="%s" alt="%s">' % (html.escape(source), html.escape(alt))

    def link_open(renderer, tokens, idx, options, env):
        href = tokens[idx].attrGet("href") or ""
        if href.startswith("#"):
            tokens[idx].attrSet("href", "#" + ANCHOR_PREFIX + href[1:])
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("image", image)
    md.add_render_rule("link_open", link_open)
    return md


def markdown_html(source: str, image_source: ImageSource | None = None) -> str:
    """Inert HTML for a Markdown cell: raw HTML shown as text (except lines holding only an empty
    anchor, kept as the target of in-page links), maths as MathML, images through
    ``image_source(src) -> data URI or None``, everything passed through :func:`sanitize`."""
    render = lambda text: _markdown().render(text, {"image_source": image_source})  # noqa: E731
    return sanitize("".join(render(part) if kind == "text" else '<a id="%s%s"></a>' % (ANCHOR_PREFIX, part)
                            for kind, part in _split_at_anchors(source)))


def _split_at_anchors(source: str) -> list[tuple[str, str]]:
    """The cell as ("text", markdown) and ("anchor", id) parts, in order: each line outside fenced
    code that holds only an empty anchor becomes an anchor part."""
    parts, text, fence = [], [], None
    for line in source.splitlines(keepends=True):
        opening = _FENCE.match(line)
        anchor = _ANCHOR_LINE.match(line.rstrip("\r\n"))
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and opening and opening.group(1)[0] == fence[0] \
                and len(opening.group(1)) >= len(fence) and not line.strip().strip(fence[0]):
            fence = None
        elif fence is None and anchor:
            parts += [("text", "".join(text)), ("anchor", anchor.group(1))]
            text = []
            continue
        text.append(line)
    return [part for part in parts + [("text", "".join(text))] if part[1]]
