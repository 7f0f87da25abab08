"""Test helpers shared by every app's tests (factories, the cast of users, page checks)."""
