"""claimedit: X12 837P reading, replay and the event-driven plugin around the claimedit edits."""
