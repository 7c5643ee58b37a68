"""Recordings: the format's names (``format``), writing one as a session runs (``writer``),
reading one back (``reader``) and replaying it through the session code (``replay``).

Nothing is imported here, so a module that needs only the format's names loads nothing else.
"""
