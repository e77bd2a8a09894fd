"""Live run dashboards: :class:`Dashboard` (a log directory) and the shared snapshot, downsampling and publishing.

:class:`~modelviz.live.LiveLog` (in-process logging, ``modelviz.live()``) uses the same snapshot and publisher.
"""

from __future__ import annotations

from ._dashboard import Dashboard
from ._downsample import downsample
from ._publisher import Publisher, active, stop_all

__all__ = ["Dashboard", "Publisher", "active", "downsample", "stop_all"]
