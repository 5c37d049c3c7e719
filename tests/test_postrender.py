"""The post-render fixes: nothing loaded from other hosts, honest link names."""

from __future__ import annotations

from dlact.site.postrender import fix_page, remote_scripts, strip_widget_scripts, unlabel_pagination

PAGE = """<head>
<script src="site_libs/quarto-nav/quarto-nav.js"></script>
<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js" integrity="sha384-x" crossorigin="anonymous"></script>
<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js" integrity="sha384-y" crossorigin="anonymous" data-relocate-top="true"></script>
<script type="application/javascript">define('jquery', [],function() {return window.jQuery;})</script>
</head>"""


def test_widget_loaders_are_removed_and_nothing_else():
    cleaned = strip_widget_scripts(PAGE)
    assert remote_scripts(PAGE) == [
        "https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js",
        "https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js",
    ]
    assert remote_scripts(cleaned) == []
    assert "define(" not in cleaned
    assert '<script src="site_libs/quarto-nav/quarto-nav.js"></script>' in cleaned
    assert strip_widget_scripts(cleaned) == cleaned


def test_other_remote_scripts_are_reported_not_removed():
    page = '<script src="https://example.org/lib.js"></script>'
    assert strip_widget_scripts(page) == page
    assert remote_scripts(page) == ["https://example.org/lib.js"]


def test_pagination_links_are_named_by_their_visible_text():
    link = (
        '<a href="../chapters/multiclass.html" class="pagination-link" '
        'aria-label="Multiclass classification">\n<span class="nav-page-text">'
        '<span class="chapter-number">2</span> Multiclass classification</span></a>'
    )
    fixed = unlabel_pagination(link)
    assert "aria-label" not in fixed
    assert fixed.startswith('<a href="../chapters/multiclass.html" class="pagination-link">')
    assert fixed.endswith(link[link.index(">") + 1 :])
    other = '<a href="x.html" class="nav-link" aria-label="Search">'
    assert unlabel_pagination(other) == other


def test_fix_page_applies_both_fixes():
    page = PAGE + '<a href="a.html" class="pagination-link" aria-label="A">A</a>'
    fixed = fix_page(page)
    assert remote_scripts(fixed) == [] and "aria-label" not in fixed


def test_math_accents_take_their_spacing_form():
    # as pandoc writes \hat{y} and \bar{x}
    hat = '<mover><mi>y</mi><mo accent="true">\u0302</mo></mover>'
    bar = '<mover><mi>x</mi><mo accent="true">\u0304</mo></mover>'
    assert fix_page(hat) == '<mover><mi>y</mi><mo accent="true">\u02c6</mo></mover>'
    assert fix_page(bar) == '<mover><mi>x</mi><mo accent="true">\u00af</mo></mover>'
    # a combining character outside an accent, and a plain operator, stay as they are
    text = "<p>e\u0302</p><mo>\u0302</mo><mo>+</mo>"
    assert fix_page(text) == text
    assert fix_page(fix_page(hat)) == fix_page(hat)
