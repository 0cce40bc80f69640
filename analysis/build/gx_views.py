"""Great Expectations' Data Docs pages with every data string as text: the views the validation
step configures for GX's site builder (``module_name: analysis.build.gx_views``).

GX 1.24's page templates are not auto-escaped, and its view writes a content block that is a plain
string (a table cell, a list item, a header) into the page as it is; only the parameters of its
string templates are escaped, and only when they are strings. So a raw value the gate rejects,
such as a ``pledge_id`` of ``X<img src=x onerror=…>``, reached the failing build's Data Docs as
markup, and its handler ran when a reviewer opened the page. These views escape at the one place
GX turns content into HTML: every plain string content block, every element of a list of them, and
every template parameter whatever its type (GX's own trusted parameters, its status icon and its
pre-formatted JSON schema, stay raw as GX intends). GX's own markup comes from its templates and
content blocks, never from these strings, so nothing it draws is lost: the pages are the same but
for data characters now written as entities (compared in the tests).

A second layer, a content security policy in every page (:mod:`analysis.build.gx_inert`), keeps the
pages inert should something get past this one.
"""

from __future__ import annotations

import html
from typing import Any

from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import pass_context


def _text(value: Any) -> str:
    return html.escape(str(value), quote=True)


class _Escaping:
    """What the two views share: content strings and template parameters as text."""

    _TRUSTED_HTML_PARAMS: frozenset[str]

    @pass_context  # a Jinja filter that gets the template's context, as GX's own
    def render_content_block(self, jinja_context: Any, content_block: Any, index: Any = None, content_block_id: Any = None,
                             render_to_markdown: bool = False) -> Any:
        if isinstance(content_block, str):
            content_block = _text(content_block)
        elif isinstance(content_block, list):
            content_block = [el if isinstance(el, dict) and "content_block_type" in el or not isinstance(el, (str, int, float))
                             else _text(el) for el in content_block]
        return super().render_content_block(jinja_context, content_block, index, content_block_id,  # type: ignore[misc]
                                            render_to_markdown)

    @staticmethod
    def _escape_template_param_value(value: Any) -> Any:
        return value if value is None else _text(value)


class EscapingPageView(_Escaping, DefaultJinjaPageView):
    """Validation and expectation-suite pages."""


class EscapingIndexPageView(_Escaping, DefaultJinjaIndexPageView):
    """The Data Docs' index page."""


MODULE = __name__
SECTIONS = {"validations": "EscapingPageView", "expectations": "EscapingPageView"}
INDEX = "EscapingIndexPageView"
