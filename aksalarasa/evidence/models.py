"""Instruments, administrations, responses and the analyses that show whether a program worked."""
