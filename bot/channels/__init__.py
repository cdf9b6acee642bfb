"""Rasa extensions (input channels). The only part of ``bot/`` allowed to import Rasa."""

from bot.channels import fast_paths as _fast_paths  # noqa: E402  (hot-path fixes, see the module)

_fast_paths.install()
