"""NCCI edits for every code in the loaded CMS tables: procedure-to-procedure pairs, MUE and add-on codes."""
