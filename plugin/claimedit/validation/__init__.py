"""Implementation-guide validation of 837P 005010X222A1 interchanges, as one package.

A compiled check of the guide (:mod:`claimedit.validation.guide`) decides which interchanges are clean,
and answers those with accepting 999s written from a template; everything else is validated by pyx12,
the oracle, as before. :mod:`claimedit.validation.gate` is the seam between the two.
"""
