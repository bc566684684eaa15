import pytest

from articles.rendering import render_markdown
from articles.slugs import slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Tür klemmt", "tuer-klemmt"),
        ("Fuß & Größe: Übersicht", "fuss-groesse-uebersicht"),
        ("ÄRGER mit Öl", "aerger-mit-oel"),
        ("Fehler E18 – Wasser steht", "fehler-e18-wasser-steht"),
        ("  ", ""),
    ],
)
def test_slugs_transliterate_german(title, slug):
    assert slugify(title) == slug


def test_tables_code_and_note_boxes_render():
    html = render_markdown(
        "| Code | Bedeutung |\n|---|---|\n| E18 | Abpumpen |\n\n"
        "```\nprint('x')\n```\n\n"
        '!!! warning "Achtung"\n    Netzstecker ziehen.\n\n!!! hinweis\n    Tipp.\n'
    ).html
    assert "<table>" in html and "<td>E18</td>" in html
    assert "<pre><code>print('x')" in html
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">Achtung</p>' in html
    assert '<div class="admonition hinweis">' in html and ">Hinweis</p>" in html


def test_headings_get_german_anchors_and_feed_the_toc():
    rendered = render_markdown("## Ursache für Störungen\n\ntext\n\n### Schritt 1: Prüfen\n")
    assert '<h2 id="ursache-fuer-stoerungen">' in rendered.html
    assert rendered.toc == [
        {"level": 2, "id": "ursache-fuer-stoerungen", "title": "Ursache für Störungen"},
        {"level": 3, "id": "schritt-1-pruefen", "title": "Schritt 1: Prüfen"},
    ]


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "onerror"),
        ("[klick](javascript:alert(1))", "javascript:"),
        ("[klick](JaVaScRiPt:alert(1))", "alert(1)"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<a href="https://x.example" onclick="steal()">x</a>', "onclick"),
        ('<p style="background:url(javascript:x)">x</p>', "style="),
        ("![x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ('<svg onload="alert(1)"></svg>', "onload"),
        ("<form action=/staff><input name=x></form>", "<form"),
        ('<div class="admonition" onmouseover="x()">', "onmouseover"),
    ],
)
def test_markdown_output_is_sanitised(markdown, forbidden):
    assert forbidden.lower() not in render_markdown(markdown).html.lower()


def test_safe_links_and_images_stay():
    html = render_markdown("[Hilfe](https://example.com/a) ![Pumpe](/media/k/pumpe.png)").html
    assert '<a href="https://example.com/a" rel="noopener noreferrer">Hilfe</a>' in html
    assert '<img alt="Pumpe" src="/media/k/pumpe.png">' in html
