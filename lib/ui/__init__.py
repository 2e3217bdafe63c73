"""The Streamlit wing of `lib`: the only modules of `lib` that import Streamlit.

- `cache`: Streamlit's resource and data caches around `lib` (shared, read-only).
- `session`: per-session state (every default in one place) and the active model.
- `server`: what a server process does once (freezing startup objects, Streamlit's
  per-run `clear_session` made harmless, orphans removed).
- `widgets`: widgets more than one page draws (the drawing canvas).

Everything else in `lib` is pure and tested without Streamlit; ruff's TID251 rule keeps it so.
"""
