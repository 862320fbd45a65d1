"""Skin lesion code-family edits: lesion counting, add-ons, size tiers, diagnoses and modifiers."""
