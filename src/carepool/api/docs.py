"""The interactive documentation at ``/api/v1/docs`` (Swagger UI).

Ninja renders its docs page with Django's template engine; this project renders templates
with Jinja2 only, so the page is built here. Swagger UI's files come from django-ninja's own
static folder (``ninja`` is an installed app), never from a CDN, and the page has no inline
script, so the site's Content-Security-Policy holds here too; only Swagger UI's icons, drawn
from ``data:`` URLs in its stylesheet, need one addition.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
</head>
<body data-csrf-token="{csrf}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{settings}</script>
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""


class CarepoolSwagger(Swagger):
    @csp_update({"img-src": ["data:"]})
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        # "</" cannot end the script element early; the JSON stays the same.
        config = json.dumps(self.settings).replace("</", "<\\/")
        html = _PAGE.format(
            title=escape(api.title),
            css=escape(static("ninja/swagger-ui.css")),
            bundle=escape(static("ninja/swagger-ui-bundle.js")),
            init=escape(static("ninja/swagger-ui-init.js")),
            csrf=escape(get_token(request)),
            settings=config,
        )
        return HttpResponse(html)
