"""Loads and checks the configuration against the registry, and chooses each claim's selection."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from claimedit_edits.config._schema import EditsConfig, OptionValueIn, PayerLayer, SelectionSettings
from claimedit_edits.engine.options import EditOptions
from claimedit_edits.engine.registry import Registry
from claimedit_edits.engine.runner import Selection, SelectionPolicy
from claimedit_edits.model import CATEGORIES, Claim, Severity

__all__ = ["DEFAULT_CONFIG_PATH", "ConfigError", "ConfigPolicy", "load_config", "parse_config"]

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default.toml")


class ConfigError(ValueError):
    """The configuration file is unreadable, has unknown keys, or names edits or options that do not exist."""


def load_config(path: Path | None, registry: Registry) -> ConfigPolicy:
    """Read ``path`` (the packaged default when None), validate it and return the policy for the engine."""
    source = path or DEFAULT_CONFIG_PATH
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {source}: {exc.strerror}") from exc
    return parse_config(text, registry, source=str(source), base_dir=source.parent)


def parse_config(
    text: str, registry: Registry, *, source: str = "<config>", base_dir: Path | None = None
) -> ConfigPolicy:
    """Validate ``text``; relative ``tables`` directories are taken from ``base_dir`` (the file's folder)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    try:
        config = EditsConfig.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(top level)'}: {error['msg']}" for error in exc.errors()
        )
        raise ConfigError(f"{source}: {details}") from exc
    problems = _unknown_references(config, registry)
    if problems:
        raise ConfigError(f"{source}: " + "; ".join(problems))
    return ConfigPolicy(config, registry, base_dir=base_dir)


def _unknown_references(config: EditsConfig, registry: Registry) -> list[str]:
    selectors = set(registry.by_code) | {edit.spec.name for edit in registry} | set(registry.families())
    selectors |= set(CATEGORIES)
    problems: list[str] = []
    layers: list[tuple[str, SelectionSettings]] = [("", config)]
    layers += [(f"payer[{layer.name}].", layer) for layer in config.payer]
    for prefix, layer in layers:
        for key in ("select", "extend_select", "ignore"):
            problems += [
                f"{prefix}{key}: unknown edit, family or category {value!r}"
                for value in getattr(layer, key)
                if value not in selectors
            ]
        for name in layer.severity:
            if registry.resolve(name) is None:
                problems.append(f"{prefix}severity: unknown edit {name!r}")
        for name, options in layer.options.items():
            registered = registry.resolve(name)
            if registered is None:
                problems.append(f"{prefix}options: unknown edit {name!r}")
                continue
            known = ", ".join(registered.spec.option_names) or "none"
            unknown = [key for key in options if key not in registered.spec.option_names]
            problems += [f"{prefix}options.{name}: unknown option {key!r} (known: {known})" for key in unknown]
            if not unknown:
                problems += _option_type_problems(f"{prefix}options.{name}", registered.spec.options, options)
    for layer in config.payer:
        if not layer.payer_ids and not layer.filing_indicators:
            problems.append(f"payer[{layer.name}]: give payer_ids or filing_indicators to match claims")
    return problems


class ConfigPolicy(SelectionPolicy):
    """The default selection plus payer layers, applied in file order to the claims they match."""

    def __init__(self, config: EditsConfig, registry: Registry, *, base_dir: Path | None = None) -> None:
        self.config = config
        self._registry = registry
        self._base_dir = base_dir or Path.cwd()
        super().__init__(self._merge(Selection(), config))
        self._cache: dict[tuple[str, str], Selection] = {}

    @property
    def table_dirs(self) -> list[Path]:
        """Extra table directories, relative ones taken from the configuration file's folder."""
        return [self._base_dir / path for path in self.config.tables]

    def for_claim(self, claim: Claim) -> Selection:
        key = (claim.payer.payer_id, claim.payer.filing_indicator)
        selection = self._cache.get(key)
        if selection is None:
            selection = self.default
            for layer in self.config.payer:
                if _matches(layer, *key):
                    selection = self._merge(selection, layer)
            self._cache[key] = selection
        return selection

    def _code(self, name: str) -> str:
        registered = self._registry.resolve(name)
        return registered.spec.code if registered is not None else name

    def _merge(self, base: Selection, layer: SelectionSettings) -> Selection:
        severity: dict[str, Severity] = dict(base.severity)
        severity.update({self._code(name): value for name, value in layer.severity.items()})
        options: dict[str, EditOptions] = dict(base.options)
        for name, values in layer.options.items():
            registered = self._registry.resolve(name)
            if registered is None:
                continue
            code = registered.spec.code
            merged = dict(options[code].model_dump(exclude_unset=True)) if code in options else {}
            merged.update({key: _frozen(value) for key, value in values.items()})
            options[code] = registered.spec.options.model_validate(merged)
        return Selection(
            select=frozenset(layer.select) if layer.select else base.select,
            ignore=base.ignore | frozenset(layer.ignore),
            severity=severity,
            extend_select=base.extend_select | frozenset(layer.extend_select),
            options=options,
        )


def _matches(layer: PayerLayer, payer_id: str, filing_indicator: str) -> bool:
    return (bool(payer_id) and payer_id in layer.payer_ids) or (
        bool(filing_indicator) and filing_indicator in layer.filing_indicators
    )


def _frozen(value: OptionValueIn) -> object:
    return tuple(value) if isinstance(value, list) else value


def _option_type_problems(where: str, model: type[EditOptions], values: Mapping[str, OptionValueIn]) -> list[str]:
    """Each option value checked against the edit's options model (strict: no number taken for a string)."""
    try:
        model.model_validate({key: _frozen(value) for key, value in values.items()})
    except ValidationError as exc:
        return [
            f"{where}.{'.'.join(str(part) for part in error['loc'])}: {error['msg']} (got {error['input']!r})"
            for error in exc.errors()
        ]
    return []
