"""The edits configuration (TOML, validated at start-up): select/ignore, severities, options, payer layers."""

from claimedit_edits.config._engine import build_configured_engine
from claimedit_edits.config._policy import DEFAULT_CONFIG_PATH, ConfigError, ConfigPolicy, load_config, parse_config
from claimedit_edits.config._schema import EditsConfig, PayerLayer, SelectionSettings

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "ConfigError",
    "ConfigPolicy",
    "EditsConfig",
    "PayerLayer",
    "SelectionSettings",
    "build_configured_engine",
    "load_config",
    "parse_config",
]
