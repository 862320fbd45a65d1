"""claimedit edits: typed claims, the edit engine, reference tables and the code-family edits."""
