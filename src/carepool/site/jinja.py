"""The Jinja2 environment: NHS.UK frontend components plus our templates."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    # Django passes a loader for app template dirs; the NHS.UK components come from the package.
    app_loader = options.pop("loader", None)
    loaders = [app_loader] if app_loader is not None else []
    loaders.append(PackageLoader("nhsuk_frontend_jinja", "templates"))
    options["undefined"] = ChainableUndefined
    env = Environment(loader=ChoiceLoader(loaders), **options)  # noqa: S701 - autoescape set by Django
    env.globals.update(static=static, url=url, get_messages=get_messages)
    return env
