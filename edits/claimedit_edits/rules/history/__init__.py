"""Edits across claims: duplicates, global periods and daily limits against the patient's earlier claims.

Every edit here reads the history port of its context and yields nothing when there is none (``--no-history``).
"""
