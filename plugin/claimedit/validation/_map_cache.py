"""pyx12 maps built once per machine: the parsed map of a pyx12 version is kept as a pickle in the user's cache.

pyx12 builds its 837P map from XML in every process (~0.2 s of CPU, most of a one-claim replay's validation);
unpickling the built map takes ~0.02 s. The cache key is the pyx12 version and the sha256 of the map file, so an
upgrade or a changed map builds afresh. The cache lives in ``$CLAIMEDIT_CACHE_DIR`` (default
``~/.cache/claimedit``), which only the user writes: the pickle is the user's own output, read back by the user.
Set ``CLAIMEDIT_CACHE_DIR=`` (empty) to turn the cache off. Any failure to read or write it falls back to pyx12.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import os
import pickle
import sys
from pathlib import Path
from typing import Any

__all__ = ["load_map_cached"]


def _cache_dir() -> Path | None:
    configured = os.environ.get("CLAIMEDIT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    return Path.home() / ".cache" / "claimedit"


def load_map_cached(map_file: str, param: Any, map_path: str | None = None) -> Any:
    """``pyx12.map_if.load_map_file``, from the cache when this pyx12 version built this map file before."""
    import pyx12.map_if  # noqa: PLC0415  (pyx12 is loaded at start-up, not at import)

    directory = _cache_dir()
    if directory is None or map_path is not None or os.path.basename(map_file) != map_file:
        return pyx12.map_if.load_map_file(map_file, param, map_path)
    try:
        source = importlib.resources.files("pyx12").joinpath("map", map_file).read_bytes()
        version = importlib.metadata.version("pyx12")
    except (OSError, importlib.metadata.PackageNotFoundError):
        return pyx12.map_if.load_map_file(map_file, param, map_path)
    key = hashlib.sha256(source + version.encode() + sys.version.encode()).hexdigest()[:24]
    cached = directory / f"pyx12-{version}-{map_file}.{key}.pickle"
    try:
        return pickle.loads(cached.read_bytes())  # noqa: S301  (written by this function, in the user's own cache)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    built = pyx12.map_if.load_map_file(map_file, param, map_path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")
        partial.write_bytes(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(cached)
    except (OSError, pickle.PicklingError, RecursionError):
        pass
    return built
