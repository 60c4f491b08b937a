"""The embedded default: for trying the platform and for development."""

from .base import *  # noqa: F403
from .base import STATIC_ROOT

# WhiteNoise serves from the finders here; the (empty) root only has to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
