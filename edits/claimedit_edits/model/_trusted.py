"""Building models from values that are already typed, without pydantic's per-field work.

The reader constructs ~10 models per claim from values it has parsed itself (strings, Decimals,
dates, tuples). Validation would re-check what the code just produced, and even ``model_construct``
walks every field: at 10,000 claims that is most of the reading time. ``trusted`` does what
``model_construct`` does (defaults, fields-set, no extras) with the defaults resolved once per class.
A test checks that it gives models equal to validated construction.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["trusted", "trusted_from", "trusted_update"]

_M = TypeVar("_M", bound=BaseModel)
_DEFAULTS: dict[type[BaseModel], dict[str, Any]] = {}
_ALL_FIELDS: dict[type[BaseModel], set[str]] = {}
_PREPARED: dict[type[BaseModel], tuple[dict[str, Any], set[str]]] = {}
_SETATTR = object.__setattr__
_NEW = object.__new__


def _defaults(cls: type[BaseModel]) -> dict[str, Any]:
    found = _DEFAULTS.get(cls)
    if found is None:
        found = {
            name: info.get_default(call_default_factory=True)
            for name, info in cls.model_fields.items()
            if not info.is_required()
        }
        _DEFAULTS[cls] = found
    return found


def _all_fields(cls: type[BaseModel]) -> set[str]:
    found = _ALL_FIELDS.get(cls)
    if found is None:
        found = _ALL_FIELDS[cls] = set(cls.model_fields)
    return found


def trusted(cls: type[_M], **values: Any) -> _M:
    """An instance of ``cls`` holding ``values`` (already of the declared types) plus the field defaults.

    Every field counts as set (one shared set per class: frozen models never change it, and pydantic
    copies it before any update), so ``exclude_unset`` dumps show defaults too.
    """
    return trusted_from(cls, values)


def _prepare(cls: type[BaseModel]) -> tuple[dict[str, Any], set[str]]:
    if cls.__new__ is not _NEW:  # trusted_from creates instances as BaseModel does, with object.__new__
        raise TypeError(f"{cls.__name__} defines __new__: it cannot be built by trusted")
    prepared = _PREPARED[cls] = (_defaults(cls), _all_fields(cls))
    return prepared


def trusted_from(cls: type[_M], values: dict[str, Any]) -> _M:
    """:func:`trusted` with the values in a dict: the reader builds its models from dicts it filled (a
    keyword-argument call would copy each dict twice more). ``values`` becomes the model's own when the
    class has no defaults: pass a dict nothing else holds or changes."""
    prepared = _PREPARED.get(cls)
    if prepared is None:
        prepared = _prepare(cls)
    defaults, fields = prepared
    model = _NEW(cls)
    _SETATTR(model, "__dict__", {**defaults, **values} if defaults else values)
    _SETATTR(model, "__pydantic_fields_set__", fields)
    _SETATTR(model, "__pydantic_extra__", None)
    _SETATTR(model, "__pydantic_private__", None)
    return model


def trusted_update(model: _M, **changes: Any) -> _M:
    """A copy of ``model`` with ``changes`` applied (frozen models cannot be changed in place)."""
    updated = _NEW(type(model))
    _SETATTR(updated, "__dict__", {**model.__dict__, **changes})
    _SETATTR(updated, "__pydantic_fields_set__", _all_fields(type(model)))
    _SETATTR(updated, "__pydantic_extra__", None)
    _SETATTR(updated, "__pydantic_private__", None)
    return updated
