"""Public helpers more than one family uses (no edits here): a family never imports another's private modules."""
