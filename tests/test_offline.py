"""The post-render step that makes the HTML offline: removes exactly Quarto's CDN loaders."""

import pytest

from analysis.report.offline import make_offline, remote_resources, strip_cdn_loaders

QUARTO_LOADERS = (
    '<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js" integrity="sha512-c3Nl8+7g4LMSTdrm621y7kf9v3SDPnhxLNhcjFJbKECVnmZHTdo+IRO05sNLTH/D3vA6u1X32ehoLC7WFVdheg==" crossorigin="anonymous"></script>\n'
    '<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js" integrity="sha512-bLT0Qm9VnAYZDflyKcBaQ2gg0hSYNQrJ8RilYldYQ1FxQYoCLtUjuuRuZo+fjqhx/qtq/1itJ0C2ejDxltZVFg==" crossorigin="anonymous"></script>\n'
)
PAGE = ("<html><head>" + QUARTO_LOADERS + '<script>window.vegaEmbed=function(){}</script></head><body>'
        '<a href="https://www.massbio.org/">source</a><div id="v"></div><script>vegaEmbed("#v", {})</script></body></html>')


def test_only_the_two_cdn_loaders_are_removed():
    cleaned, removed = strip_cdn_loaders(PAGE)
    assert removed == 2
    assert "cdn.jsdelivr" not in cleaned
    assert 'vegaEmbed("#v"' in cleaned and '<a href="https://www.massbio.org/">' in cleaned


def test_links_are_not_remote_resources_but_scripts_styles_and_images_are():
    assert remote_resources('<a href="https://x.org">x</a>') == []
    assert remote_resources('<script src="https://cdn.example/vega.js"></script>') == ["https://cdn.example/vega.js"]
    assert remote_resources('<link rel="stylesheet" href="//fonts.example/a.css">') == ["//fonts.example/a.css"]
    assert remote_resources('<style>@font-face{src:url("https://f.example/a.woff")}</style>') == ["https://f.example/a.woff"]


def test_make_offline_rewrites_the_file_and_refuses_other_remote_resources(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(PAGE, encoding="utf-8")
    assert make_offline(page) == 2
    assert remote_resources(page.read_text(encoding="utf-8")) == []
    bad = tmp_path / "bad.html"
    bad.write_text(PAGE.replace("</head>", '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script></head>'), encoding="utf-8")
    with pytest.raises(ValueError, match="1 remote resource"):
        make_offline(bad)


def test_the_vega_bundle_is_local_and_complete():
    from analysis.report.charts import vega_bundle_script

    script = vega_bundle_script()
    assert script.startswith("<script") and "window.vegaEmbed" in script
    assert remote_resources(script) == []
