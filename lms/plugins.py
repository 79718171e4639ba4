"""The plugin contract: what a plugin declares and how create_app loads it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Blueprint, Flask

if TYPE_CHECKING:
    from lms.users.permissions import Permission


class PluginError(RuntimeError):
    """A plugin is missing, malformed, or its requirements are not met."""


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation.

    :param label: lazy-translated text shown in the menu.
    :param endpoint: Flask endpoint the entry links to.
    :param permission: permission name the user needs to see the entry, or a tuple of names of which
        any one will do (None: any signed-in user).
    :param order: position in the menu; lower comes first.
    :param description: optional lazy-translated line shown on the dashboard card.
    """

    label: object
    endpoint: str
    permission: str | tuple[str, ...] | None = None
    order: int = 100
    description: object = None


@dataclass(frozen=True)
class Plugin:
    """What a plugin package tells the core about itself.

    Each plugin package has a ``plugin`` attribute holding one. The bundled plugins define it in their
    ``manifest.py`` and hand it out lazily from ``__init__.py``, so that importing the package, or a pure
    part of it (an engine, a planner), costs no Flask views.

    :param name: the plugin's name; equals its package name and its blueprint's name.
    :param blueprint: the plugin's blueprint; it is registered under ``url_prefix``.
    :param url_prefix: where the blueprint's URLs start (``/courses``).
    :param requires: names of plugins that must be loaded before this one.
    :param permissions: the permissions this plugin adds, each saying which roles hold it.
    :param nav: navigation entries, shown to users holding their permission.
    :param views: the modules that attach the routes to the blueprint; the loader imports them just
        before it registers the blueprint, so no import of the package or its description loads them.
    :param init_app: called once with the app after the blueprint is registered: connect
        signal receivers, register report providers, add CLI groups and template globals.
    :param demo_loader: called by ``flask demo load`` after the core's demo data, with the
        dictionary of demo objects the core and earlier plugins created; adds to it.
    """

    name: str
    blueprint: Blueprint
    url_prefix: str
    requires: tuple[str, ...] = ()
    permissions: tuple[Permission, ...] = ()
    nav: tuple[NavItem, ...] = ()
    views: tuple[str, ...] = ()
    init_app: Callable[[Flask], None] | None = None
    demo_loader: Callable[[dict], None] | None = None


def load_plugins(app: Flask, names: list[str]) -> list[Plugin]:
    """Import, check and register the plugins named in config, in order.

    :param app: the application being built.
    :param names: plugin package names (``LMS_PLUGINS``).
    :raises PluginError: unknown package, name mismatch, or an unmet ``requires``.
    :returns: the loaded plugins, also kept in ``app.extensions["lms.plugins"]``.
    """
    from lms.users.permissions import register_permissions

    loaded: dict[str, Plugin] = {}
    for name in names:
        try:
            package = importlib.import_module(name)
        except ImportError as exc:
            raise PluginError(f"Plugin {name!r} listed in LMS_PLUGINS cannot be imported: {exc}") from exc
        plugin = getattr(package, "plugin", None)
        if not isinstance(plugin, Plugin):
            raise PluginError(f"Package {name!r} has no `plugin` attribute holding its Plugin(...) description")
        if plugin.name != name or plugin.blueprint.name != name:
            raise PluginError(
                f"Plugin {name!r}: its Plugin.name ({plugin.name!r}) and blueprint name "
                f"({plugin.blueprint.name!r}) must both equal the package name"
            )
        missing = [req for req in plugin.requires if req not in loaded]
        if missing:
            raise PluginError(
                f"Plugin {name!r} requires {', '.join(missing)}; list "
                f"{'it' if len(missing) == 1 else 'them'} before {name!r} in LMS_PLUGINS"
            )
        # Importing the models package registers the plugin's tables with the metadata,
        # so Alembic autogenerate and the test suite see them.
        importlib.import_module(f"{name}.models")
        for module in plugin.views:
            importlib.import_module(module)
        register_permissions(app, plugin.permissions)
        app.register_blueprint(plugin.blueprint, url_prefix=plugin.url_prefix)
        if plugin.init_app is not None:
            plugin.init_app(app)
        loaded[name] = plugin
    app.extensions["lms.plugins"] = list(loaded.values())
    return list(loaded.values())


def nav_items(app: Flask, core_items: tuple[NavItem, ...]) -> list[NavItem]:
    """Core and plugin navigation entries, in menu order."""
    items = list(core_items)
    for plugin in app.extensions.get("lms.plugins", []):
        items.extend(plugin.nav)
    return sorted(items, key=lambda item: item.order)
