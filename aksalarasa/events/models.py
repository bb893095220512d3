"""Events of a program: agenda, registrations, check-in, mixed teams, interactions."""
