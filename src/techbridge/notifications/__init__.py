"""In-app notifications, e-mail (immediate and a daily digest) and per-user to-do lists.

Other apps call ``notifications.services`` (``notify``, ``open_todo``, ``close_todos``); they never
write these tables themselves.
"""
