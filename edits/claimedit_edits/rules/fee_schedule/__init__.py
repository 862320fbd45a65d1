"""Modifiers the Medicare fee schedule indicators refuse (50, 51, 26/TC), for every code of the MPFS file."""
