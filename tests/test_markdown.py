"""cases.markdown.render_markdown: the formatting people use survives, nothing hostile does."""

from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString

from cases.markdown import render_markdown

LINK_REL = "nofollow ugc noopener"

FORBIDDEN_TAGS = {
    "script", "img", "iframe", "object", "embed", "svg", "style", "form", "input", "meta",
    "link", "base", "math", "body", "html", "head", "details", "textarea", "video", "audio",
    "source", "template", "noscript", "frame", "frameset", "applet", "button", "select",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES_OTHER_THAN_HREF = {"src", "srcset", "action", "formaction", "xlink:href", "poster"}


class _TagCollector(HTMLParser):
    """Every start tag in a fragment, with its attributes (entities already decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _TagCollector:
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return collector


def tags_named(html: str, name: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parse(html).tags if tag == name]


def text_of(html: str) -> str:
    return "".join(parse(html).text)


def url_as_browser_reads_it(value: str) -> str:
    """Browsers drop tabs and newlines anywhere in a URL and trim control characters and spaces."""
    value = value.replace("\t", "").replace("\n", "").replace("\r", "")
    return value.strip("".join(chr(code) for code in range(0x21))).lower()


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    for tag, attrs in parse(html).tags:
        assert tag not in FORBIDDEN_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name}= survived in {html!r}"
            assert name != "style", f"style= survived in {html!r}"
            assert name not in URL_ATTRIBUTES_OTHER_THAN_HREF, f"{name}= survived in {html!r}"
            if name == "href" and value is not None:
                url = url_as_browser_reads_it(value)
                assert not url.startswith(DANGEROUS_SCHEMES), f"href={value!r} survived"


# --- what people are allowed to write ------------------------------------------------------


def test_emphasis_and_strong_are_kept():
    html = render_markdown("It was *risky* and **expensive**.")

    assert "<em>risky</em>" in html
    assert "<strong>expensive</strong>" in html


def test_bulleted_and_numbered_lists_are_kept():
    html = render_markdown("- cheaper\n- slower\n\n1. first\n2. second")

    assert "<ul>" in html and "<ol>" in html
    assert len(tags_named(html, "li")) == 4
    assert "cheaper" in text_of(html) and "second" in text_of(html)


def test_inline_code_and_code_blocks_show_html_as_text():
    html = render_markdown("Use `<b>bold</b>` like this:\n\n```\n<script>alert(1)</script>\n```")

    assert "<code>&lt;b&gt;bold&lt;/b&gt;</code>" in html
    assert tags_named(html, "pre")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()


def test_blockquote_is_kept():
    html = render_markdown("> The call center was cheaper.")

    assert tags_named(html, "blockquote")
    assert "The call center was cheaper." in text_of(html)


def test_headings_and_strikethrough_html_are_kept():
    html = render_markdown("### Outcome\n\nIt was <del>cheap</del> expensive.")

    assert "<h3>Outcome</h3>" in html
    assert "<del>cheap</del>" in html


@pytest.mark.parametrize(
    "source, href",
    [
        ("[the post](http://example.org/post)", "http://example.org/post"),
        ("[the post](https://example.org/post)", "https://example.org/post"),
        ("[write me](mailto:someone@example.org)", "mailto:someone@example.org"),
        ("<https://example.org/auto>", "https://example.org/auto"),
    ],
    ids=["http", "https", "mailto", "autolink"],
)
def test_links_are_kept_with_nofollow_ugc_noopener(source, href):
    links = tags_named(render_markdown(source), "a")

    assert len(links) == 1
    assert links[0]["href"] == href
    assert links[0]["rel"] == LINK_REL


def test_link_title_is_kept_but_cannot_break_out_into_attributes():
    html = render_markdown('[x](https://example.org "a title\\" onclick=\\"alert(1)")')
    (link,) = tags_named(html, "a")

    assert link["href"] == "https://example.org"
    assert set(link) == {"href", "title", "rel"}
    assert_harmless(html)


def test_plain_text_with_angle_brackets_and_ampersands_is_escaped():
    html = render_markdown("costs < benefits & staff > 10")

    assert "costs &lt; benefits &amp; staff &gt; 10" in html


def test_empty_text_renders_as_empty_safe_html():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
    assert isinstance(render_markdown("*x*"), SafeString)


# --- what must never get through ----------------------------------------------------------

HOSTILE_INPUTS = [
    pytest.param("<script>alert(1)</script>", id="raw-script"),
    pytest.param("<ScRiPt>alert(1)</sCrIpT>", id="script-mixed-case"),
    pytest.param("<scr<script>ipt>alert(1)</script>", id="script-split"),
    pytest.param("<<script>script>alert(1)<</script>/script>", id="script-doubled"),
    pytest.param("[x](javascript:alert(1))", id="md-link-javascript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="md-link-javascript-mixed-case"),
    pytest.param("[x](&#106;avascript:alert(1))", id="md-link-javascript-decimal-entity"),
    pytest.param("[x](&#x6A;avascript&colon;alert(1))", id="md-link-javascript-hex-entity"),
    pytest.param("[x](java\tscript:alert(1))", id="md-link-tab-in-scheme"),
    pytest.param("[x](java\nscript:alert(1))", id="md-link-newline-in-scheme"),
    pytest.param("[x](<java script:alert(1)>)", id="md-link-space-in-scheme"),
    pytest.param("[x]( javascript:alert(1))", id="md-link-leading-space"),
    pytest.param("[x](vbscript:msgbox(1))", id="md-link-vbscript"),
    pytest.param("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", id="md-data"),
    pytest.param('<a href="data:text/html,<script>alert(1)</script>">x</a>', id="html-data"),
    pytest.param("<javascript:alert(1)>", id="md-autolink-javascript"),
    pytest.param("[x][evil]\n\n[evil]: javascript:alert(1)", id="md-reference-javascript"),
    pytest.param('[x][evil]\n\n[evil]: JAVASCRIPT:alert(1) "t"', id="md-reference-uppercase"),
    pytest.param('<a href="jav&#x09;ascript:alert(1)">x</a>', id="html-href-tab-entity"),
    pytest.param('<a href="java\nscript:alert(1)">x</a>', id="html-href-newline"),
    pytest.param('<a href="&#x6A;&#x61;vascript:alert(1)">x</a>', id="html-href-hex-entities"),
    pytest.param('<a href="javascript&colon;alert(1)">x</a>', id="html-href-colon-entity"),
    pytest.param('<a href="http://example.org" onclick="alert(1)">x</a>', id="a-onclick"),
    pytest.param("<a href='http://x' onmouseover='alert(1)' style='color:red'>x</a>", id="a-hover"),
    pytest.param("![x](http://evil.example/img.png)", id="md-image"),
    pytest.param("![x](javascript:alert(1))", id="md-image-javascript"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param('<IMG SRC="javascript:alert(1)">', id="img-javascript-uppercase"),
    pytest.param('text <img src="http://evil.example/track.png"> more', id="img-tracking-pixel"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param('<iframe src="http://evil.example"></iframe>', id="iframe"),
    pytest.param("<iframe srcdoc='<script>alert(1)</script>'></iframe>", id="iframe-srcdoc"),
    pytest.param("<style>body { display: none }</style>", id="style-tag"),
    pytest.param("<p style='position:fixed;top:0'>covers the page</p>", id="style-attribute"),
    pytest.param("<!-- <script>alert(1)</script> -->", id="html-comment"),
    pytest.param("<!--><img src=x onerror=alert(1)>-->", id="html-comment-trick"),
    pytest.param("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", id="math-mxss"),
    pytest.param("<math href='javascript:alert(1)'>x</math>", id="math-href"),
    pytest.param(
        '<div><p><b>unclosed <i>nested <a href="javascript:alert(1)">x', id="nested-unclosed"
    ),
    pytest.param('<a href="http://x"<script>alert(1)</script>>x</a>', id="broken-tag"),
    pytest.param("<details open ontoggle=alert(1)>x</details>", id="details-ontoggle"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param("<h1 onclick=alert(1)>big</h1>", id="heading-onclick"),
    pytest.param(
        '<form action="http://evil.example"><input name=password><button>Go</button></form>',
        id="form",
    ),
    pytest.param('<meta http-equiv="refresh" content="0;url=http://evil.example">', id="meta"),
    pytest.param('<base href="http://evil.example/">', id="base"),
    pytest.param('<link rel="stylesheet" href="http://evil.example/x.css">', id="link"),
    pytest.param('<object data="evil.swf"></object><embed src="evil.swf">', id="object-embed"),
    pytest.param(
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="noscript-mxss"
    ),
    pytest.param("<template><script>alert(1)</script></template>", id="template"),
    pytest.param("<video><source onerror=alert(1)></video>", id="video-source"),
    pytest.param("<textarea><script>alert(1)</script></textarea>", id="textarea"),
]


@pytest.mark.parametrize("source", HOSTILE_INPUTS)
def test_hostile_input_renders_harmless(source):
    assert_harmless(render_markdown(source))


def test_there_are_enough_hostile_cases():
    assert len(HOSTILE_INPUTS) >= 25


def test_javascript_link_keeps_its_text_but_loses_its_href():
    html = render_markdown("[click me](javascript:alert(1))")
    (link,) = tags_named(html, "a")

    assert "href" not in link
    assert text_of(html) == "click me"


def test_image_markdown_does_not_load_the_image():
    html = render_markdown("Look: ![a chart](http://evil.example/img.png)")

    assert not tags_named(html, "img")
    assert "evil.example" not in html


def test_script_content_is_dropped_and_surrounding_text_stays():
    html = render_markdown("Before <script>alert('x')</script> after")

    assert "alert" not in html
    assert "Before" in text_of(html) and "after" in text_of(html)


# --- through the site ---------------------------------------------------------------------


def test_script_in_a_posted_comment_does_not_run_on_the_case_page(user_client, case):
    body = "Nice try <script>alert(1)</script> but **no**. <img src=x onerror=alert(2)>"

    posted = user_client.post(f"/cases/{case.slug}/comments/", {"body": body})
    assert posted.status_code == 302
    page = user_client.get(case.get_absolute_url())

    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "Nice try" in html
    assert "<strong>no</strong>" in html


def test_escaped_html_in_a_comment_is_shown_as_text_on_the_case_page(user_client, case):
    user_client.post(f"/cases/{case.slug}/comments/", {"body": "Write `<script>` if you dare"})

    html = user_client.get(case.get_absolute_url()).text

    assert "<code>&lt;script&gt;</code>" in html
