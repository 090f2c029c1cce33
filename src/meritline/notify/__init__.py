"""Notifications (PLT-6): one entry point, ``notify()``, and the in-app inbox.

Every message is recorded in the inbox with one delivery row per channel. The inbox is
the only channel today; e-mail and WeCom plug in as further ``Channel`` classes (see
``channels.py``) without changing a caller. This app sits beside ``core``: it imports
nothing above it.
"""
