"""The ballot rules (one class per rule, in a registry), pure: no model, no database.

Editions choose a rule and check its settings against it; the vote parses, validates and
counts ballots with it; results export ballots in its pabulib vote type. It imports nothing
of the project but ``core``, so every app may use it.
"""
