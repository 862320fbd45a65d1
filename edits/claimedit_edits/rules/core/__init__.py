"""Edits that apply to every 837P claim whatever its procedures: balancing and code sets."""
