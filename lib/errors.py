"""Errors about what a user uploaded or drew, translatable into the user's language."""

from lib import i18n


class InputError(ValueError):
    """A file, image or model a user gave cannot be used.

    `str(error)` is the English message; pages show it in the user's language
    with `error.message(language)`. Its `reason` is a key suffix in `lib.i18n`
    (`"error." + reason`) and `details` fill that text's placeholders.

    Args:
        reason: Why the input was refused, e.g. `"blank"` or `"not_an_image"`.
        **details: Values for the message's placeholders.
    """

    # Where the reasons' texts live in `lib.i18n`; a subclass may keep its own.
    text_prefix = "error."

    def __init__(self, reason, **details):
        self.reason = reason
        self.details = details
        super().__init__(self.message("en"))

    def message(self, language):
        """Returns the message in `language` (`"en"` or `"zh"`)."""
        return i18n.text(self.text_prefix + self.reason, language, **self.details)
