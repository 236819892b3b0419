import re

from careboard.engine.reports import render_html
from careboard.engine.reports.monthly import assemble

from .conftest import INDICATORS

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?!#)([^"'\s>]+)|url\(\s*["']?(?!#)([^)"']+)""", re.I)


def external_references(html: str) -> list[str]:
    """Every src, href or url() that points anywhere but inside the page (#...)."""
    found = [a or b for a, b in EXTERNAL.findall(html)]
    found += re.findall(r"@import|https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.I)
    return found


def test_the_detector_finds_each_kind_of_external_reference():
    html = (
        '<link href="https://x.org/a.css"><img src=pic.png><div style="background:url(\'//cdn.io/a.png\')">'
    )
    assert len(external_references(html)) >= 3
    assert external_references('<a href="#row-OV01">x</a><use href="#m1"/>') == []


def test_the_html_report_makes_no_external_request(figures, request_for):
    for audience in ("board", "public"):
        html = render_html.render(assemble(INDICATORS, figures, request_for(audience))).decode()
        assert external_references(html) == []
        assert "<script" not in html.lower()


def test_the_html_report_inlines_a_chart_per_indicator(figures, request_for):
    html = render_html.render(assemble(INDICATORS, figures, request_for("board"))).decode()
    assert html.count("<svg") == len(INDICATORS)
    assert "<style>" in html


def test_the_html_report_shows_rag_as_colour_and_as_text(figures, request_for):
    html = render_html.render(assemble(INDICATORS, figures, request_for("board"))).decode()
    row = re.search(r'<tr id="row-FD01">(.*?)</tr>', html).group(1)
    assert re.search(r'<td class="rag" style="background:#[0-9A-F]{6}">Red</td>', row)
    assert "55.0%" in row


def test_the_html_report_escapes_commentary(figures, request_for):
    req = request_for("board", commentary={"OV01": "<script>alert(1)</script> & more"})
    html = render_html.render(assemble(INDICATORS, figures, req)).decode()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_every_contents_link_leads_to_a_part_of_the_page(figures, request_for):
    html = render_html.render(assemble(INDICATORS, figures, request_for("board"))).decode()
    links = re.findall(r'<a href="#([^"]+)">', html)
    assert "front-door" in links and "definitions" in links
    assert all(f'id="{anchor}"' in html for anchor in links)
