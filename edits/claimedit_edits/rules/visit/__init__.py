"""Whole-visit rules: the E/M on the day of a minor procedure and the global surgical period inside a claim."""
