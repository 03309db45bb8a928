"""User-typed HTML (answers, drafts) keeps simple formatting and loses everything that could run."""

import pytest

from portal.html import clean_html, html_to_text

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="JaVaScRiPt:alert(1)">klik</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klik</a>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<iframe src="https://example.org"></iframe>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">tekst</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="https://example.org"><input name="x"></form>',
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_executable_survives(payload):
    cleaned = clean_html(payload).lower()
    for dangerous in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "<iframe",
        "<svg",
        "<form",
        "style=",
        "data:",
    ):
        assert dangerous not in cleaned, (payload, cleaned)


def test_simple_formatting_and_safe_links_stay():
    html = '<p>Zgodnie z <strong>art. 30</strong>:</p><ul><li>punkt</li></ul><a href="https://isap.sejm.gov.pl">ISAP</a>'
    cleaned = clean_html(html)
    assert "<strong>art. 30</strong>" in cleaned and "<li>punkt</li>" in cleaned
    assert 'href="https://isap.sejm.gov.pl"' in cleaned and 'rel="nofollow"' in cleaned


def test_plain_text_becomes_escaped_paragraphs():
    assert (
        clean_html("Pierwszy akapit\n\nDrugi < trzeci")
        == "<p>Pierwszy akapit</p>\n\n<p>Drugi &lt; trzeci</p>"
    )
    assert html_to_text("<p>A &amp; B</p><p>C</p>") == "A & B\n\nC"
