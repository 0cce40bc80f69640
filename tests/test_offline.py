"""The post-render step: the published HTML references nothing remote, whatever element or CSS
rule would load it; links the reader may follow are not resources."""

import pytest

from analysis.render.offline import check_offline, main, remote_resources

PAGE = ('<html><head><script>window.vegaEmbed=function(){}</script><style>body{background:url(data:image/png;base64,AA)}</style>'
        '</head><body><a href="https://www.massbio.org/">source</a><div id="v"></div><script>vegaEmbed("#v", {})</script></body></html>')


def test_a_local_page_with_links_has_no_remote_resources():
    assert remote_resources(PAGE) == []


@pytest.mark.parametrize("fragment, url", [
    ('<script src="https://cdn.example/vega.js"></script>', "https://cdn.example/vega.js"),
    ('<script src="https://cdnjs.cloudflare.com/polyfill/v3/polyfill.min.js?features=es6"></script>',
     "https://cdnjs.cloudflare.com/polyfill/v3/polyfill.min.js?features=es6"),
    ('<link rel="stylesheet" href="//fonts.example/a.css">', "//fonts.example/a.css"),
    ('<link rel="preconnect" href="https://fonts.gstatic.com">', "https://fonts.gstatic.com"),
    ('<style>@font-face{src:url("https://f.example/a.woff")}</style>', "https://f.example/a.woff"),
    ("<style>@import 'https://x.example/a.css';</style>", "https://x.example/a.css"),
    ('<div style="background-image: url(http://x.example/bg.png)"></div>', "http://x.example/bg.png"),
    ('<img srcset="data:image/png;base64,AA 1x, https://x.example/i2.png 2x">', "https://x.example/i2.png"),
    ('<video poster="https://x.example/p.jpg"></video>', "https://x.example/p.jpg"),
    ('<object data="https://x.example/o.svg"></object>', "https://x.example/o.svg"),
    ('<iframe src="HTTPS://X.EXAMPLE/"></iframe>', "HTTPS://X.EXAMPLE/"),
    ('<svg><image href="https://x.example/i.png"/></svg>', "https://x.example/i.png"),
    ('<meta http-equiv="refresh" content="0; url=https://x.example/">', "https://x.example/"),
    ('<base href="https://x.example/">', "https://x.example/"),
])
def test_every_way_of_loading_something_remote_is_found(fragment, url):
    assert remote_resources(PAGE.replace("</body>", fragment + "</body>")) == [url]


def test_script_text_is_not_mistaken_for_a_resource():
    assert remote_resources('<script>const schema = "https://vega.github.io/schema/vega-lite/v5.json";</script>') == []


def test_check_fails_the_post_render_on_a_remote_resource(tmp_path, capsys):
    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    good.write_text(PAGE, encoding="utf-8")
    bad.write_text(PAGE.replace("</head>", '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script></head>'), encoding="utf-8")
    check_offline(good)
    with pytest.raises(ValueError, match="1 remote resource"):
        check_offline(bad)
    assert main([str(good)]) == 0
    assert main([str(good), str(bad)]) == 1
    assert "cdn.jsdelivr.net/npm/vega@5" in capsys.readouterr().err


def test_the_vega_bundle_is_local_and_complete():
    from analysis.render.vegabundle import vega_bundle_script

    script = vega_bundle_script()
    assert script.startswith("<script") and "window.vegaEmbed" in script
    assert remote_resources(script) == []
