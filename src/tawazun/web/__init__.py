"""The analyst's workbench: a web app in Arabic and English (``tawazun serve``).

>>> from tawazun.web import Settings, create_app
>>> app = create_app(Settings())  # doctest: +SKIP

See ``docs/web.md``.
"""

from tawazun.web.app import Settings, create_app

__all__ = ["Settings", "create_app"]
