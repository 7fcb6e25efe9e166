"""Reading request bodies: JSON only, and JSON numbers as exact decimals, never floats."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser


class JsonParser(Parser):
    """``{"amount": 12.5}`` arrives as ``Decimal("12.5")``: money never passes through a float.

    A body that is not declared as JSON is refused (400), so a cross-site HTML form cannot
    post to the API.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type != "application/json":
            raise ValueError("send the body as JSON with 'Content-Type: application/json'")
        return cast(dict[str, Any], json.loads(request.body, parse_float=Decimal))
