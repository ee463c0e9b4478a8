"""The demo bodies and their evaluation history (`manage.py demo`), and `manage.py generate`."""
