"""The follow-up's views, one module per concern."""
