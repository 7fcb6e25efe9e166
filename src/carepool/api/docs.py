"""The interactive documentation at ``/api/v1/docs`` (Swagger UI).

Ninja renders its docs page with Django's template engine; this project renders templates
with Jinja2 only, so the page is built here. Swagger UI's files come from django-ninja's own
static folder when ``ninja`` is an installed app, otherwise from the public CDN ninja uses.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

_NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
_CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"

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
{init}
</body>
</html>
"""


class CarepoolSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        # "</" cannot end the script element early; the JSON stays the same.
        config = json.dumps(self.settings).replace("</", "<\\/")
        if "ninja" in settings.INSTALLED_APPS:
            css, bundle = static("ninja/swagger-ui.css"), static("ninja/swagger-ui-bundle.js")
            init = f'<script src="{escape(static("ninja/swagger-ui-init.js"))}"></script>'
        else:
            css, bundle = f"{_CDN}/swagger-ui.css", f"{_CDN}/swagger-ui-bundle.js"
            init = f"<script>{(_NINJA_STATIC / 'swagger-ui-init.js').read_text('utf-8')}</script>"
        html = _PAGE.format(
            title=escape(api.title),
            css=escape(css),
            bundle=escape(bundle),
            csrf=escape(get_token(request)),
            settings=config,
            init=init,
        )
        return HttpResponse(html)
