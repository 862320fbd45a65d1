"""Claim history: the patient's earlier claims, kept so the ``history`` edits can look across claims.

The port (:mod:`claimedit.history.port`) is what the pipeline knows; the SQL store
(:mod:`claimedit.history.store`, SQLAlchemy Core on SQLite or PostgreSQL) fills it. Nothing here is
imported by the pipeline at start-up unless a history is asked for.
"""
