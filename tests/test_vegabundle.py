"""The head's placeholder for the Vega bundle, and the post-render that fills it: only in <head>,
only with the bundle it names, and loudly when that bundle is not there."""

from __future__ import annotations

import pytest

from analysis.render import vegabundle as vb

DIGEST, OTHER = "0123456789abcdef", "fedcba9876543210"
SCRIPT = "<script>window.vegaEmbed = function () {};</script>"


def bundle_text(digest: str = DIGEST) -> str:
    return vb.KEY.format(digest=digest) + "\n" + SCRIPT + "\n"


def page(head: str, body: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def test_the_placeholder_in_the_head_is_replaced_by_the_script_alone():
    placeholder = vb.PLACEHOLDER.format(digest=DIGEST)
    assert vb.attach_vega_bundle(page(placeholder), bundle_text(), "index.html") == page(SCRIPT)


def test_a_placeholder_outside_the_head_stays_text():
    """A data string that spells a placeholder lands in the body (escaped, in practice); it never
    becomes the bundle."""
    body = vb.PLACEHOLDER.format(digest=DIGEST)
    assert vb.attach_vega_bundle(page("", body), bundle_text(), "index.html") == page("", body)
    assert vb.attach_vega_bundle("<p>no head</p>" + body, bundle_text(), "x.html") == "<p>no head</p>" + body


def test_a_page_asking_for_another_bundle_stops_the_post_render():
    with pytest.raises(vb.BundleError, match=rf"index\.html: its head asks for Vega bundle {OTHER}.*render again"):
        vb.attach_vega_bundle(page(vb.PLACEHOLDER.format(digest=OTHER)), bundle_text(), "index.html")


def test_the_filler_reads_the_bundle_only_for_a_page_that_asks_for_it(tmp_path):
    missing = tmp_path / "report" / "_vega-bundle.html"
    fill = vb.bundle_filler(missing)
    assert fill(page(""), "en.html") == page(""), "a page without the placeholder needs no bundle"
    with pytest.raises(vb.BundleError, match=r"index\.html: .*_vega-bundle\.html is missing: render again"):
        fill(page(vb.PLACEHOLDER.format(digest=DIGEST)), "index.html")
    missing.parent.mkdir()
    missing.write_text(bundle_text(), encoding="utf-8")
    assert vb.bundle_filler(missing)(page(vb.PLACEHOLDER.format(digest=DIGEST)), "index.html") == page(SCRIPT)


def test_the_written_placeholder_is_the_one_the_post_render_looks_for(tmp_path, monkeypatch):
    monkeypatch.setattr(vb, "vega_bundle_digest", lambda: DIGEST)
    monkeypatch.setattr(vb, "vega_bundle_script", lambda: SCRIPT + "\n")
    bundle, include = tmp_path / "_vega-bundle.html", tmp_path / "_vega-placeholder.html"
    assert vb.write_vega_bundle(bundle, include) is True
    assert bundle.read_text(encoding="utf-8") == bundle_text()
    assert vb.bundle_filler(bundle)(page(include.read_text(encoding="utf-8")), "index.html") == page(SCRIPT + "\n")
    assert vb.write_vega_bundle(bundle, include) is False, "both up to date: nothing written"
    include.unlink()
    assert vb.write_vega_bundle(bundle, include) is True and include.is_file(), "a lost placeholder is written again"
