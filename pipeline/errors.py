"""The one kind of error a user can fix by changing a file or an argument.

The command line prints such an error on one line and exits 2 (a traceback only with `--debug`);
every stage raises a subclass of `UserError` for a problem in its input, so the CLI needs to know
only this module, not each stage's exceptions.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem in the user's files or arguments; the message names the file and what to do."""
