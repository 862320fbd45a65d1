"""The broker plugin: a FastStream app that edits the claims of every interchange it consumes."""

from claimedit.service.app import ClaimeditService, create_app, create_service
from claimedit.service.settings import ServiceSettings, SettingsError, load_settings

__all__ = ["ClaimeditService", "ServiceSettings", "SettingsError", "create_app", "create_service", "load_settings"]
