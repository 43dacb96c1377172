"""Reusable widgets: big buttons, keypads, the on-screen keyboard, date picker, overlays."""
