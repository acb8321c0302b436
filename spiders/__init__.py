"""Spiders: they find inputs and hand each over as a ``Page``; they never parse articles."""
