"""What happens to an account's phone number, for the apps that follow it (the backpack collects
the badges awarded to a verified number). allauth sends no signal of its own for phones."""

from django.dispatch import Signal

# The account proved the number is its own (typed back the code sent to it by SMS).
# Arguments: ``user``, ``phone``.
phone_verified = Signal()
# The account's number was taken off it (removed, or replaced by another one).
# Arguments: ``user``, ``phone`` (the number it no longer has).
phone_removed = Signal()
